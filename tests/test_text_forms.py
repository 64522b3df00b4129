"""Text stored in one form: NFC, without invisible characters, whichever way it came in; the same name under the
same parent is a duplicate; the admin's search finds what is typed in any form."""

import importlib
import unicodedata

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from kernel.text import clean_input
from localities.models import Locality, LocalityKind
from plans.models import HouseholdFigure, Plan
from workflow.services import FigureEdit, save_figures

pytestmark = pytest.mark.django_db

PHU_CU = "Huyện Phù Cừ"
NFD = unicodedata.normalize("NFD", PHU_CU)


def test_clean_input_composes_and_drops_invisible_characters():
    assert NFD != PHU_CU and clean_input(NFD) == PHU_CU
    assert clean_input("Phù\u200b Cừ\ufeff\u00ad") == "Phù Cừ"
    assert clean_input("dòng 1\ndòng 2") == "dòng 1\ndòng 2"


def test_a_decomposed_name_under_the_same_parent_is_refused_as_a_duplicate():
    hung_yen = Locality.objects.get(slug="hung-yen")
    twin = Locality(name=NFD, slug="phu-cu-2", kind=LocalityKind.RURAL_DISTRICT, parent=hung_yen)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "name" in refused.value.message_dict
    assert twin.name == PHU_CU  # composed on the way in


def test_the_admin_refuses_the_decomposed_twin_with_a_message_on_the_name(admin_client):
    hung_yen = Locality.objects.get(slug="hung-yen")
    response = admin_client.post(
        reverse("admin:localities_locality_add"),
        {"name": NFD, "slug": "phu-cu-2", "kind": LocalityKind.RURAL_DISTRICT, "parent": hung_yen.pk, "code": ""},
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Locality.objects.filter(parent=hung_yen, name=PHU_CU).count() == 1


def test_the_admin_search_finds_a_name_typed_decomposed_or_with_an_invisible_character(admin_client):
    url = reverse("admin:localities_locality_changelist")
    for typed in (NFD, "Phù\u200b Cừ"):
        response = admin_client.get(url, {"q": typed})
        assert any(obj.name == PHU_CU for obj in response.context["cl"].result_list), typed


def test_text_saved_through_the_write_service_or_a_save_is_stored_composed(hung_yen_people):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    plan.title = unicodedata.normalize("NFD", plan.title) + "\u200b"
    plan.save()
    plan.refresh_from_db()
    assert plan.title == unicodedata.normalize("NFC", plan.title) and "\u200b" not in plan.title
    figure = HouseholdFigure.objects.filter(plan=plan, locality__slug="hung-yen-phu-cu", year=2024).first()
    note = unicodedata.normalize("NFD", "Số liệu rà soát")
    edit = FigureEdit("n", figure.locality, 2024, figure.kind, {"note": note}, version=figure.version)
    assert save_figures(user=None, plan=plan, edits=[edit], reason=unicodedata.normalize("NFD", "Điều chỉnh")).ok
    figure.refresh_from_db()
    assert figure.note == "Số liệu rà soát"
    assert figure.history.latest("history_date").history_change_reason == "Điều chỉnh"


def test_the_migration_composes_what_is_stored():
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")
    Locality.objects.filter(pk=phu_cu.pk).update(name=NFD + "\u200b")  # as stored before issue 13
    migration = importlib.import_module("localities.migrations.0004_text_stored_nfc")
    migration.normalise(apps, None)
    phu_cu.refresh_from_db()
    assert phu_cu.name == PHU_CU
