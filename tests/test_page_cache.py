"""Report pages and downloads answer conditional requests and are kept by revision, never across users' rights."""

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from povertyplan.settings.base import cache_from_url
from workflow.models import Role

from .factories import UserFactory, make_household_plan, make_role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return make_household_plan()


def plan_urls(plan) -> list[str]:
    return [
        reverse("reports:plan", args=[plan.slug]),
        reverse("reports:districts", args=[plan.slug]),
        reverse("reports:districts_csv", args=[plan.slug]),
        reverse("reports:indicators", args=[plan.slug]),
        reverse("reports:tasks", args=[plan.slug]),
        reverse("reports:quality", args=[plan.slug]),
        reverse("reports:results", args=[plan.slug]),
        reverse("spreadsheets:export_plan", args=[plan.slug]),
        reverse("spreadsheets:export_appendix", args=[plan.slug, "01"]),
    ]


def test_every_report_page_and_download_answers_304_to_a_browser_holding_the_current_page(client, plan):
    district = plan.appendices.get().rows.filter(is_total=False).first().locality
    urls = [*plan_urls(plan), "/", reverse("reports:locality", args=[district.slug])]
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"].startswith('W/"'), url
        assert first["Cache-Control"] in ("private, no-cache", "no-cache, private"), url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]


def test_a_304_renders_nothing_and_reads_only_the_plan(client, plan, django_assert_max_num_queries):
    url = reverse("reports:districts", args=[plan.slug])
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_page_kept_in_the_cache_is_served_without_reading_the_tables(client, plan, django_assert_max_num_queries):
    url = reverse("reports:districts", args=[plan.slug])
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(1):
        response = Client().get(url)
    assert response["X-Page-Cache"] == "hit"
    assert response.content.count(b"Huy\xe1\xbb\x87n S\xe1\xbb\x91 1") >= 1  # “Huyện Số 1”, the page itself


def test_the_etag_names_the_language_and_english_is_never_served_from_the_vietnamese_copy(plan):
    url = reverse("reports:districts", args=[plan.slug])
    vietnamese = Client()
    vi_page = vietnamese.get(url)
    english = Client()
    english.cookies["django_language"] = "en"
    en_page = english.get(url, HTTP_IF_NONE_MATCH=vi_page["ETag"])
    assert en_page.status_code == 200
    assert en_page["X-Page-Cache"] == "miss"
    assert en_page["Content-Language"] == "en" and 'lang="en"' in en_page.content.decode()


def test_a_page_kept_for_a_reviewer_is_not_served_to_an_anonymous_reader(client, plan):
    reviewer = make_role_user(Role.REVIEWER, province=plan.province, user=UserFactory(username="ldtbxh-thu"))
    url = reverse("reports:plan", args=[plan.slug])
    client.force_login(reviewer)
    reviewer_page = client.get(url)
    assert "ldtbxh-thu" in reviewer_page.content.decode()
    assert reverse("editing:districts_edit", args=[plan.slug]) in reviewer_page.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"  # kept for the reviewer
    anonymous = Client().get(url, HTTP_IF_NONE_MATCH=reviewer_page["ETag"])
    assert anonymous.status_code == 200
    assert anonymous["X-Page-Cache"] == "miss"
    page = anonymous.content.decode()
    assert "ldtbxh-thu" not in page
    assert reverse("editing:districts_edit", args=[plan.slug]) not in page


def test_a_private_plans_page_kept_for_a_reviewer_is_a_404_for_everybody_else(client, plan):
    plan.is_public = False
    plan.save()
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    client.force_login(reviewer)
    for url in plan_urls(plan):
        assert client.get(url).status_code == 200, url
        assert Client().get(url).status_code == 404, url
        other = Client()
        other.force_login(UserFactory())
        assert other.get(url).status_code == 404, url


def test_two_readers_with_the_same_rights_but_different_names_each_see_their_own_name(plan):
    pages = {}
    for name in ("docgia-mot", "docgia-hai"):
        browser = Client()
        browser.force_login(make_role_user(Role.READER, province=plan.province, user=UserFactory(username=name)))
        pages[name] = browser.get(reverse("reports:plan", args=[plan.slug])).content.decode()
    assert "docgia-mot" in pages["docgia-mot"] and "docgia-hai" not in pages["docgia-mot"]
    assert "docgia-hai" in pages["docgia-hai"] and "docgia-mot" not in pages["docgia-hai"]


