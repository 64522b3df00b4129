"""Test data built per test: a factory for each model of our apps, and builders for whole plans.

Every factory builds an instance that passes `full_clean()`: children are attached to the same province as their plan
(agencies, districts, table reviews), targets fall within the plan's period, a one-off report has its due date.
Slugs and codes start with "thu-" (or "THU-") so that they never meet the seed plans the test session loads.

    plan = make_household_plan(districts=4, years=(2021, 2022))   # an appendix of districts and a total
    plan = make_indicator_plan()                                  # an indicator-targets appendix with its values
    user = make_role_user("reviewer", province=plan.province)     # a user with one role assignment
"""

import datetime
from decimal import Decimal

import factory
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from factory.django import DjangoModelFactory

from api.models import ApiToken
from api.services import token_digest
from indicators.models import Dimension, Direction, Indicator, IndicatorValue, PlanIndicator, Unit, ValueKind
from kernel.numbers import compute_rate, format_measure
from localities.models import Locality, LocalityKind, LocalitySuccession, SuccessionKind
from plans.models import (
    Agency,
    AgencyKind,
    AgencyResponsibility,
    AgencySuccession,
    Appendix,
    AppendixKind,
    AppendixRow,
    Duty,
    FigureKind,
    HouseholdFigure,
    LegalBasis,
    Plan,
    PlanSection,
    PlanStatus,
    PolicyTask,
    ProgramProject,
    Recipient,
    ReportingFrequency,
    ReportingObligation,
    SectionKind,
)
from plans.models.standards import PovertyStandard
from workflow.models import ReviewEvent, ReviewState, Role, RoleAssignment, Table, TableReview

PASSWORD = "a-strong-pass-123"


def _set_many(field: str) -> factory.PostGeneration:
    """A many-to-many field given at creation: `PolicyTaskFactory(coordinating_agencies=[a, b])`."""

    def set_many(instance, create, extracted, **kwargs):
        if create and extracted:
            getattr(instance, field).set(extracted)

    return factory.PostGeneration(set_many)


def household_columns(years) -> list[dict]:
    """The columns of a household appendix: households, poor households and rate per year, the first a result."""
    columns = []
    for year in years:
        kind = "result" if year == years[0] else "target"
        group = f"Năm {year}"
        columns += [
            {"header": "Tổng số hộ dân cư", "group": group, "year": year, "kind": kind, "field": "households"},
            {"header": "Tổng số hộ nghèo", "group": group, "year": year, "kind": kind, "field": "poor_households"},
            {"header": "Tỷ lệ hộ nghèo (%)", "group": group, "year": year, "kind": kind, "field": "poverty_rate"},
        ]
    return columns


def indicator_columns(baseline_year: int, years) -> list[dict]:
    """The columns of an indicator-targets appendix, laid out as Hưng Yên's Phụ lục 02."""
    return [
        {"header": "ĐVT", "field": "unit"},
        {"header": f"Kết quả năm {baseline_year}", "year": baseline_year, "kind": "baseline"},
        *({"header": f"Năm {year}", "year": year, "kind": "target"} for year in years),
        {"header": "Đơn vị thực hiện", "field": "responsible"},
    ]


def as_written(value) -> str:
    """A value the way a Vietnamese document writes it: Decimal("72.5") → "72,5"."""
    with translation.override("vi"):
        return format_measure(value)


# Users ------------------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"thu-can-bo-{n}")
    first_name = "Thử"
    last_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


# Localities -------------------------------------------------------------------------------------


class LocalityFactory(DjangoModelFactory):
    """A province by default; `DistrictFactory` and `CommuneFactory` go one and two levels down."""

    class Meta:
        model = Locality

    kind = LocalityKind.PROVINCE
    # Save() derives the level from the kind; set here too so that a built (unsaved) unit passes full_clean().
    level = factory.LazyAttribute(lambda o: LocalityKind.level_of(o.kind))
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    slug = factory.Sequence(lambda n: f"thu-tinh-{n}")
    parent = None


class ProvinceFactory(LocalityFactory):
    pass


