"""The admin is a full editing tool: every page answers, and input is read the Vietnamese way."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from localities.models import Locality
from plans.models import HouseholdFigure, LegalBasis, Plan
from workflow.models import Role, RoleAssignment, Table, TableReview
from workflow.permissions import Action
from workflow.services import review_transition

pytestmark = pytest.mark.django_db


def admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def make_objects_the_seeds_lack(superuser):
    """Objects that only exist once people use the application: a group, a role, a review."""
    Group.objects.create(name="Cán bộ Sở")
    province = Locality.objects.get(slug="hung-yen")
    RoleAssignment.objects.create(user=superuser, role=Role.REVIEWER, province=province)
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    review_transition(user=superuser, plan=plan, table=Table.INDICATORS, action=Action.SUBMIT)


# Review states change only through the review screen, which keeps their trail.
READ_ONLY_IN_ADMIN = {TableReview}


@pytest.mark.parametrize("model", admin_models(), ids=lambda model: model._meta.label)
def test_every_changelist_add_and_change_page_answers(admin_client, superuser, model):
    opts = model._meta
    make_objects_the_seeds_lack(superuser)
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    expected_add = 403 if model in READ_ONLY_IN_ADMIN else 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected_add
    obj = model.objects.first()
    assert obj is not None, f"the seeds hold no {opts.label}"
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200


def test_the_admin_speaks_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:plans_householdfigure_changelist")).content.decode()
    assert "Số liệu hộ" in page


def test_the_figure_changelist_shows_counts_and_rates_the_vietnamese_way(admin_client):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    url = reverse("admin:plans_householdfigure_changelist") + f"?plan__id__exact={plan.pk}&year=2021"
    page = admin_client.get(url).content.decode()
    assert "29.822" in page and "3,17" in page


def test_editing_a_figure_in_the_admin_reads_vietnamese_numbers(admin_client):
    figure = HouseholdFigure.objects.get(plan__slug="hung-yen-2023-2025", locality__slug="hung-yen-phu-cu", year=2025)
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form["households"].value() in (30209, "30.209")
    data = {
        "plan": figure.plan_id,
        "locality": figure.locality_id,
        "year": 2025,
        "kind": "target",
        "standard": figure.standard,
        "households": "30.300",
        "poor_households": "190",
        "near_poor_households": "",
        "published_rate": "0,63",
        "planned_reduction": "",
        "note": "",
        "version_seen": figure.version,  # the form's hidden field: a post without it is refused as stale
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert (figure.households, figure.poor_households, str(figure.published_rate)) == (30300, 190, "0.63")


def test_the_admin_refuses_more_poor_than_households_with_a_message_on_the_field(admin_client):
    figure = HouseholdFigure.objects.get(plan__slug="hung-yen-2023-2025", locality__slug="hung-yen-phu-cu", year=2025)
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    data = {
        "plan": figure.plan_id,
        "locality": figure.locality_id,
        "year": 2025,
        "kind": "target",
        "standard": figure.standard,
        "households": "100",
        "poor_households": "7.540",
        "published_rate": "",
        "note": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "poor_households" in response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.households == 30209  # nothing saved


def test_a_date_typed_03_01_2024_is_3_january(admin_client):
    basis = LegalBasis.objects.filter(plan__slug="thua-thien-hue-2024").first()
    url = reverse("admin:plans_legalbasis_change", args=[basis.pk])
    data = {
        "plan": basis.plan_id,
        "order": basis.order,
        "document_type": basis.document_type,
        "number": basis.number,
        "issue_date": "03/01/2024",
        "issuer": basis.issuer,
        "summary": basis.summary,
    }
    assert admin_client.post(url, data).status_code == 302
    basis.refresh_from_db()
    assert basis.issue_date == datetime.date(2024, 1, 3)


def test_the_plan_change_page_shows_targets_duties_and_tasks_inline(admin_client):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    page = admin_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert "Xây dựng chính sách hỗ trợ đào tạo nghề" in page  # a policy task
    assert "Chiều thiếu hụt" in page or "bảo hiểm y tế" in page  # an indicator target
    assert "Sở Y tế" in page  # an agency's responsibility


def test_vietnamese_is_the_default_even_for_an_english_browser_and_english_is_one_click_away(admin_client):
    url = reverse("admin:plans_plan_changelist")
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Kế hoạch giảm nghèo" in page and 'value="en"' in page
    admin_client.post(reverse("set_language"), {"language": "en", "next": url})
    page = admin_client.get(url).content.decode()
    assert "Select plan to change" in page
    admin_client.post(reverse("set_language"), {"language": "vi", "next": url})
    assert "Chọn kế hoạch để thay đổi" in admin_client.get(url).content.decode()
