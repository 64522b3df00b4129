"""A deterministic demo dataset shaped like the whole country: `manage.py generate_demo_data`.

By default 63 provinces, about 700 districts and 10.600 communes, each with households, poor and near-poor
households and the poverty rate for 2021–2025 (results for 2021 and 2022, targets for 2023–2025), one plan per
province with its district table (like Hưng Yên's Phụ lục 01), about 15 indicator targets over the six
social-service dimensions (like its Phụ lục 02), agencies, their duties, policy tasks and reporting deadlines.

Two national plans show the application at the scale of the country. AppendixRow does not require its locality to
be a child of the plan's province, so they hang off a generated province-level unit “Toàn quốc (dữ liệu mẫu)”:
`demo-toan-quoc-2021-2025` lists every district (about 700 rows) and `demo-toan-quoc-xa-2021-2025` every commune
(about 10.600 rows, what the 10.000-row import of `make bench` edits).

Everything generated has a slug starting with `demo-` and is written with bulk inserts (no `full_clean()` per
row, no history records: the figures are made consistent by construction, and the tests check them against the
models' rules). The seed plans and their provinces are never read or changed. Figures are consistent — a rate is
its counts' rate, a total is the sum of its rows, a target's poor households are the previous year's minus the
planned reduction — except for a few deliberate slips (a published rate one hundredth off, as a document that
truncates instead of rounding), so that the data-quality check has something to find, as with the real plans.
"""

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

from indicators.models import Indicator, IndicatorValue, PlanIndicator, Qualifier, ValueKind
from kernel.numbers import compute_rate
from kernel.text import vietnamese_slug
from localities.models import KIND_LEVELS, Locality, LocalityKind, LocalitySuccession
from plans.models import (
    Agency,
    AgencyKind,
    AgencyResponsibility,
    Appendix,
    AppendixKind,
    AppendixRow,
    Duty,
    HouseholdFigure,
    LegalBasis,
    Plan,
    PlanSection,
    PlanStatus,
    PolicyTask,
    Recipient,
    ReportingFrequency,
    ReportingObligation,
    SectionKind,
)
from workflow import revisions
from workflow.models import RoleAssignment, TableReview

from .demo_two_level import build_two_level
from .seeds import FIXTURES_DIR, SeedReport, _read, seed_catalogue

PREFIX = "demo-"
NATIONAL_SLUG = "demo-toan-quoc"
NATIONAL_NAME = "Toàn quốc (dữ liệu mẫu)"
NATIONAL_PLAN_SLUG = "demo-toan-quoc-2021-2025"
NATIONAL_COMMUNE_PLAN_SLUG = "demo-toan-quoc-xa-2021-2025"
YEARS = (2021, 2022, 2023, 2024, 2025)
RESULT_YEARS = {2021, 2022}
FIRST_YEAR, LAST_YEAR, ORIENTATION_YEAR = 2021, 2025, 2030
BATCH = 2000