def test_a_role_taken_away_is_not_answered_with_the_page_kept_for_the_role(client, plan):
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    client.force_login(reviewer)
    url = reverse("reports:plan", args=[plan.slug])
    kept = client.get(url)
    assert reverse("editing:districts_edit", args=[plan.slug]) in kept.content.decode()
    reviewer.role_assignments.all().delete()
    after = client.get(url, HTTP_IF_NONE_MATCH=kept["ETag"])
    assert after.status_code == 200
    assert reverse("editing:districts_edit", args=[plan.slug]) not in after.content.decode()


def test_each_browser_gets_its_own_csrf_token_and_can_switch_the_language_from_a_kept_page(plan):
    url = reverse("reports:districts", args=[plan.slug])
    Client().get(url)  # now kept
    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        response = browser.get(url)
        assert response["X-Page-Cache"] == "hit"
        page = response.content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        assert "\x00" not in page
        tokens.append(token)
        switched = browser.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
    assert tokens[0] != tokens[1]


def test_a_message_waiting_for_the_user_is_shown_not_hidden_behind_a_kept_page(client, plan):
    url = reverse("reports:districts", args=[plan.slug])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    storage = CookieStorage(Client().request().wsgi_request)
    storage.add(constants.SUCCESS, "Đã lưu 3 số liệu.")
    carrier = HttpResponse()
    storage.update(carrier)  # the cookie a redirect after a save carries
    client.cookies["messages"] = carrier.cookies["messages"].value
    page = client.get(url)
    assert "Đã lưu 3 số liệu." in page.content.decode()
    assert "X-Page-Cache" not in page


def test_a_filtered_table_is_kept_apart_from_the_whole_table(client, plan):
    url = reverse("reports:districts", args=[plan.slug])
    whole = client.get(url).content.decode()
    district = plan.appendices.get().rows.filter(is_total=False).order_by("order").last().locality
    filtered = client.get(url, {"district": district.pk})
    assert filtered["X-Page-Cache"] == "miss"
    assert filtered.content.decode() != whole


def test_a_download_kept_in_the_cache_is_the_same_file(client, plan):
    url = reverse("spreadsheets:export_appendix", args=[plan.slug, "01"])
    first = b"".join(client.get(url).streaming_content)
    second = Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Disposition"].startswith("attachment")
    assert b"".join(second.streaming_content) == first


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://cache.internal:6379/1", "django_redis.cache.RedisCache"),
        ("rediss://cache.internal:6380/1", "django_redis.cache.RedisCache"),
        ("memcached://cache-1:11211,cache-2:11211", "django.core.cache.backends.memcached.PyMemcacheCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_cache_url_names_the_pages_cache_backend(url, backend):
    assert cache_from_url(url)["BACKEND"] == backend


def test_cache_url_lists_every_memcached_host_and_refuses_an_unknown_scheme():
    assert cache_from_url("memcached://cache-1:11211,cache-2:11211")["LOCATION"] == ["cache-1:11211", "cache-2:11211"]
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("mongodb://somewhere")


def test_an_anonymous_readers_page_reads_the_replica_and_a_signed_in_users_page_the_primary(rf, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    from kernel.db_router import ReplicaRouter
    from kernel.page_cache import revision_cached
    from plans.models import Plan

    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    router = ReplicaRouter()
    seen = []

    def key_of(request):
        seen.append(("key", router.db_for_read(Plan)))
        return ("test",)

    @revision_cached(key_of)
    def page(request):
        seen.append(("view", router.db_for_read(Plan), router.db_for_write(Plan)))
        return HttpResponse("<p>trang</p>")

    request = rf.get("/trang/")
    request.user = AnonymousUser()
    page(request)
    assert seen == [("key", "replica"), ("view", "replica", "default")]
    seen.clear()
    request = rf.get("/trang/?nguoi=dang-nhap")  # another page: the first is kept and would not be rendered
    request.user = UserFactory()
    page(request)
    assert seen == [("key", "default"), ("view", "default", "default")]
    assert router.db_for_read(Plan) == "default"  # outside a page: the primary