class DistrictFactory(LocalityFactory):
    kind = LocalityKind.RURAL_DISTRICT
    name = factory.Sequence(lambda n: f"Huyện Thử Nghiệm {n}")
    slug = factory.Sequence(lambda n: f"thu-huyen-{n}")
    parent = factory.SubFactory(ProvinceFactory)


class CommuneFactory(LocalityFactory):
    kind = LocalityKind.COMMUNE
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    slug = factory.Sequence(lambda n: f"thu-xa-{n}")
    parent = factory.SubFactory(DistrictFactory)


class LocalitySuccessionFactory(DjangoModelFactory):
    """Two districts of one province merged into the second."""

    class Meta:
        model = LocalitySuccession

    predecessor = factory.SubFactory(DistrictFactory)
    successor = factory.SubFactory(DistrictFactory, parent=factory.SelfAttribute("..predecessor.parent"))
    kind = SuccessionKind.MERGE
    effective_date = datetime.date(2020, 1, 1)
    legal_basis = factory.Sequence(lambda n: f"Nghị quyết số {n}/NQ-UBTVQH14")


# Agencies and programme projects ----------------------------------------------------------------


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"STN {n}")
    slug = factory.Sequence(lambda n: f"thu-so-{n}")
    kind = AgencyKind.DEPARTMENT


class AgencySuccessionFactory(DjangoModelFactory):
    """Sở Lao động - Thương binh và Xã hội's poverty duties passing to Sở Nông nghiệp và Môi trường on 01/07/2025."""

    class Meta:
        model = AgencySuccession

    predecessor = factory.SubFactory(AgencyFactory, name="Sở Lao động - Thương binh và Xã hội")
    successor = factory.SubFactory(
        AgencyFactory, province=factory.SelfAttribute("..predecessor.province"), name="Sở Nông nghiệp và Môi trường"
    )
    effective_date = datetime.date(2025, 7, 1)
    duties = "Giảm nghèo"


class PovertyStandardFactory(DjangoModelFactory):
    """A standard of its own (the three real ones are loaded by migration; tests use those by their years)."""

    class Meta:
        model = PovertyStandard

    code = factory.Sequence(lambda n: f"thu-chuan-{n}")
    name = factory.Sequence(lambda n: f"Chuẩn nghèo thử nghiệm {n}")
    legal_basis = "Nghị định thử nghiệm"
    first_year = 2031
    last_year = 2035


class ProgramProjectFactory(DjangoModelFactory):
    class Meta:
        model = ProgramProject

    program = "Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025"
    code = factory.Sequence(lambda n: f"THU-DA{n}")
    name = factory.Sequence(lambda n: f"Dự án thử nghiệm {n}")
    parent = None
    order = factory.Sequence(lambda n: n % 1000)


# Plans and their parts --------------------------------------------------------------------------


class PlanFactory(DjangoModelFactory):
    """A draft plan of a new province for 2021–2025: no number, as a draft may be. Trait `issued` numbers it."""

    class Meta:
        model = Plan

    class Params:
        issued = factory.Trait(
            status=PlanStatus.ISSUED,
            number=factory.Sequence(lambda n: f"{n % 1000:02d}"),
            issue_date=factory.LazyAttribute(lambda o: datetime.date(o.first_year - 1, 11, 20)),
        )

    province = factory.SubFactory(ProvinceFactory)
    slug = factory.Sequence(lambda n: f"thu-ke-hoach-{n}")
    title = "Kế hoạch thử nghiệm"
    issuer = "UBND tỉnh Thử Nghiệm"
    first_year = 2021
    last_year = 2025
    symbol = "KH-UBND"


class LegalBasisFactory(DjangoModelFactory):
    class Meta:
        model = LegalBasis

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n % 1000)
    document_type = "Quyết định"
    number = factory.Sequence(lambda n: f"{n}/QĐ-TTg")
    issue_date = datetime.date(2022, 1, 18)
    issuer = "Thủ tướng Chính phủ"
    summary = "phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021 - 2025"


