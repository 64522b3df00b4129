"""The API gives the rights of the pages: anonymous callers read what anonymous visitors read (public plans); a
personal token reads what its owner may read, and nothing else. Tokens are created and revoked by their owner on
the site, shown once, stored hashed, and record their last use. Nothing writes through the API."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.auth import token_caller
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from indicators.models import IndicatorValue
from plans.models import HouseholdFigure
from workflow.models import Role

from .factories import (
    AgencyFactory,
    ProvinceFactory,
    make_household_plan,
    make_indicator_plan,
    make_role_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_province():
    """A province whose household plan and indicator plan are not public, with people in and out of it."""
    province = ProvinceFactory(slug="tinh-kin", name="Tỉnh Kín")
    agency = AgencyFactory(province=province, slug="so-y-te", name="Sở Y tế")
    households = make_household_plan(slug="kin-2021-2023", province=province)
    indicators = make_indicator_plan(slug="kin-chi-tieu-2023-2025", province=province, lead_agency=agency)
    households.is_public = indicators.is_public = False
    households.save()
    indicators.save()
    district = households.appendices.get().rows.filter(is_total=False).order_by("order").first().locality
    return {
        "province": province,
        "agency": agency,
        "households": households,
        "indicators": indicators,
        "district": district,
        "reader": make_role_user(Role.READER, province=province),
        "official": make_role_user(Role.LOCALITY_OFFICIAL, locality=district),
        "other_reviewer": make_role_user(Role.REVIEWER, province=ProvinceFactory(slug="tinh-khac")),
    }


def token_for(user) -> str:
    return api_token_create(user=user, name="Bảng điều khiển")[1]


def get(client, url, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(url, HTTP_ACCEPT_ENCODING="identity", **headers)


def plan_urls(data) -> list[str]:
    households, indicators = data["households"].slug, data["indicators"].slug
    code = data["indicators"].indicators.first().indicator.code
    return [
        f"/api/v1/plans/{households}",
        f"/api/v1/plans/{households}/appendices/01",
        f"/api/v1/plans/{households}/appendices/01/rows",
        f"/api/v1/plans/{indicators}/indicators",
        f"/api/v1/plans/{indicators}/indicators/{code}",
    ]


def test_a_plan_that_is_not_public_is_not_found_by_anonymous_callers_on_every_endpoint(client, closed_province):
    for url in plan_urls(closed_province):
        response = get(client, url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/problem+json")


def test_a_reader_of_the_province_reads_its_closed_plans_with_a_token_on_every_endpoint(client, closed_province):
    token = token_for(closed_province["reader"])
    for url in plan_urls(closed_province):
        assert get(client, url, token).status_code == 200, url


def test_a_locality_official_reads_the_closed_plans_of_their_province(client, closed_province):
    token = token_for(closed_province["official"])
    for url in plan_urls(closed_province):
        assert get(client, url, token).status_code == 200, url


def test_a_reviewer_of_another_province_does_not_find_the_closed_plans(client, closed_province):
    token = token_for(closed_province["other_reviewer"])
    for url in plan_urls(closed_province):
        assert get(client, url, token).status_code == 404, url


def test_the_plan_list_shows_closed_plans_only_to_those_who_may_read_them(client, closed_province):
    def slugs(token=None):
        return {item["slug"] for item in get(client, "/api/v1/plans?limit=1000", token).json()["items"]}

    closed = {closed_province["households"].slug, closed_province["indicators"].slug}
    assert not closed & slugs()
    assert not closed & slugs(token_for(closed_province["other_reviewer"]))
    assert closed <= slugs(token_for(closed_province["reader"]))


def test_a_units_series_and_an_agencys_indicators_leave_out_closed_plans_for_anonymous_callers(client, closed_province):
    district = closed_province["district"].slug
    agency = f"/api/v1/agencies/{closed_province['province'].slug}/so-y-te"
    assert get(client, f"/api/v1/localities/{district}").json()["series"] == []
    assert get(client, agency + "/indicators").json()["items"] == []
    assert get(client, agency).json()["plans"] == []
    token = token_for(closed_province["reader"])
    assert len(get(client, f"/api/v1/localities/{district}", token).json()["series"]) == 3
    assert len(get(client, agency + "/indicators", token).json()["items"]) == 4
    assert [plan["slug"] for plan in get(client, agency, token).json()["plans"]] == ["kin-chi-tieu-2023-2025"]


def test_a_session_of_the_site_gives_no_rights_in_the_api(client, closed_province):
    client.force_login(closed_province["reader"])
    assert get(client, f"/api/v1/plans/{closed_province['households'].slug}").status_code == 404


@pytest.mark.parametrize(
    "header",
    ["Bearer khgn_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer " + "x" * 5000],
)
def test_a_token_that_is_not_valid_is_refused_with_401_and_a_problem(client, header):
    response = client.get("/api/v1/plans", HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["status"] == 401
    assert "not valid" in problem["detail"]


def test_a_revoked_token_is_refused(client, closed_province):
    user = closed_province["reader"]
    token, secret = api_token_create(user=user, name="Thống kê")
    api_token_revoke(user=user, token_id=token.pk)
    assert get(client, "/api/v1/plans", secret).status_code == 401


def test_the_token_of_a_closed_account_is_refused(client, closed_province):
    user = closed_province["reader"]
    secret = token_for(user)
    user.is_active = False
    user.save()
    assert get(client, "/api/v1/plans", secret).status_code == 401


def test_a_token_is_stored_only_as_a_hash(closed_province):
    token, secret = api_token_create(user=closed_province["reader"], name="Cục Thống kê")
    token.refresh_from_db()
    assert secret.startswith("khgn_") and len(secret) > 40
    assert secret not in (token.digest, token.prefix) and token.prefix == secret[: len(token.prefix)]
    assert len(token.digest) == 64


def test_a_tokens_use_is_recorded_to_the_minute(client, closed_province):
    token, secret = api_token_create(user=closed_province["reader"], name="Cục Thống kê")
    assert token.last_used_at is None
    get(client, "/api/v1/plans", secret)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    token_caller(secret, now=first + datetime.timedelta(seconds=10))
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + datetime.timedelta(minutes=2)
    token_caller(secret, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


# --- the token page ------------------------------------------------------------------------------------------------


def test_the_token_page_needs_a_log_in(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_person_creates_a_token_sees_it_once_and_it_reads_with_their_rights(client, closed_province):
    client.force_login(closed_province["reader"])
    response = client.post(reverse("api:tokens"), {"name": "Bảng điều khiển tỉnh"})
    assert response.status_code == 200
    secret = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())[1]
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert secret not in client.get(reverse("api:tokens")).content.decode()
    client.logout()
    assert get(client, f"/api/v1/plans/{closed_province['households'].slug}", secret).status_code == 200


def test_a_token_without_a_name_is_refused_with_a_message_in_vietnamese(client, closed_province):
    client.force_login(closed_province["reader"])
    response = client.post(reverse("api:tokens"), {"name": "   "})
    assert response.status_code == 200
    assert "new-token" not in response.content.decode()
    assert not ApiToken.objects.exists()
    assert "Trường này là bắt buộc." in response.content.decode()


def test_a_person_revokes_their_token_on_the_page_and_it_stops_working(client, closed_province):
    user = closed_province["reader"]
    token, secret = api_token_create(user=user, name="Báo chí")
    client.force_login(user)
    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()
    client.logout()
    assert get(client, "/api/v1/plans", secret).status_code == 401


def test_nobody_revokes_another_persons_token(client, closed_province):
    token, secret = api_token_create(user=closed_province["reader"], name="Báo chí")
    client.force_login(closed_province["official"])
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None
    assert get(client, "/api/v1/plans", secret).status_code == 200


# --- nothing writes through the API -------------------------------------------------------------------------------


def _site_form_fields(client) -> dict:
    """The fields the site's own editing form posts (the district grid of the seed plan), with their values."""
    html = client.get("/plans/hung-yen-2023-2025/districts/edit/").content.decode()
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    assert len(fields) > 10  # the grid's figures, versions and token: the probe replays a real form
    return fields