# The 63 provinces and centrally-run cities before the 2025 reform; a larger --provinces numbers the rest.
PROVINCE_NAMES = [
    "Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La",
    "Yên Bái", "Hoà Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc",
    "Bắc Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng", "Quảng Nam",
    "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
    "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu",
    "Hồ Chí Minh", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
    "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]  # fmt: skip
MUNICIPALITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
# Syllables of place names: a district or commune is named by two of them (“Tân Phú”, “Vĩnh Lộc”).
SYLLABLES = [
    "An", "Bình", "Phú", "Tân", "Hòa", "Thạnh", "Long", "Đông", "Tây", "Nam", "Bắc", "Sơn", "Hải", "Thuận",
    "Quang", "Xuân", "Vĩnh", "Hưng", "Thanh", "Lộc", "Mỹ", "Đức", "Phước", "Thọ", "Cẩm", "Kim", "Ngọc", "Lạc",
    "Hoài", "Yên", "Trung", "Hiệp", "Minh", "Tiến", "Thắng", "Lợi", "Hà", "Châu", "Giang", "Lâm",
]  # fmt: skip

# Agencies of every province: (name, short name, kind).
AGENCIES = [
    ("Ủy ban nhân dân tỉnh", "UBND tỉnh", AgencyKind.PEOPLES_COMMITTEE),
    ("Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH", AgencyKind.DEPARTMENT),
    ("Sở Y tế", "", AgencyKind.DEPARTMENT),
    ("Sở Giáo dục và Đào tạo", "Sở GDĐT", AgencyKind.DEPARTMENT),
    ("Sở Xây dựng", "", AgencyKind.DEPARTMENT),
    ("Sở Nông nghiệp và Phát triển nông thôn", "Sở NNPTNT", AgencyKind.DEPARTMENT),
    ("Sở Thông tin và Truyền thông", "Sở TTTT", AgencyKind.DEPARTMENT),
    ("Sở Tài chính", "", AgencyKind.DEPARTMENT),
    ("Sở Kế hoạch và Đầu tư", "Sở KHĐT", AgencyKind.DEPARTMENT),
    ("Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "NHCSXH", AgencyKind.BANK),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", AgencyKind.FRONT),
    ("UBND các huyện, thị xã, thành phố", "UBND cấp huyện", AgencyKind.GROUP),
]
LABOUR, HEALTH, EDUCATION, CONSTRUCTION, AGRICULTURE, INFORMATION, FINANCE, PLANNING, BANK = range(1, 10)
# The indicators each plan sets targets for (catalogue codes), with the agency that leads each.
PLAN_INDICATORS = [
    ("employment-support", LABOUR),
    ("vocational-training-demand-met", LABOUR),
    ("trained-workers", LABOUR),
    ("preferential-credit-access", BANK),
    ("health-insurance", HEALTH),
    ("underweight-children", HEALTH),
    ("stunted-children", HEALTH),
    ("school-attendance", EDUCATION),
    ("trained-poor-workers", LABOUR),
    ("housing-support-households", CONSTRUCTION),
    ("housing-support-rate", CONSTRUCTION),
    ("clean-water", AGRICULTURE),
    ("sanitary-latrines", HEALTH),
    ("telecom-internet-access", INFORMATION),
    ("poverty-information-access", INFORMATION),
]
DUTIES = [
    "Chủ trì, phối hợp với các sở, ngành, địa phương tổ chức triển khai các nội dung của Kế hoạch thuộc lĩnh vực "
    "được giao.",
    "Hướng dẫn, kiểm tra, giám sát việc thực hiện các chỉ tiêu giảm nghèo thuộc lĩnh vực quản lý.",
    "Tổng hợp kết quả thực hiện, báo cáo Ủy ban nhân dân tỉnh định kỳ hằng năm.",
    "Bố trí, lồng ghép nguồn lực thực hiện các dự án của Chương trình mục tiêu quốc gia giảm nghèo bền vững.",
]
POLICY_TASKS = [
    ("Xây dựng chính sách hỗ trợ hộ nghèo, hộ cận nghèo về nhà ở", CONSTRUCTION, 2024),
    ("Xây dựng chính sách hỗ trợ đóng bảo hiểm y tế cho hộ mới thoát nghèo", HEALTH, 2024),
    ("Xây dựng chính sách hỗ trợ đào tạo nghề, giải quyết việc làm cho lao động thuộc hộ nghèo", LABOUR, 2025),
    ("Xây dựng chính sách tín dụng ưu đãi đối với hộ mới thoát nghèo", BANK, 2025),
]


@dataclass
class DemoSize:
    provinces: int = 63
    scale: float = 1.0  # multiplies the districts per province and the communes per district
    seed: int = 2025
    national: bool = True  # the two national plans (all districts; all communes)
    two_level: bool = False  # also the units from 01/07/2025 and their successions (seeding/demo_two_level.py)

    def districts_range(self) -> tuple[int, int]:
        return max(1, round(8 * self.scale)), max(1, round(15 * self.scale))

    def communes_range(self) -> tuple[int, int]:
        return max(1, round(10 * self.scale)), max(1, round(21 * self.scale))


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    removed_plans: int = 0

    def add(self, model, count: int) -> None:
        self.created[str(model._meta.verbose_name_plural)] += count


class DemoDataExists(Exception):
    """Demo data is already in the database and was not to be replaced."""


def demo_plans():
    return Plan.objects.filter(slug__startswith=PREFIX)


def demo_data_exists() -> bool:
    return demo_plans().exists() or Locality.objects.filter(slug__startswith=PREFIX).exists()


def generate_demo_data(size: DemoSize | None = None, *, replace: bool = False) -> DemoReport:
    """Create the demo dataset in one transaction; DemoDataExists when there is some and not `replace`."""
    size = size or DemoSize()
    report = DemoReport()
    # One advance of every page's revision at the end, not one per deleted unit (workflow/revisions.py).
    with transaction.atomic(), revisions.deferred():
        revisions.advance_everything()
        if demo_data_exists():
            if not replace:
                raise DemoDataExists(
                    f"Demo data already exists ({demo_plans().count()} plans with slugs starting with “{PREFIX}”)."
                )
            report.removed_plans = remove_demo_data()
        _Generator(size, report).run()
    _refresh_planner_statistics()
    return report


def _refresh_planner_statistics() -> None:
    """After a bulk load, the query planner's statistics still describe the empty tables (PostgreSQL would choose
    nested loops for 3.500 figures it expects to be 1) until autovacuum gets to them: refresh them now, as
    PostgreSQL's documentation advises after populating a database. SQLite plans without statistics."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@transaction.atomic
def remove_demo_data() -> int:
    """Delete every `demo-` plan, locality and agency; the seed data is not touched. Returns the plans removed.

    The large tables are deleted with one statement each: the history's delete signals would otherwise write a
    historical record for each of the 100.000 generated figures, which have no history worth keeping.
    """
    with revisions.deferred():
        revisions.advance_everything()
        return _remove_demo_data()


def _remove_demo_data() -> int:
    # Subqueries, not lists of ids: a larger dataset would pass SQLite's limit of parameters per statement.
    plan_count = demo_plans().count()
    plan_ids = demo_plans().values("pk")
    localities = Locality.objects.filter(slug__startswith=PREFIX)
    locality_ids = localities.values("pk")
    figures = HouseholdFigure.objects.filter(Q(plan_id__in=plan_ids) | Q(locality_id__in=locality_ids))
    duty_ids = Duty.objects.filter(responsibility__plan_id__in=plan_ids).values("pk")
    task_ids = PolicyTask.objects.filter(plan_id__in=plan_ids).values("pk")
    for queryset in (
        HouseholdFigure.history.filter(plan_id__in=plan_ids),
        IndicatorValue.history.filter(plan_indicator__plan_id__in=plan_ids),
        Duty.history.filter(id__in=duty_ids),
        PolicyTask.history.filter(plan_id__in=plan_ids),
        IndicatorValue.objects.filter(plan_indicator__plan_id__in=plan_ids),
        figures,
        AppendixRow.objects.filter(appendix__plan_id__in=plan_ids),
        Duty.led_projects.through.objects.filter(duty_id__in=duty_ids),
        Duty.objects.filter(pk__in=duty_ids),
        PolicyTask.coordinating_agencies.through.objects.filter(policytask_id__in=task_ids),
        PolicyTask.objects.filter(pk__in=task_ids),
    ):
        queryset._raw_delete(queryset.db)
    demo_plans().delete()
    RoleAssignment.objects.filter(Q(province_id__in=locality_ids) | Q(locality_id__in=locality_ids)).delete()
    TableReview.objects.filter(locality_id__in=locality_ids).delete()
    Agency.objects.filter(province_id__in=locality_ids).update(successor=None)
    Agency.objects.filter(province_id__in=locality_ids).delete()
    LocalitySuccession.objects.filter(Q(predecessor_id__in=locality_ids) | Q(successor_id__in=locality_ids)).delete()
    for level in (3, 2, 1):  # children first: a unit protects its parent
        localities.filter(level=level).delete()
    return plan_count


# --- the generator ----------------------------------------------------------------------------------


@dataclass
class _Unit:
    locality: Locality
    label: str  # the row label in a table
    children: list["_Unit"] = field(default_factory=list)
    # year → [households, poor, near-poor]
    figures: dict[int, list[int]] = field(default_factory=dict)


def _bulk(model, objects: list, report: DemoReport) -> list:
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    report.add(model, len(created))
    return created


class _Generator:
    def __init__(self, size: DemoSize, report: DemoReport):
        self.size = size
        self.report = report
        self.random = random.Random(size.seed)
        self.slugs: set[str] = set()

    # names ---------------------------------------------------------------------------------------

    def place_name(self, taken: set[str]) -> str:
        for _attempt in range(200):
            name = f"{self.random.choice(SYLLABLES)} {self.random.choice(SYLLABLES)}"
            first, second = name.split()
            if first != second and name not in taken:
                taken.add(name)
                return name
        name = f"{self.random.choice(SYLLABLES)} {len(taken) + 1}"
        taken.add(name)
        return name

    def slug(self, *parts: str) -> str:
        base = PREFIX + "-".join(vietnamese_slug(part) for part in parts)
        slug, number = base[:190], 2
        while slug in self.slugs:
            slug, number = f"{base[:185]}-{number}", number + 1
        self.slugs.add(slug)
        return slug

    # the run -------------------------------------------------------------------------------------

    def run(self) -> None:
        if not Indicator.objects.filter(code__in=[code for code, _lead in PLAN_INDICATORS]).count() == len(
            PLAN_INDICATORS
        ):
            seed_catalogue(_read(FIXTURES_DIR / "catalogue.yaml"), SeedReport())
        self.indicators = Indicator.objects.in_bulk([code for code, _lead in PLAN_INDICATORS], field_name="code")
        provinces = self.build_localities()
        self.compute_figures(provinces)
        national = None
        if self.size.national:
            national = _Unit(
                Locality(slug=NATIONAL_SLUG, name=NATIONAL_NAME, kind=LocalityKind.PROVINCE, level=1), NATIONAL_NAME
            )
            national.figures = _sum_figures(provinces)
            self.slugs.add(NATIONAL_SLUG)
        self.save_localities(provinces, national)
        agencies = self.save_agencies([unit.locality for unit in provinces] + ([national.locality] if national else []))
        plans = [self.province_plan(unit) for unit in provinces]
        if national is not None:
            plans.append(self.national_plan(national, NATIONAL_PLAN_SLUG, "huyện"))
            plans.append(self.national_plan(national, NATIONAL_COMMUNE_PLAN_SLUG, "xã"))
        _bulk(Plan, [plan for plan, _parts in plans], self.report)
        self.save_documents(plans, agencies)
        self.save_appendices(plans, agencies)
        if self.size.two_level:
            build_two_level(self, provinces, national)

    # localities ----------------------------------------------------------------------------------

    def build_localities(self) -> list[_Unit]:
        provinces = []
        low_d, high_d = self.size.districts_range()
        low_c, high_c = self.size.communes_range()
        for index in range(self.size.provinces):
            base = PROVINCE_NAMES[index] if index < len(PROVINCE_NAMES) else f"Mẫu {index + 1}"
            city = base in MUNICIPALITIES
            name = f"{'Thành phố' if city else 'Tỉnh'} {base} (dữ liệu mẫu)"
            kind = LocalityKind.MUNICIPALITY if city else LocalityKind.PROVINCE
            province = _Unit(Locality(slug=self.slug(base), name=name, kind=kind), base)
            taken: set[str] = set()
            for district_index in range(self.random.randint(low_d, high_d)):
                if city:
                    district_kind = (
                        LocalityKind.URBAN_DISTRICT if district_index % 3 != 2 else LocalityKind.RURAL_DISTRICT
                    )
                elif district_index == 0:
                    district_kind = LocalityKind.PROVINCIAL_CITY
                elif district_index == 1 and self.random.random() < 0.5:
                    district_kind = LocalityKind.TOWN
                else:
                    district_kind = LocalityKind.RURAL_DISTRICT
                district_base = self.place_name(taken)
                prefix = {
                    LocalityKind.URBAN_DISTRICT: "Quận",
                    LocalityKind.PROVINCIAL_CITY: "Thành phố",
                    LocalityKind.TOWN: "Thị xã",
                    LocalityKind.RURAL_DISTRICT: "Huyện",
                }[district_kind]
                district = _Unit(
                    Locality(
                        slug=self.slug(base, district_base),
                        name=f"{prefix} {district_base}",
                        kind=district_kind,
                    ),
                    f"{prefix} {district_base}",
                )
                urban = district_kind != LocalityKind.RURAL_DISTRICT
                commune_names: set[str] = set()
                for commune_index in range(self.random.randint(low_c, high_c)):
                    if urban:
                        commune_kind = LocalityKind.WARD
                    elif commune_index == 0:
                        commune_kind = LocalityKind.TOWNSHIP
                    else:
                        commune_kind = LocalityKind.COMMUNE
                    commune_base = self.place_name(commune_names)
                    commune_prefix = {
                        LocalityKind.WARD: "Phường",
                        LocalityKind.TOWNSHIP: "Thị trấn",
                        LocalityKind.COMMUNE: "Xã",
                    }[commune_kind]
                    commune_name = f"{commune_prefix} {commune_base}"
                    district.children.append(
                        _Unit(
                            Locality(
                                slug=self.slug(base, district_base, commune_base),
                                name=commune_name,
                                kind=commune_kind,
                            ),
                            commune_name,
                        )
                    )
                province.children.append(district)
            provinces.append(province)
        return provinces

    def compute_figures(self, provinces: list[_Unit]) -> None:
        """Communes first (households in the thousands, rates 0,3–30%), then every level summed from below."""
        for province in provinces:
            # Poorer provinces in the mountains, richer ones in the deltas and cities: a spread of 1–15%.
            province_rate = math.exp(self.random.uniform(math.log(1.0), math.log(15.0)))
            if province.label in MUNICIPALITIES:
                province_rate = self.random.uniform(0.3, 1.5)
            for district in province.children:
                district_rate = province_rate * math.exp(self.random.gauss(0, 0.45))
                for commune in district.children:
                    rate = min(29.5, max(0.35, district_rate * math.exp(self.random.gauss(0, 0.5))))
                    households = self.random.randint(1500, 6500)
                    near_share = self.random.uniform(0.6, 1.4)
                    growth = self.random.uniform(0.003, 0.012)
                    # Each year the rate falls by 8–30%, and never below 0,3% of the households.
                    for year in YEARS:
                        poor = max(round(households * rate / 100), math.ceil(households * 0.0032))
                        poor = min(poor, households)
                        near = min(households, round(poor * near_share) + self.random.randint(0, 20))
                        commune.figures[year] = [households, poor, near]
                        households = round(households * (1 + growth))
                        rate = max(0.35, rate * (1 - self.random.uniform(0.08, 0.30)))
                district.figures = _sum_figures(district.children)
            province.figures = _sum_figures(province.children)

    def save_localities(self, provinces: list[_Unit], national: _Unit | None) -> None:
        tops = [unit.locality for unit in provinces] + ([national.locality] if national else [])
        for locality in tops:
            locality.level = KIND_LEVELS[locality.kind]
        _bulk(Locality, tops, self.report)
        districts = []
        for province in provinces:
            for district in province.children:
                district.locality.parent = province.locality
                district.locality.level = 2
                districts.append(district.locality)
        _bulk(Locality, districts, self.report)
        communes = []
        for province in provinces:
            for district in province.children:
                for commune in district.children:
                    commune.locality.parent = district.locality
                    commune.locality.level = 3
                    communes.append(commune.locality)
        _bulk(Locality, communes, self.report)
        self.provinces = provinces
        self.national = national

    def save_agencies(self, provinces: list[Locality]) -> dict[int, list[Agency]]:
        agencies = [
            Agency(province=province, name=name, short_name=short, slug=vietnamese_slug(name), kind=kind)
            for province in provinces
            for name, short, kind in AGENCIES
        ]
        _bulk(Agency, agencies, self.report)
        by_province: dict[int, list[Agency]] = defaultdict(list)
        for agency in agencies:
            by_province[agency.province_id].append(agency)
        return by_province

    # plans ---------------------------------------------------------------------------------------

    def province_plan(self, province: _Unit) -> tuple[Plan, list]:
        number = str(self.random.randint(10, 250))
        plan = Plan(
            province=province.locality,
            slug=f"{province.locality.slug}-2021-2025",
            number=number,
            symbol="KH-UBND",
            title=f"Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững trên địa bàn {province.label} "
            f"giai đoạn 2021-2025, định hướng đến năm 2030 (dữ liệu mẫu)",
            issue_date=datetime.date(2022, self.random.randint(1, 12), self.random.randint(1, 28)),
            place=province.label,
            issuer=f"UBND {'thành phố' if province.label in MUNICIPALITIES else 'tỉnh'} {province.label}",
            signing_capacity="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
            signer_title="PHÓ CHỦ TỊCH",
            signer_name="Nguyễn Văn Mẫu",
            status=PlanStatus.ISSUED,
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
            orientation_year=ORIENTATION_YEAR,
            preamble="Căn cứ Quyết định số 90/QĐ-TTg ngày 18/01/2022 của Thủ tướng Chính phủ phê duyệt Chương trình "
            "mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025; Ủy ban nhân dân ban hành Kế hoạch thực hiện "
            "với nội dung như sau:",
        )
        # The province's table: its districts, then the total (as Hưng Yên's Phụ lục 01 prints it).
        rows = [(district, district.label) for district in province.children]
        return plan, [("district", rows, province), ("indicators", None, None), ("tasks", None, None)]

    def national_plan(self, national: _Unit, slug: str, level: str) -> tuple[Plan, list]:
        plan = Plan(
            province=national.locality,
            slug=slug,
            number="",
            symbol="KH-DEMO",
            title=f"Dữ liệu mẫu: tỷ lệ hộ nghèo của mọi {level} trên toàn quốc giai đoạn 2021-2025",
            issuer="Dữ liệu mẫu (không phải văn bản thật)",
            status=PlanStatus.DRAFT,
            first_year=FIRST_YEAR,
            last_year=LAST_YEAR,
            orientation_year=ORIENTATION_YEAR,
        )
        if level == "huyện":
            rows = [
                (district, f"{district.label}, {province.label}")
                for province in self.provinces
                for district in province.children
            ]
        else:
            rows = [
                (commune, f"{commune.label}, {district.label}, {province.label}")
                for province in self.provinces
                for district in province.children
                for commune in district.children
            ]
        return plan, [("district", rows, national)]

    def save_documents(self, plans: list[tuple[Plan, list]], agencies: dict[int, list[Agency]]) -> None:
        legal, recipients, sections, responsibilities, obligations = [], [], [], [], []
        for plan, parts in plans:
            if len(parts) == 1:  # a national table: no document around it
                continue
            legal += [
                LegalBasis(
                    plan=plan,
                    order=0,
                    document_type="Quyết định",
                    number="90/QĐ-TTg",
                    issue_date=datetime.date(2022, 1, 18),
                    issuer="Thủ tướng Chính phủ",
                    summary="phê duyệt Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2021-2025",
                ),
                LegalBasis(
                    plan=plan,
                    order=1,
                    document_type="Nghị định",
                    number="07/2021/NĐ-CP",
                    issue_date=datetime.date(2021, 1, 27),
                    issuer="Chính phủ",
                    summary="quy định chuẩn nghèo đa chiều giai đoạn 2021-2025",
                ),
            ]
            recipients += [
                Recipient(plan=plan, order=order, text=text)
                for order, text in enumerate(["Bộ Lao động - TB và XH;", "TT Tỉnh ủy, TT HĐND tỉnh;", "Lưu: VT."])
            ]
            sections += [
                PlanSection(plan=plan, order=0, kind=SectionKind.PURPOSE, number="I", heading="MỤC ĐÍCH, YÊU CẦU"),
                PlanSection(
                    plan=plan,
                    order=1,
                    kind=SectionKind.OBJECTIVES,
                    number="II",
                    heading="MỤC TIÊU",
                    body="Phấn đấu tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều giảm bình quân hằng năm; chi tiết tại "
                    "Phụ lục 01 và Phụ lục 02 kèm theo.",
                ),
                PlanSection(
                    plan=plan,
                    order=2,
                    kind=SectionKind.TASKS,
                    number="III",
                    heading="NHIỆM VỤ VÀ GIẢI PHÁP",
                    body="Thực hiện đồng bộ các dự án của Chương trình mục tiêu quốc gia giảm nghèo bền vững.",
                ),
                PlanSection(
                    plan=plan, order=3, kind=SectionKind.ORGANISATION, number="IV", heading="TỔ CHỨC THỰC HIỆN"
                ),
            ]
            province_agencies = agencies[plan.province_id]
            for order, agency in enumerate(province_agencies[1:], start=1):
                responsibilities.append(
                    AgencyResponsibility(plan=plan, agency=agency, order=order, number=str(order), heading=agency.name)
                )
            obligations.append(
                ReportingObligation(
                    plan=plan,
                    order=0,
                    number="",
                    text="Các sở, ngành, UBND cấp huyện báo cáo kết quả thực hiện trước ngày 30/11 hằng năm.",
                    reporters_as_written="Các sở, ngành, UBND cấp huyện",
                    recipient_as_written="UBND tỉnh",
                    via_agency=province_agencies[LABOUR],
                    subject="Kết quả thực hiện Kế hoạch",
                    frequency=ReportingFrequency.ANNUAL,
                    due_date=datetime.date(2025, 11, 30),
                )
            )
        _bulk(LegalBasis, legal, self.report)
        _bulk(Recipient, recipients, self.report)
        _bulk(PlanSection, sections, self.report)
        _bulk(AgencyResponsibility, responsibilities, self.report)
        duties = []
        for responsibility in responsibilities:
            for order in range(self.random.randint(2, 4)):
                duties.append(
                    Duty(responsibility=responsibility, order=order, marker="abcd"[order], text=DUTIES[order])
                )
        _bulk(Duty, duties, self.report)
        _bulk(ReportingObligation, obligations, self.report)
        through = ReportingObligation.reporters.through
        _bulk(
            through,
            [
                through(reportingobligation_id=obligation.pk, agency_id=agency.pk)
                for obligation in obligations
                for agency in agencies[obligation.plan.province_id][2:9]
            ],
            self.report,
        )

    def save_appendices(self, plans: list[tuple[Plan, list]], agencies: dict[int, list[Agency]]) -> None:
        appendices, pending = [], []
        for plan, parts in plans:
            for order, (part, rows, total) in enumerate(parts):
                appendix = _appendix(plan, part, order, total.label if total else "")
                appendices.append(appendix)
                pending.append((appendix, part, rows, total))
        _bulk(Appendix, appendices, self.report)
        appendix_rows, figures, plan_indicators, tasks = [], [], [], []
        for appendix, part, rows, total in pending:
            plan = appendix.plan
            if part == "district":
                for order, (unit, label) in enumerate(rows):
                    appendix_rows.append(
                        AppendixRow(
                            appendix=appendix, locality=unit.locality, order=order, number=str(order + 1), label=label
                        )
                    )
                appendix_rows.append(
                    AppendixRow(
                        appendix=appendix, locality=total.locality, order=len(rows), label="Tổng cộng", is_total=True
                    )
                )
                units = [total, *(unit for unit, _label in rows)]
                if total is not self.national:
                    # A province's plan also carries its communes' figures (shown on their pages, not in a table).
                    units += [commune for district, _label in rows for commune in district.children]
                figures += self.figures(plan, units)
            elif part == "indicators":
                plan_indicators += self.indicator_rows(plan, appendix, agencies[plan.province_id])
            else:
                for order, (text, lead, year) in enumerate(POLICY_TASKS):
                    tasks.append(
                        PolicyTask(
                            plan=plan,
                            appendix=appendix,
                            order=order,
                            number=str(order + 1),
                            text=text,
                            lead_agency=agencies[plan.province_id][lead],
                            coordinating_as_written="Các sở, ngành liên quan",
                            deadline_as_written=f"Năm {year}",
                            deadline_year=year,
                        )
                    )
        _bulk(AppendixRow, appendix_rows, self.report)
        _bulk(HouseholdFigure, figures, self.report)
        values = [value for _pi, pi_values in plan_indicators for value in pi_values]
        _bulk(PlanIndicator, [pi for pi, _values in plan_indicators], self.report)
        for value in values:
            value.plan_indicator_id = value.plan_indicator.pk
        _bulk(IndicatorValue, values, self.report)
        through = PlanIndicator.coordinating_agencies.through
        _bulk(
            through,
            [
                through(planindicator_id=pi.pk, agency_id=agencies[pi.plan.province_id][LABOUR].pk)
                for pi, _values in plan_indicators
                if pi.lead_agency_id != agencies[pi.plan.province_id][LABOUR].pk
            ],
            self.report,
        )
        _bulk(PolicyTask, tasks, self.report)

    def figures(self, plan: Plan, units: list[_Unit]) -> list[HouseholdFigure]:
        figures = []
        for unit in units:
            previous_poor = None
            for year in YEARS:
                households, poor, near = unit.figures[year]
                rate = compute_rate(poor, households)
                if self.random.random() < 0.004:  # a document's slip: the rate truncated, one hundredth off
                    rate = max(Decimal("0.00"), rate - Decimal("0.01"))
                target = year not in RESULT_YEARS
                figures.append(
                    HouseholdFigure(
                        plan=plan,
                        locality=unit.locality,
                        year=year,
                        kind="target" if target else "result",
                        households=households,
                        poor_households=poor,
                        near_poor_households=near,
                        published_rate=rate,
                        planned_reduction=(previous_poor - poor) if target and previous_poor >= poor else None,
                        source="" if target else f"Kết quả rà soát hộ nghèo năm {year} (dữ liệu mẫu)",
                    )
                )
                previous_poor = poor
        return figures

    def indicator_rows(self, plan: Plan, appendix: Appendix, province_agencies: list[Agency]) -> list:
        rows = []
        for order, (code, lead) in enumerate(PLAN_INDICATORS):
            indicator = self.indicators[code]
            plan_indicator = PlanIndicator(
                plan=plan,
                indicator=indicator,
                appendix=appendix,
                order=order,
                number=str(order + 1),
                text=indicator.name,
                lead_agency=province_agencies[lead],
                responsible_as_written=province_agencies[lead].display_name,
            )
            rising = indicator.direction == "increase"
            if indicator.unit == "%":
                start = self.random.uniform(55, 85) if rising else self.random.uniform(8, 25)
            else:
                start = self.random.randint(100, 2000)
            values = []
            value = start
            for year, kind in ((2022, ValueKind.BASELINE), (2023, ValueKind.TARGET), (2024, ValueKind.TARGET)):
                values.append(_indicator_value(plan_indicator, year, kind, value, indicator.unit))
                step = self.random.uniform(1.5, 5.0) if indicator.unit == "%" else self.random.randint(50, 300)
                value = (
                    min(100.0, value + step)
                    if rising and indicator.unit == "%"
                    else value + step
                    if rising
                    else max(1.0, value - step)
                )
            values.append(_indicator_value(plan_indicator, 2025, ValueKind.TARGET, value, indicator.unit))
            rows.append((plan_indicator, values))
        return rows


def _indicator_value(plan_indicator: PlanIndicator, year: int, kind: str, value, unit: str) -> IndicatorValue:
    number = Decimal(str(round(value, 1))) if unit == "%" else Decimal(int(value))
    qualifier = Qualifier.EXACTLY if kind == ValueKind.BASELINE else Qualifier.AT_LEAST
    written = f"{number}".replace(".", ",")
    if unit == "%" and plan_indicator.indicator.direction == "decrease" and kind == ValueKind.TARGET:
        qualifier, written = Qualifier.BELOW, f"dưới {written}%"
    return IndicatorValue(
        plan_indicator=plan_indicator, year=year, kind=kind, value=number, qualifier=qualifier, value_as_written=written
    )


def _sum_figures(units: list[_Unit]) -> dict[int, list[int]]:
    totals = {year: [0, 0, 0] for year in YEARS}
    for unit in units:
        for year, values in unit.figures.items():
            for index, value in enumerate(values):
                totals[year][index] += value
    return totals


def _appendix(plan: Plan, part: str, order: int, total_label: str) -> Appendix:
    note = f"(Kèm theo Kế hoạch số {plan.number or '…'}/{plan.symbol} của {plan.issuer})"
    if part == "district":
        columns = []
        for year in YEARS:
            result = year in RESULT_YEARS
            group = f"Kết quả năm {year}" if result else f"Năm {year}"
            kind = "result" if result else "target"
            columns += [
                {"header": "Tổng số hộ dân cư", "group": group, "year": year, "kind": kind, "field": "households"},
                {"header": "Tổng số hộ nghèo", "group": group, "year": year, "kind": kind, "field": "poor_households"},
                {"header": "Tỷ lệ hộ nghèo (%)", "group": group, "year": year, "kind": kind, "field": "poverty_rate"},
            ]
        national = plan.slug.startswith(NATIONAL_SLUG)
        return Appendix(
            plan=plan,
            code="01",
            order=order,
            kind=AppendixKind.HOUSEHOLD_FIGURES,
            title=f"Phụ lục 01\nDỰ KIẾN TỶ LỆ HỘ NGHÈO {total_label.upper()} GIAI ĐOẠN 2021-2025",
            note=note,
            number_header="STT",
            label_header=("Xã/phường/thị trấn" if "xa" in plan.slug.split("-") else "Huyện/tỉnh")
            if national
            else "Huyện/TX/TP",
            columns=columns,
        )
    if part == "indicators":
        return Appendix(
            plan=plan,
            code="02",
            order=order,
            kind=AppendixKind.INDICATOR_TARGETS,
            title="Phụ lục 02: Bảng dự kiến chỉ tiêu giải quyết mức độ thiếu hụt các dịch vụ xã hội cơ bản "
            "đến năm 2025",
            note=note,
            number_header="Stt",
            label_header="Các chỉ tiêu",
            columns=[
                {"header": "ĐVT", "field": "unit"},
                {"header": "Kết quả năm 2022", "year": 2022, "kind": "baseline"},
                {"header": "Năm 2023", "year": 2023, "kind": "target"},
                {"header": "Năm 2024", "year": 2024, "kind": "target"},
                {"header": "Năm 2025", "year": 2025, "kind": "target"},
                {"header": "Đơn vị thực hiện", "field": "responsible"},
            ],
        )
    return Appendix(
        plan=plan,
        code="03",
        order=order,
        kind=AppendixKind.POLICY_TASKS,
        title="Phụ lục 03: NHIỆM VỤ XÂY DỰNG CÁC CHÍNH SÁCH GIẢM NGHÈO ĐẶC THÙ ĐẾN NĂM 2025",
        note=note,
        number_header="Stt",
        label_header="Nhiệm vụ",
        columns=[
            {"header": "Cơ quan chủ trì", "field": "lead"},
            {"header": "Cơ quan phối hợp", "field": "coordinating"},
            {"header": "Thời gian hoàn thành", "field": "deadline"},
        ],
    )