class PlanSectionFactory(DjangoModelFactory):
    class Meta:
        model = PlanSection
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    parent = None
    order = factory.Sequence(lambda n: n % 1000)
    kind = SectionKind.OTHER
    number = factory.Sequence(lambda n: str(n % 1000))
    heading = factory.Sequence(lambda n: f"Mục thử nghiệm {n}")
    body = "Nội dung thử nghiệm."
    lead_agencies = _set_many("lead_agencies")


class RecipientFactory(DjangoModelFactory):
    class Meta:
        model = Recipient

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n % 1000)
    text = factory.Sequence(lambda n: f"- Sở Thử Nghiệm {n};")


class AppendixFactory(DjangoModelFactory):
    """An appendix of kind "other"; `HouseholdAppendixFactory` and `IndicatorAppendixFactory` lay out real tables."""

    class Meta:
        model = Appendix

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"thu-{n}")
    kind = AppendixKind.OTHER
    title = factory.Sequence(lambda n: f"Phụ lục {n}\nTHỬ NGHIỆM")
    columns = factory.LazyFunction(lambda: [{"header": "Nội dung"}])


class HouseholdAppendixFactory(AppendixFactory):
    kind = AppendixKind.HOUSEHOLD_FIGURES
    label_header = "Huyện"
    columns = factory.LazyAttribute(lambda o: household_columns(o.plan.years))


class IndicatorAppendixFactory(AppendixFactory):
    kind = AppendixKind.INDICATOR_TARGETS
    label_header = "Các chỉ tiêu"
    columns = factory.LazyAttribute(lambda o: indicator_columns(o.plan.first_year - 1, o.plan.years))


class AppendixRowFactory(DjangoModelFactory):
    """A district row of a household appendix; the district belongs to the plan's province."""

    class Meta:
        model = AppendixRow

    appendix = factory.SubFactory(HouseholdAppendixFactory)
    locality = factory.SubFactory(DistrictFactory, parent=factory.SelfAttribute("..appendix.plan.province"))
    order = factory.Sequence(lambda n: n % 1000)
    number = factory.LazyAttribute(lambda o: str(o.order + 1))
    label = factory.LazyAttribute(lambda o: o.locality.name)
    is_total = False


class HouseholdFigureFactory(DjangoModelFactory):
    """A district's result for the plan's first year, its published rate computed from its counts."""

    class Meta:
        model = HouseholdFigure

    plan = factory.SubFactory(PlanFactory)
    locality = factory.SubFactory(DistrictFactory, parent=factory.SelfAttribute("..plan.province"))
    year = factory.LazyAttribute(lambda o: o.plan.first_year)
    kind = FigureKind.RESULT
    households = 10000
    poor_households = 500
    published_rate = factory.LazyAttribute(lambda o: compute_rate(o.poor_households, o.households))


class AgencyResponsibilityFactory(DjangoModelFactory):
    class Meta:
        model = AgencyResponsibility

    plan = factory.SubFactory(PlanFactory)
    agency = factory.SubFactory(AgencyFactory, province=factory.SelfAttribute("..plan.province"))
    order = factory.Sequence(lambda n: n % 1000)
    number = factory.LazyAttribute(lambda o: str(o.order + 1))
    heading = factory.LazyAttribute(lambda o: o.agency.name)


class DutyFactory(DjangoModelFactory):
    class Meta:
        model = Duty
        skip_postgeneration_save = True

    responsibility = factory.SubFactory(AgencyResponsibilityFactory)
    order = factory.Sequence(lambda n: n % 1000)
    marker = "-"
    text = factory.Sequence(lambda n: f"Chủ trì thực hiện nhiệm vụ thử nghiệm {n}.")
    led_projects = _set_many("led_projects")


