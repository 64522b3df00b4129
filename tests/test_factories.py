"""The factories build valid, saved instances, and the plan builders build the plans they describe."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from indicators.models import Direction, IndicatorValue, PlanIndicator, ValueKind
from localities.models import Level
from plan_tables.selectors import indicator_table
from plans.models import AppendixKind, HouseholdFigure
from workflow.models import Role, RoleAssignment

from . import factories as f

pytestmark = pytest.mark.django_db

FACTORIES = [
    (f.UserFactory, {}),
    (f.LocalityFactory, {}),
    (f.ProvinceFactory, {}),
    (f.DistrictFactory, {}),
    (f.CommuneFactory, {}),
    (f.LocalitySuccessionFactory, {}),
    (f.AgencyFactory, {}),
    (f.AgencySuccessionFactory, {}),
    (f.PovertyStandardFactory, {}),
    (f.ProgramProjectFactory, {}),
    (f.PlanFactory, {}),
    (f.PlanFactory, {"issued": True}),
    (f.LegalBasisFactory, {}),
    (f.PlanSectionFactory, {}),
    (f.RecipientFactory, {}),
    (f.AppendixFactory, {}),
    (f.HouseholdAppendixFactory, {}),
    (f.IndicatorAppendixFactory, {}),
    (f.AppendixRowFactory, {}),
    (f.HouseholdFigureFactory, {}),
    (f.AgencyResponsibilityFactory, {}),
    (f.DutyFactory, {}),
    (f.PolicyTaskFactory, {}),
    (f.ReportingObligationFactory, {}),
    (f.DimensionFactory, {}),
    (f.IndicatorFactory, {}),
    (f.PlanIndicatorFactory, {}),
    (f.IndicatorValueFactory, {}),
    (f.RoleAssignmentFactory, {}),
    (f.RoleAssignmentFactory, {"reviewer": True}),
    (f.RoleAssignmentFactory, {"locality_official": True}),
    (f.RoleAssignmentFactory, {"agency_officer": True}),
    (f.TableReviewFactory, {}),
    (f.TableReviewFactory, {"indicator_table": True}),
    (f.TableReviewFactory, {"approved": True}),
    (f.ReviewEventFactory, {}),
    (f.ApiTokenFactory, {}),
]


# Rows the application keeps for itself, never built by a test: the one site revision (workflow.revisions).
NOT_BUILT_BY_TESTS = {"workflow.SiteRevision"}


def test_every_model_of_our_apps_has_a_factory():
    from django.apps import apps

    ours = {"localities", "plans", "indicators", "workflow", "api"}
    models = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours and not model.__name__.startswith("Historical")
    }
    built = {factory._meta.model._meta.label for factory, _kwargs in FACTORIES}
    assert models - built - NOT_BUILT_BY_TESTS == set()


def _id(value):
    if isinstance(value, dict):
        return "-".join(value) or "default"
    return value.__name__


@pytest.mark.parametrize(("factory", "kwargs"), FACTORIES, ids=_id)
def test_each_factory_saves_an_instance_that_passes_full_clean(factory, kwargs):
    instance = factory(**kwargs)

    assert instance.pk is not None
    assert type(instance).objects.filter(pk=instance.pk).exists()
    instance.full_clean()


@pytest.mark.parametrize(("factory", "kwargs"), FACTORIES, ids=_id)
def test_each_factory_can_build_twice_without_a_clash(factory, kwargs):
    first, second = factory(**kwargs), factory(**kwargs)

    assert first.pk != second.pk
    second.full_clean()


def test_a_built_locality_passes_full_clean_before_it_is_saved():
    district = f.DistrictFactory.build(parent=f.ProvinceFactory())

    district.full_clean()
    assert district.pk is None
    assert district.level == Level.DISTRICT


def test_a_commune_sits_under_a_district_of_a_province():
    commune = f.CommuneFactory()

    assert (commune.level, commune.parent.level, commune.parent.parent.level) == (3, 2, 1)


def test_the_user_factory_sets_the_usual_test_password():
    user = f.UserFactory()

    assert user.check_password("a-strong-pass-123")


def test_many_to_many_fields_can_be_given_to_the_factories():
    task = f.PolicyTaskFactory()
    helpers = f.AgencyFactory.create_batch(2, province=task.plan.province)
    task = f.PolicyTaskFactory(plan=task.plan, coordinating_agencies=helpers)

    assert set(task.coordinating_agencies.all()) == set(helpers)


def test_a_household_plan_has_a_row_per_district_and_a_total_that_sums_them():
    plan = f.make_household_plan(districts=4, years=(2021, 2022))

    appendix = plan.appendices.get()
    rows = list(appendix.rows.order_by("order"))
    assert appendix.kind == AppendixKind.HOUSEHOLD_FIGURES
    assert len(rows) == 5
    assert [row.is_total for row in rows] == [False] * 4 + [True]
    assert rows[-1].locality == plan.province
    assert appendix.years == [2021, 2022]
    appendix.full_clean()
    for year, kind in ((2021, "result"), (2022, "target")):
        figures = HouseholdFigure.objects.filter(plan=plan, year=year, kind=kind)
        districts = figures.exclude(locality=plan.province)
        total = figures.get(locality=plan.province)
        assert districts.count() == 4
        assert total.households == sum(figure.households for figure in districts)
        assert total.poor_households == sum(figure.poor_households for figure in districts)
        total.full_clean()


def test_a_household_plan_keeps_the_figures_of_the_former_helper():
    plan = f.make_household_plan(districts=2, years=(2021, 2022, 2023))

    figures = {
        (figure.locality.slug, figure.year): (figure.households, figure.poor_households, figure.published_rate)
        for figure in HouseholdFigure.objects.filter(plan=plan).select_related("locality")
    }
    assert plan.province.slug == "tinh-thu"
    assert figures[("tinh-thu-2021-2023-huyen-1", 2021)] == (10000, 500, Decimal("5.00"))
    assert figures[("tinh-thu-2021-2023-huyen-2", 2023)] == (10100, 401, Decimal("3.97"))
    assert figures[("tinh-thu", 2022)] == (20100, 901, Decimal("4.48"))
    assert HouseholdFigure.history.filter(plan_id=plan.pk).count() == 0


def test_two_household_plans_can_share_a_province():
    small = f.make_household_plan(districts=2, years=(2021, 2022), slug="thu-nho")
    large = f.make_household_plan(districts=3, years=(2021, 2022), slug="thu-lon", province=small.province)

    assert large.province == small.province
    assert large.appendices.get().rows.count() == 4


def test_an_indicator_plan_has_baselines_and_targets_that_follow_each_indicators_direction():
    plan = f.make_indicator_plan(years=(2023, 2024, 2025), dimensions=2, indicators_per_dimension=2)

    appendix = plan.appendices.get()
    assert appendix.kind == AppendixKind.INDICATOR_TARGETS
    assert appendix.years == [2022, 2023, 2024, 2025]
    plan_indicators = PlanIndicator.objects.filter(plan=plan).select_related("indicator", "lead_agency")
    assert plan_indicators.count() == 4
    assert len({pi.indicator.dimension_id for pi in plan_indicators}) == 2
    assert {pi.lead_agency for pi in plan_indicators} == {plan_indicators[0].lead_agency}
    assert plan_indicators[0].lead_agency.province == plan.province
    for plan_indicator in plan_indicators:
        plan_indicator.full_clean()
        values = list(plan_indicator.values.order_by("year"))
        assert [(value.year, value.kind) for value in values] == [
            (2022, ValueKind.BASELINE),
            (2023, ValueKind.TARGET),
            (2024, ValueKind.TARGET),
            (2025, ValueKind.TARGET),
        ]
        numbers = [value.value for value in values]
        rising = plan_indicator.indicator.direction == Direction.INCREASE
        assert numbers == sorted(numbers, reverse=not rising)
    for value in IndicatorValue.objects.filter(plan_indicator__plan=plan):
        value.full_clean()
    table = indicator_table(plan)
    assert len(table.groups) == 2
    assert all(cell is not None for group in table.groups for row in group.rows for cell in row.cells)


def test_an_indicator_plan_can_use_a_given_province_and_lead_agency():
    province = f.ProvinceFactory()
    agency = f.AgencyFactory(province=province)

    plan = f.make_indicator_plan(province=province, lead_agency=agency, dimensions=1, indicators_per_dimension=3)

    assert plan.province == province
    assert set(PlanIndicator.objects.filter(plan=plan).values_list("lead_agency", flat=True)) == {agency.pk}


@pytest.mark.parametrize(
    ("role", "scope_factory", "field"),
    [
        (Role.REVIEWER, f.ProvinceFactory, "province"),
        (Role.READER, f.ProvinceFactory, "province"),
        (Role.LOCALITY_OFFICIAL, f.DistrictFactory, "locality"),
        (Role.LOCALITY_OFFICIAL, f.CommuneFactory, "locality"),
        (Role.AGENCY_OFFICER, f.AgencyFactory, "agency"),
    ],
)
def test_a_role_user_holds_the_role_with_its_scope(role, scope_factory, field):
    scope = scope_factory()

    user = f.make_role_user(role, **{field: scope})

    assert isinstance(user, get_user_model())
    assignment = user.role_assignments.get()
    assert (assignment.role, getattr(assignment, field)) == (role, scope)
    assert user.check_password("a-strong-pass-123")


def test_a_reader_role_user_needs_no_scope():
    user = f.make_role_user(Role.READER)

    assert user.role_assignments.get().province is None


def test_a_role_user_can_be_given_a_second_role():
    user = f.make_role_user(Role.REVIEWER, province=f.ProvinceFactory())

    f.make_role_user(Role.AGENCY_OFFICER, user=user, agency=f.AgencyFactory())

    assert sorted(user.role_assignments.values_list("role", flat=True)) == ["agency_officer", "reviewer"]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.REVIEWER, {}),
        (Role.LOCALITY_OFFICIAL, {"province": "province"}),
        (Role.AGENCY_OFFICER, {"locality": "district"}),
    ],
)
def test_a_role_user_with_a_wrong_scope_is_refused(role, scope):
    units = {"province": f.ProvinceFactory, "district": f.DistrictFactory}
    scope = {field: units[unit]() for field, unit in scope.items()}

    users = get_user_model().objects.count()

    with pytest.raises(ValidationError):
        f.make_role_user(role, **scope)

    assert get_user_model().objects.count() == users
    assert not RoleAssignment.objects.filter(role=role, user__username__startswith="thu-").exists()
