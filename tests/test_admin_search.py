"""The admin's searches find a name whatever Unicode form it is typed in, and without its diacritics, as the site's
search does: “phu cu” and “Phù Cừ” typed decomposed (NFD) both find “Huyện Phù Cừ”."""

import unicodedata

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from kernel.admin_base import TextSearchAdmin
from localities.models import Locality
from plans.models import Agency

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def found(admin_client, model, term: str) -> list:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_every_admin_with_a_search_uses_the_projects_search():
    without = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields and not isinstance(model_admin, TextSearchAdmin)
    ]
    assert without == []
    assert isinstance(admin.site._registry[get_user_model()], TextSearchAdmin)  # Django's own, too


@pytest.mark.parametrize("term", ["Phù Cừ", nfd("Phù Cừ"), "phu cu", "PHU CU", nfd("huyện phù cừ"), "phù cu"])
def test_the_locality_admin_finds_phu_cu_typed_in_any_form_or_without_diacritics(admin_client, term):
    names = [locality.name for locality in found(admin_client, Locality, term)]
    assert "Huyện Phù Cừ" in names


def test_a_search_term_with_an_invisible_character_pasted_along_finds_the_name(admin_client):
    names = [locality.name for locality in found(admin_client, Locality, "Phù\u200b Cừ")]
    assert "Huyện Phù Cừ" in names


def test_every_word_of_the_term_must_be_found(admin_client):
    assert found(admin_client, Locality, "phu cu")
    assert found(admin_client, Locality, "phu cu khongcodaunao") == []


def test_d_with_stroke_is_found_as_d(admin_client):
    names = [locality.name for locality in found(admin_client, Locality, "dong")]
    assert any("Đông" in name or "Đồng" in name for name in names), names[:5]


@pytest.mark.parametrize("term", ["Sở Y tế", nfd("Sở Y tế"), "so y te", "SO Y TE"])
def test_the_agency_admin_finds_so_y_te_typed_in_any_form_or_without_diacritics(admin_client, term):
    agencies = found(admin_client, Agency, term)
    assert agencies and all(agency.name == "Sở Y tế" or "Y tế" in agency.name for agency in agencies)


def test_the_agency_admin_finds_an_agency_by_its_provinces_name_without_diacritics(admin_client):
    agencies = found(admin_client, Agency, "hung yen so y te")
    assert [agency.province.name for agency in agencies] == ["Tỉnh Hưng Yên"]


def test_the_search_runs_in_the_database_in_a_few_queries(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert found(admin_client, Locality, "phu cu")