class PolicyTaskFactory(DjangoModelFactory):
    """A policy to draft, led by an agency of the plan's province, due at the end of the plan's period."""

    class Meta:
        model = PolicyTask
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    appendix = None
    order = factory.Sequence(lambda n: n % 1000)
    number = factory.LazyAttribute(lambda o: str(o.order + 1))
    text = factory.Sequence(lambda n: f"Xây dựng chính sách hỗ trợ thử nghiệm {n}")
    lead_agency = factory.SubFactory(AgencyFactory, province=factory.SelfAttribute("..plan.province"))
    lead_as_written = factory.LazyAttribute(lambda o: o.lead_agency.name)
    deadline_year = factory.LazyAttribute(lambda o: o.plan.last_year)
    deadline_as_written = factory.LazyAttribute(lambda o: f"Năm {o.deadline_year}")
    coordinating_agencies = _set_many("coordinating_agencies")


class ReportingObligationFactory(DjangoModelFactory):
    """A one-off report, which therefore has a due date."""

    class Meta:
        model = ReportingObligation
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n % 1000)
    text = "Các sở, ngành báo cáo kết quả thực hiện về Sở Lao động - Thương binh và Xã hội."
    reporters_as_written = "Các sở, ngành"
    recipient_as_written = "UBND tỉnh"
    subject = "kết quả thực hiện Kế hoạch"
    frequency = ReportingFrequency.ONCE
    due_date = factory.LazyAttribute(lambda o: datetime.date(o.plan.first_year, 11, 30))
    reporters = _set_many("reporters")


# Indicators -------------------------------------------------------------------------------------


class DimensionFactory(DjangoModelFactory):
    """Got or created by code: `DimensionFactory(code="health")` is the seed catalogue's."""

    class Meta:
        model = Dimension
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"thu-chieu-{n}")
    name = factory.Sequence(lambda n: f"Chiều thử nghiệm {n}")
    order = factory.Sequence(lambda n: 100 + n % 1000)
    is_social_service = True


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"thu-chi-tieu-{n}")
    dimension = factory.SubFactory(DimensionFactory)
    name = factory.Sequence(lambda n: f"Tỷ lệ hộ nghèo được hỗ trợ thử nghiệm {n}")
    unit = Unit.PERCENT
    direction = Direction.INCREASE


class PlanIndicatorFactory(DjangoModelFactory):
    """An indicator as a plan states it, led by an agency of the plan's province (pass lead_agency=None for none)."""

    class Meta:
        model = PlanIndicator
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    appendix = None
    section = None
    order = factory.Sequence(lambda n: n % 1000)
    number = factory.LazyAttribute(lambda o: str(o.order + 1))
    text = factory.LazyAttribute(lambda o: o.indicator.name)
    lead_agency = factory.SubFactory(AgencyFactory, province=factory.SelfAttribute("..plan.province"))
    responsible_as_written = factory.LazyAttribute(lambda o: o.lead_agency.name if o.lead_agency else "")
    coordinating_agencies = _set_many("coordinating_agencies")


class IndicatorValueFactory(DjangoModelFactory):
    """The target for the plan's last year."""

    class Meta:
        model = IndicatorValue

    plan_indicator = factory.SubFactory(PlanIndicatorFactory)
    year = factory.LazyAttribute(lambda o: o.plan_indicator.plan.last_year)
    kind = ValueKind.TARGET
    value = Decimal("90")
    value_as_written = factory.LazyAttribute(lambda o: as_written(o.value))


# Workflow ---------------------------------------------------------------------------------------


class RoleAssignmentFactory(DjangoModelFactory):
    """A reader of every province by default; the traits `reviewer`, `locality_official` and `agency_officer` give
    the role with the one scope it needs (a province, a district, an agency)."""

    class Meta:
        model = RoleAssignment

    class Params:
        reviewer = factory.Trait(role=Role.REVIEWER, province=factory.SubFactory(ProvinceFactory))
        locality_official = factory.Trait(role=Role.LOCALITY_OFFICIAL, locality=factory.SubFactory(DistrictFactory))
        agency_officer = factory.Trait(role=Role.AGENCY_OFFICER, agency=factory.SubFactory(AgencyFactory))

    user = factory.SubFactory(UserFactory)
    role = Role.READER
    province = None
    locality = None
    agency = None


