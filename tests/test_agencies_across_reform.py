"""Agencies across the reform: successions shown on the agency page, choices labelled and filtered by the plan's
province, and roles scoped to an ended unit or agency kept as they were and listed for reassignment."""

import datetime
import json

import pytest
from django.urls import reverse

from localities.models import Locality
from plans.models import Agency, AgencySuccession, Plan
from workflow.models import Role
from workflow.permissions import Checker

from .factories import AgencyFactory, make_role_user

pytestmark = pytest.mark.django_db

LDTBXH_END = datetime.date(2025, 2, 28)


def hung_yen_ldtbxh() -> Agency:
    return Agency.objects.get(province__slug="hung-yen", name="Sở Lao động - Thương binh và Xã hội")


def test_the_agency_page_shows_which_departments_took_over_its_duties_and_when(client, english):
    old = hung_yen_ldtbxh()
    new = AgencyFactory(province=old.province, name="Sở Nông nghiệp và Môi trường", slug="thu-so-nnmt")
    AgencySuccession.objects.create(
        predecessor=old, successor=new, effective_date=datetime.date(2025, 3, 1), duties="giảm nghèo"
    )
    page = client.get(old.get_absolute_url()).content.decode()
    assert "Duties taken over by" in page and "Sở Nông nghiệp và Môi trường" in page and "giảm nghèo" in page
    assert "Took over duties of" in client.get(new.get_absolute_url()).content.decode()


def test_agencies_are_named_with_their_province_in_choice_lists():
    assert str(hung_yen_ldtbxh()) == "Sở Lao động - Thương binh và Xã hội — Tỉnh Hưng Yên"


def test_the_lead_agency_choices_of_a_plan_s_admin_page_offer_only_its_province(admin_client):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Sở Y tế", "app_label": "plans", "model_name": "policytask", "field_name": "lead_agency"},
        HTTP_REFERER=f"http://testserver/admin/plans/plan/{plan.pk}/change/",
    )
    labels = [item["text"] for item in json.loads(response.content)["results"]]
    assert labels and all(label.endswith("— Tỉnh Hưng Yên") for label in labels)
    unfiltered = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Sở Y tế", "app_label": "plans", "model_name": "policytask", "field_name": "lead_agency"},
    )
    assert len(json.loads(unfiltered.content)["results"]) > len(labels)


def test_a_role_scoped_to_an_ended_district_is_not_widened_and_the_review_screen_lists_it(client, english):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")  # ended 30/06/2025 with the district level
    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=phu_cu)
    assert not Checker(official, plan).can_edit_figure(Locality.objects.get(slug="hung-yen-tien-lu"))
    assert not Checker(official, plan).can_edit_figure(Locality.objects.get(slug="hung-yen"))
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    client.force_login(reviewer)
    page = client.get(reverse("review:review", args=[plan.slug])).content.decode()
    assert "Roles scoped to units or agencies that have ended" in page
    section = page[page.index("Roles scoped to units or agencies that have ended") :].split("</section>")[0]
    assert ("Huyện Phù Cừ" in section and official.username in section) or official.get_full_name() in section


def test_a_role_of_an_agency_that_ended_is_listed_for_reassignment(client, english):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    old = hung_yen_ldtbxh()
    Agency.objects.filter(pk=old.pk).update(valid_to=LDTBXH_END)
    make_role_user(Role.AGENCY_OFFICER, agency=old)
    client.force_login(make_role_user(Role.REVIEWER, province=plan.province))
    page = client.get(reverse("review:review", args=[plan.slug])).content.decode()
    section = page[page.index("Roles scoped to units or agencies that have ended") :].split("</section>")[0]
    assert "Sở Lao động - Thương binh và Xã hội" in section and "28/02/2025" in section
