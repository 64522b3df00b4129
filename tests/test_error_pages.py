"""Refusals that help: only the actions a user may take are offered, and 403, 404 and 500 are pages of the site,
in the user's language, saying why and linking back (500 without any detail)."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

HY = "hung-yen-2023-2025"


def test_a_locality_official_is_offered_the_district_grid_but_not_the_indicator_grid(client, hung_yen_people):
    client.force_login(hung_yen_people["official"])
    page = client.get(reverse("reports:plan", args=[HY])).content.decode()
    assert reverse("editing:districts_edit", args=[HY]) in page
    assert reverse("editing:indicators_edit", args=[HY]) not in page


def test_an_agency_officer_is_offered_the_indicator_grid_but_not_the_district_grid(client, hung_yen_people):
    client.force_login(hung_yen_people["agency_officer"])
    page = client.get(reverse("reports:plan", args=[HY])).content.decode()
    assert reverse("editing:indicators_edit", args=[HY]) in page
    assert reverse("editing:districts_edit", args=[HY]) not in page


def test_a_refusal_is_a_page_of_the_site_in_vietnamese_saying_why_with_a_way_back(client, hung_yen_people):
    client.force_login(hung_yen_people["official"])
    response = client.get(reverse("editing:indicators_edit", args=[HY]))
    assert response.status_code == 403
    page = response.content.decode()
    with translation.override("vi"):
        assert translation.gettext("You may not do this") in page
        assert translation.gettext("You may not change any indicator of this plan.") in page
    assert 'class="site-header' in page and f'href="{reverse("reports:home")}"' in page
    assert "403 Forbidden" not in page


def test_a_refusal_speaks_english_to_who_chose_english(client, hung_yen_people):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hung_yen_people["official"])
    page = client.get(reverse("editing:indicators_edit", args=[HY])).content.decode()
    assert "You may not do this" in page and "You may not change any indicator of this plan." in page


def test_an_unknown_page_is_a_page_of_the_site_with_a_way_back(client):
    response = client.get("/plans/khong-co-ke-hoach-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    with translation.override("vi"):
        assert translation.gettext("Page not found") in page
    assert f'href="{reverse("reports:home")}"' in page


def test_the_server_error_page_needs_no_context_and_shows_no_detail():
    request = RequestFactory().get("/")
    with translation.override("vi"):
        response = server_error(request)
        title = translation.gettext("Something went wrong on the server")
    page = response.content.decode()
    assert response.status_code == 500 and title in page
    assert 'class="site-header' in page and "Traceback" not in page