class TableReviewFactory(DjangoModelFactory):
    """A district's rows of the district table, in draft. Traits: `indicator_table` (the indicator table, which has
    no locality) and `approved`."""

    class Meta:
        model = TableReview

    class Params:
        indicator_table = factory.Trait(table=Table.INDICATORS, locality=None)
        approved = factory.Trait(
            state=ReviewState.APPROVED,
            changed_by=factory.SubFactory(UserFactory),
            changed_at=factory.LazyFunction(timezone.now),
            approved_at=factory.SelfAttribute("changed_at"),
        )

    plan = factory.SubFactory(PlanFactory)
    table = Table.DISTRICTS
    locality = factory.SubFactory(DistrictFactory, parent=factory.SelfAttribute("..plan.province"))
    state = ReviewState.DRAFT


class ReviewEventFactory(DjangoModelFactory):
    """A submission. `user` is nullable but not blank: full_clean() wants one."""

    class Meta:
        model = ReviewEvent

    review = factory.SubFactory(TableReviewFactory)
    from_state = ReviewState.DRAFT
    to_state = ReviewState.SUBMITTED
    comment = ""
    user = factory.SubFactory(UserFactory)


# Builders ---------------------------------------------------------------------------------------


def make_province(slug="tinh-thu", name="Tỉnh Thử Nghiệm") -> Locality:
    return ProvinceFactory(slug=slug, name=name)


def make_household_plan(
    *, districts=3, years=(2021, 2022, 2023), slug="tinh-thu-2021-2023", province=None, unit_kind=None
) -> Plan:
    """A plan whose appendix has households, poor households and rate per year for each district and a total.

    `unit_kind` makes the rows units of another kind: `LocalityKind.WARD` gives wards directly under the province,
    valid from 01/07/2025 (the two-level local government).

    District i (from 0) has 10000 + 100·i households every year and 500 − 50·(year index) + i poor households; the
    first year is a result, the others targets. The figures are bulk-created: they have no history records.
    """
    province = province or make_province()
    plan = PlanFactory(province=province, slug=slug, first_year=years[0], last_year=years[-1])
    appendix = HouseholdAppendixFactory(
        plan=plan, code="01", title="Phụ lục 01\nTHỬ NGHIỆM", columns=household_columns(years)
    )
    # Two plans of one province share its units (a second unit of the same name under one parent is refused).
    if unit_kind is None:
        localities = [
            Locality.objects.filter(parent=province, name=f"Huyện Số {i}").first()
            or DistrictFactory(slug=f"{slug}-huyen-{i}", name=f"Huyện Số {i}", parent=province)
            for i in range(1, districts + 1)
        ]
    else:
        localities = [
            Locality.objects.filter(parent=province, name=f"Đơn vị Số {i}").first()
            or DistrictFactory(
                slug=f"{slug}-don-vi-{i}",
                name=f"Đơn vị Số {i}",
                parent=province,
                kind=unit_kind,
                valid_from=datetime.date(2025, 7, 1),
            )
            for i in range(1, districts + 1)
        ]
    figures, totals = [], {}
    for order, locality in enumerate(localities):
        AppendixRowFactory(appendix=appendix, locality=locality, order=order, number=str(order + 1))
        for year_index, year in enumerate(years):
            households = 10000 + 100 * order
            poor = 500 - 50 * year_index + order
            kind = "result" if year == years[0] else "target"
            figures.append(
                HouseholdFigureFactory.build(
                    plan=plan, locality=locality, year=year, kind=kind, households=households, poor_households=poor
                )
            )
            total = totals.setdefault((year, kind), [0, 0])
            total[0] += households
            total[1] += poor
    AppendixRowFactory(
        appendix=appendix, locality=province, order=districts, number="", label="Tổng cộng", is_total=True
    )
    for (year, kind), (households, poor) in totals.items():
        figures.append(
            HouseholdFigureFactory.build(
                plan=plan,
                locality=province,
                year=year,
                kind=kind,
                households=households,
                poor_households=poor,
                published_rate=compute_rate(poor, households) or Decimal(0),
            )
        )
    HouseholdFigure.objects.bulk_create(figures)
    return plan