def test_the_security_probe_finds_no_way_to_write_through_the_api(client, admin_client, superuser):
    fields = _site_form_fields(admin_client)
    # Bump every figure, as an editor would: if any door accepted it, the stored values would change.
    changed = {name: (str(int(value) + 1) if value.isdigit() else value) for name, value in fields.items()}
    secret = token_for(superuser)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    examples = {
        "{slug}": "hung-yen-2023-2025",
        "{code}": "01",
        "{province}": "hung-yen",
    }
    before = (
        list(HouseholdFigure.objects.order_by("pk").values_list("households", "poor_households", "version")),
        list(IndicatorValue.objects.order_by("pk").values_list("value", "version")),
        HouseholdFigure.history.count(),
        IndicatorValue.history.count(),
    )
    urls = []
    for path in paths:
        url = path
        for placeholder, value in examples.items():
            url = url.replace(placeholder, value, 1)
        urls += [url, url + "/", url.replace("/api/v1/", "/api/v1/../", 1)]
    urls += ["/api/v1/", "/api/v1/plans/hung-yen-2023-2025/districts/edit/"]
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            for auth in ({}, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}):
                response = getattr(client, method)(url, changed, **auth)
                assert response.status_code in {403, 404, 405}, (method, url, response.status_code)
                assert response["Content-Type"].startswith("application/problem+json")
                json_response = getattr(client, method)(
                    url, changed, content_type="application/json", HTTP_ACCEPT_ENCODING="identity", **auth
                )
                assert json_response.status_code in {403, 404, 405}, (method, url)
    after = (
        list(HouseholdFigure.objects.order_by("pk").values_list("households", "poor_households", "version")),
        list(IndicatorValue.objects.order_by("pk").values_list("value", "version")),
        HouseholdFigure.history.count(),
        IndicatorValue.history.count(),
    )
    assert after == before


def test_a_logged_in_person_finds_the_token_page_from_every_page(client, closed_province):
    assert reverse("api:tokens") not in client.get("/").content.decode()
    client.force_login(closed_province["reader"])
    assert f'href="{reverse("api:tokens")}"' in client.get("/").content.decode()
