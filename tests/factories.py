"""Plans built in tests: any number of districts and years, consistent unless told otherwise."""

from decimal import Decimal

from localities.models import Locality
from plans.models import Appendix, AppendixRow, HouseholdFigure, Plan
from povertyplan.numbers import compute_rate


def make_province(slug="tinh-thu", name="Tỉnh Thử Nghiệm") -> Locality:
    return Locality.objects.create(slug=slug, name=name, kind="province")


def make_household_plan(*, districts=3, years=(2021, 2022, 2023), slug="tinh-thu-2021-2023", province=None) -> Plan:
    """A plan whose appendix has households, poor households and rate per year for each district and a total."""
    province = province or make_province()
    plan = Plan.objects.create(
        province=province,
        slug=slug,
        title="Kế hoạch thử nghiệm",
        issuer="UBND tỉnh Thử Nghiệm",
        first_year=years[0],
        last_year=years[-1],
        symbol="KH-UBND",
    )
    columns = []
    for year in years:
        kind = "result" if year == years[0] else "target"
        group = f"Năm {year}"
        columns += [
            {"header": "Tổng số hộ dân cư", "group": group, "year": year, "kind": kind, "field": "households"},
            {"header": "Tổng số hộ nghèo", "group": group, "year": year, "kind": kind, "field": "poor_households"},
            {"header": "Tỷ lệ hộ nghèo (%)", "group": group, "year": year, "kind": kind, "field": "poverty_rate"},
        ]
    appendix = Appendix.objects.create(
        plan=plan,
        code="01",
        kind="household_figures",
        title="Phụ lục 01\nTHỬ NGHIỆM",
        label_header="Huyện",
        columns=columns,
    )
    localities = [
        Locality.objects.create(slug=f"{slug}-huyen-{i}", name=f"Huyện Số {i}", kind="rural_district", parent=province)
        for i in range(1, districts + 1)
    ]
    figures, totals = [], {}
    for order, locality in enumerate(localities):
        AppendixRow.objects.create(
            appendix=appendix, locality=locality, order=order, number=str(order + 1), label=locality.name
        )
        for year_index, year in enumerate(years):
            households = 10000 + 100 * order
            poor = 500 - 50 * year_index + order
            kind = "result" if year == years[0] else "target"
            figures.append(
                HouseholdFigure(
                    plan=plan,
                    locality=locality,
                    year=year,
                    kind=kind,
                    households=households,
                    poor_households=poor,
                    published_rate=compute_rate(poor, households),
                )
            )
            total = totals.setdefault((year, kind), [0, 0])
            total[0] += households
            total[1] += poor
    AppendixRow.objects.create(appendix=appendix, locality=province, order=districts, label="Tổng cộng", is_total=True)
    for (year, kind), (households, poor) in totals.items():
        figures.append(
            HouseholdFigure(
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