def make_indicator_plan(
    *,
    slug="thu-chi-tieu-2023-2025",
    province=None,
    years=(2023, 2024, 2025),
    dimensions=2,
    indicators_per_dimension=2,
    lead_agency=None,
) -> Plan:
    """A plan with an indicator-targets appendix (code "02"), laid out as Hưng Yên's: a baseline column for the year
    before `years`, then a target per year.

    Each dimension (new, in order) has a section of the plan and `indicators_per_dimension` percentage indicators,
    all led by `lead_agency` (by default a new “Sở Lao động - Thương binh và Xã hội” of the province). Indicators
    alternate between rising and falling, and each has a baseline and one target per year that move in its
    direction, so that no target breaks the direction rule: rising ones start at 60 + i % 10 and gain 2 a year,
    falling ones start at 30 + i % 10 and lose 2 a year (i: the indicator's index in the plan).
    """
    province = province or ProvinceFactory()
    plan = PlanFactory(province=province, slug=slug, first_year=years[0], last_year=years[-1])
    lead_agency = lead_agency or AgencyFactory(
        province=province, name="Sở Lao động - Thương binh và Xã hội", short_name="Sở LĐ-TB&XH"
    )
    baseline_year = years[0] - 1
    appendix = IndicatorAppendixFactory(
        plan=plan,
        code="02",
        order=1,
        title="Phụ lục 02\nBẢNG DỰ KIẾN CHỈ TIÊU GIẢI QUYẾT MỨC ĐỘ THIẾU HỤT CÁC DỊCH VỤ XÃ HỘI CƠ BẢN",
        columns=indicator_columns(baseline_year, years),
    )
    index = 0
    for dimension_index in range(dimensions):
        dimension = DimensionFactory()
        section = PlanSectionFactory(
            plan=plan,
            order=dimension_index,
            kind=SectionKind.SPECIFIC_OBJECTIVE,
            number="-",
            heading=f"Chiều thiếu hụt về {dimension.name.lower()}:",
            body="",
        )
        for _ in range(indicators_per_dimension):
            rising = index % 2 == 0
            indicator = IndicatorFactory(
                dimension=dimension, direction=Direction.INCREASE if rising else Direction.DECREASE
            )
            plan_indicator = PlanIndicatorFactory(
                plan=plan,
                indicator=indicator,
                appendix=appendix,
                section=section,
                order=index,
                lead_agency=lead_agency,
            )
            start, step = (Decimal(60 + index % 10), 2) if rising else (Decimal(30 + index % 10), -2)
            IndicatorValueFactory(
                plan_indicator=plan_indicator, year=baseline_year, kind=ValueKind.BASELINE, value=start
            )
            for year_index, year in enumerate(years, start=1):
                IndicatorValueFactory(
                    plan_indicator=plan_indicator, year=year, kind=ValueKind.TARGET, value=start + step * year_index
                )
            index += 1
    return plan


def make_role_user(role, *, user=None, **scope):
    """A user (new unless `user` is given) with one role assignment scoped by `scope`: province=… for a reviewer or
    a reader, locality=… for a locality official, agency=… for an agency officer.

    The assignment is validated before it is saved: a missing or wrong scope raises ValidationError, and no user is
    left behind.
    """
    with transaction.atomic():  # a refused assignment leaves no new user behind
        user = user or UserFactory()
        assignment = RoleAssignment(user=user, role=role, **scope)
        assignment.full_clean()
        assignment.save()
    return user


class ApiTokenFactory(DjangoModelFactory):
    """A personal API token; `secret` (not stored) is the token its owner would send."""

    class Meta:
        model = ApiToken
        exclude = ["secret"]

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Bảng điều hành {n}")
    secret = factory.Sequence(lambda n: f"thu-token-{n:040d}")
    prefix = factory.LazyAttribute(lambda o: o.secret[:8])
    digest = factory.LazyAttribute(lambda o: token_digest(o.secret))
