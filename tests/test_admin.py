"""The admin is a full editing tool: every page answers, and input is read the Vietnamese way.

Every test builds the objects it opens with the factories of tests/factories.py."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from api.models import ApiToken
from api.services import api_token_create
from indicators.models import Dimension, Indicator, IndicatorValue, PlanIndicator
from localities.models import Locality, LocalitySuccession
from plans.models import (
    Agency,
    AgencyResponsibility,
    Appendix,
    AppendixRow,
    Duty,
    HouseholdFigure,
    LegalBasis,
    Plan,
    PlanSection,
    PolicyTask,
    ProgramProject,
    Recipient,
    ReportingObligation,
)
from plans.models.standards import PovertyStandard
from workflow.models import Role, RoleAssignment, Table, TableReview
from workflow.permissions import Action
from workflow.services import review_transition

from .factories import (
    AgencyResponsibilityFactory,
    DutyFactory,
    LegalBasisFactory,
    LocalitySuccessionFactory,
    PlanIndicatorFactory,
    PolicyTaskFactory,
    PovertyStandardFactory,
    ProgramProjectFactory,
    RecipientFactory,
    ReportingObligationFactory,
    RoleAssignmentFactory,
    make_household_plan,
    make_indicator_plan,
)

pytestmark = pytest.mark.django_db


def admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def one_of_each(superuser) -> dict:
    """An object of every model the admin registers, built here: a plan with a household and an indicator appendix,
    the parts of its text, a group, a role and a review of its indicator table."""
    plan = make_indicator_plan()
    household_plan = make_household_plan(province=plan.province)
    appendix = household_plan.appendices.get()
    row = appendix.rows.first()
    plan_indicator = PlanIndicator.objects.filter(plan=plan).first()
    project = ProgramProjectFactory()
    duty = DutyFactory(responsibility__plan=plan, led_projects=[project])
    assignment = RoleAssignmentFactory(user=superuser, role=Role.REVIEWER, province=plan.province)
    review = review_transition(user=superuser, plan=plan, table=Table.INDICATORS, action=Action.SUBMIT)
    token, _secret = api_token_create(user=superuser, name="Bảng điều hành")
    return {
        Group: Group.objects.create(name="Cán bộ Sở"),
        get_user_model(): superuser,
        Dimension: plan_indicator.indicator.dimension,
        Indicator: plan_indicator.indicator,
        IndicatorValue: plan_indicator.values.first(),
        PlanIndicator: plan_indicator,
        Locality: row.locality,
        LocalitySuccession: LocalitySuccessionFactory(),
        Agency: duty.responsibility.agency,
        PovertyStandard: PovertyStandardFactory(),
        AgencyResponsibility: duty.responsibility,
        Appendix: appendix,
        AppendixRow: row,
        Duty: duty,
        HouseholdFigure: HouseholdFigure.objects.filter(plan=household_plan).first(),
        LegalBasis: LegalBasisFactory(plan=plan),
        Plan: plan,
        PlanSection: PlanSection.objects.filter(plan=plan).first(),
        PolicyTask: PolicyTaskFactory(plan=plan),
        ProgramProject: project,
        Recipient: RecipientFactory(plan=plan),
        ReportingObligation: ReportingObligationFactory(plan=plan),
        RoleAssignment: assignment,
        TableReview: review,
        ApiToken: token,
    }


# Review states change only through the review screen, which keeps their trail; API tokens are created by their
# owners on the site (the secret is shown to them alone).
READ_ONLY_IN_ADMIN = {TableReview, ApiToken}


def test_the_pages_below_open_an_object_of_every_model_the_admin_registers(superuser):
    assert set(one_of_each(superuser)) == set(admin_models())


@pytest.mark.parametrize("model", admin_models(), ids=lambda model: model._meta.label)
def test_every_changelist_add_and_change_page_answers(admin_client, superuser, model):
    opts = model._meta
    obj = one_of_each(superuser)[model]
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    expected_add = 403 if model in READ_ONLY_IN_ADMIN else 200
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected_add
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200


def test_the_admin_speaks_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:plans_householdfigure_changelist")).content.decode()
    assert "Số liệu hộ" in page


@pytest.fixture
def third_district_target(small_plan) -> HouseholdFigure:
    """The 2023 target of the small plan's third district: 10.200 households, 402 poor (3,94%)."""
    return HouseholdFigure.objects.get(plan=small_plan, locality__name="Huyện Số 3", year=2023)


def test_the_figure_changelist_shows_counts_and_rates_the_vietnamese_way(admin_client, small_plan):
    url = reverse("admin:plans_householdfigure_changelist") + f"?plan__id__exact={small_plan.pk}&year=2021"
    page = admin_client.get(url).content.decode()
    assert "10.200" in page and "4,92" in page  # Huyện Số 3 in 2021: 502 poor households of 10.200


def figure_data(figure, **values) -> dict:
    data = {
        "plan": figure.plan_id,
        "locality": figure.locality_id,
        "year": figure.year,
        "kind": figure.kind,
        "standard": figure.standard_id,
        "households": "",
        "poor_households": "",
        "near_poor_households": "",
        "published_rate": "",
        "planned_reduction": "",
        "note": "",
        "version_seen": figure.version,  # the form's hidden field: a post without it is refused as stale
    }
    return {**data, **values}


def test_editing_a_figure_in_the_admin_reads_vietnamese_numbers(admin_client, third_district_target):
    figure = third_district_target
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    response = admin_client.get(url)
    assert response.context["adminform"].form["households"].value() == "10.200"  # shown as an official writes it
    data = figure_data(figure, households="30.300", poor_households="190", published_rate="0,63")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert (figure.households, figure.poor_households, str(figure.published_rate)) == (30300, 190, "0.63")


def test_the_admin_refuses_more_poor_than_households_with_a_message_on_the_field(admin_client, third_district_target):
    figure = third_district_target
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    response = admin_client.post(url, figure_data(figure, households="100", poor_households="7.540"))
    assert response.status_code == 200
    assert "poor_households" in response.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.households == 10200  # nothing saved


def test_a_date_typed_03_01_2024_is_3_january(admin_client):
    basis = LegalBasisFactory()
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


def test_the_plan_change_page_shows_targets_duties_and_tasks_inline(admin_client, small_plan):
    PolicyTaskFactory(plan=small_plan, text="Xây dựng chính sách hỗ trợ đào tạo nghề")
    PlanIndicatorFactory(plan=small_plan, text="Tỷ lệ người thuộc hộ nghèo được hỗ trợ tham gia bảo hiểm y tế")
    AgencyResponsibilityFactory(plan=small_plan, heading="Sở Y tế", agency__name="Sở Y tế")
    page = admin_client.get(reverse("admin:plans_plan_change", args=[small_plan.pk])).content.decode()
    assert "Xây dựng chính sách hỗ trợ đào tạo nghề" in page  # a policy task
    assert "Tỷ lệ người thuộc hộ nghèo được hỗ trợ tham gia bảo hiểm y tế" in page  # an indicator target
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
