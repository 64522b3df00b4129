"""The demo country on the map of 01/07/2025: the two-level local government built from the pre-2025 demo units.

`generate_demo_data --two-level` (docs/performance.md): the 63 demo provinces, their ~700 districts and ~10.600
communes end on 30/06/2025; 34 province-level units (pairs of old provinces merged, the rest renamed whole) and about
a third as many communes, wards and special zones — directly under them — begin on 01/07/2025, with the successions
that link them (old communes merged in threes; one in 25 split 50/50 between two new communes, so that shares are
exercised) and a national 2026–2030 plan with the new provinces' 2026 targets. The old figures stay as generated:
the new units' 2021–2025 figures are what the lineage carries onto them.
"""

import datetime
from decimal import Decimal

from localities.models import KIND_LEVELS, Locality, LocalityKind, LocalitySuccession, SuccessionKind
from plans.models import Appendix, AppendixKind, AppendixRow, HouseholdFigure, Plan, PlanStatus

REFORM = datetime.date(2025, 7, 1)
ENDED = datetime.date(2025, 6, 30)
NEW_PROVINCES_OF_63 = 34
COMMUNES_PER_NEW = 3
SPLIT_EVERY = 25
TWO_LEVEL_PLAN_SLUG = "demo-toan-quoc-2026-2030"


def build_two_level(generator, provinces: list, national) -> dict:
    """Create the units from 01/07/2025, their successions and the 2026 plan. `generator` is the demo generator
    (its random numbers, slugs, report and bulk writer), `provinces` the pre-2025 units it built (saved)."""
    from .demo_data import _bulk

    old_ids = [
        unit.pk
        for province in provinces
        for unit in [
            province.locality,
            *(d.locality for d in province.children),
            *(c.locality for d in province.children for c in d.children),
        ]
    ]
    for start in range(0, len(old_ids), 5000):
        Locality.objects.filter(pk__in=old_ids[start : start + 5000]).update(valid_to=ENDED)

    count = max(1, round(len(provinces) * NEW_PROVINCES_OF_63 / 63))
    merges = len(provinces) - count  # pairs; the other old provinces pass whole to a unit of their own
    groups, index = [], 0
    while index < len(provinces):
        size = 2 if len(groups) < merges else 1
        groups.append(provinces[index : index + size])
        index += size

    new_provinces = []
    for group in groups:
        city = group[0].locality.kind == LocalityKind.MUNICIPALITY
        base = group[0].label
        locality = Locality(
            slug=generator.slug("2025", base),
            name=f"{'Thành phố' if city else 'Tỉnh'} {base} (dữ liệu mẫu, từ 01/07/2025)",
            kind=LocalityKind.MUNICIPALITY if city else LocalityKind.PROVINCE,
            valid_from=REFORM,
        )
        locality.level = KIND_LEVELS[locality.kind]
        new_provinces.append((locality, group))
    _bulk(Locality, [locality for locality, _group in new_provinces], generator.report)

    base_of = {locality.slug: group[0].label for locality, group in new_provinces}
    successions, new_communes, links = [], [], []
    for locality, group in new_provinces:
        for old in group:
            successions.append(
                LocalitySuccession(
                    predecessor=old.locality,
                    successor=locality,
                    kind=SuccessionKind.MERGE if len(group) > 1 else SuccessionKind.RENAME,
                    effective_date=REFORM,
                    legal_basis="Dữ liệu mẫu",
                )
            )
        old_communes = [commune for old in group for district in old.children for commune in district.children]
        taken: set[str] = set()
        city = locality.kind == LocalityKind.MUNICIPALITY
        for start in range(0, len(old_communes), COMMUNES_PER_NEW):
            name = generator.place_name(taken)
            kind = LocalityKind.WARD if city or generator.random.random() < 0.2 else LocalityKind.COMMUNE
            commune = Locality(
                slug=generator.slug("2025", base_of[locality.slug], name),
                name=f"{'Phường' if kind == LocalityKind.WARD else 'Xã'} {name}",
                kind=kind,
                level=KIND_LEVELS[kind],
                parent=locality,
                valid_from=REFORM,
            )
            new_communes.append(commune)
            links.append((commune, old_communes[start : start + COMMUNES_PER_NEW]))
    _bulk(Locality, new_communes, generator.report)

    for number, (commune, olds) in enumerate(links):
        for position, old in enumerate(olds):
            split = (
                position == 0
                and number % SPLIT_EVERY == SPLIT_EVERY - 1
                and links[number - 1][0].parent_id == (commune.parent_id)
            )
            if split:  # half of its households to the previous new commune
                for successor in (links[number - 1][0], commune):
                    successions.append(
                        LocalitySuccession(
                            predecessor=old.locality,
                            successor=successor,
                            kind=SuccessionKind.SPLIT,
                            effective_date=REFORM,
                            share_percent=Decimal(50),
                            legal_basis="Dữ liệu mẫu",
                        )
                    )
                continue
            successions.append(
                LocalitySuccession(
                    predecessor=old.locality,
                    successor=commune,
                    kind=SuccessionKind.MERGE,
                    effective_date=REFORM,
                    legal_basis="Dữ liệu mẫu",
                )
            )
    _bulk(LocalitySuccession, successions, generator.report)

    if national is not None:
        _plan_2026(generator, national, new_provinces)
    return {"provinces": len(new_provinces), "communes": len(new_communes), "successions": len(successions)}


def _plan_2026(generator, national, new_provinces) -> None:
    from .demo_data import _bulk

    plan = Plan(
        province=national.locality,
        slug=TWO_LEVEL_PLAN_SLUG,
        symbol="KH-DEMO",
        title="Dữ liệu mẫu: chỉ tiêu năm 2026 của các tỉnh, thành phố sau sắp xếp",
        issuer="Dữ liệu mẫu (không phải văn bản thật)",
        status=PlanStatus.DRAFT,
        first_year=2026,
        last_year=2030,
    )
    _bulk(Plan, [plan], generator.report)
    appendix = Appendix(
        plan=plan,
        code="01",
        kind=AppendixKind.HOUSEHOLD_FIGURES,
        title="Phụ lục 01\nCHỈ TIÊU NĂM 2026 THEO TỈNH, THÀNH PHỐ (DỮ LIỆU MẪU)",
        number_header="STT",
        label_header="Tỉnh, thành phố",
        columns=[
            {"header": "Tổng số hộ dân cư", "group": "Năm 2026", "year": 2026, "kind": "target", "field": "households"},
            {
                "header": "Tổng số hộ nghèo",
                "group": "Năm 2026",
                "year": 2026,
                "kind": "target",
                "field": "poor_households",
            },
            {
                "header": "Tỷ lệ hộ nghèo (%)",
                "group": "Năm 2026",
                "year": 2026,
                "kind": "target",
                "field": "poverty_rate",
            },
        ],
    )
    _bulk(Appendix, [appendix], generator.report)
    rows, figures = [], []
    for order, (locality, group) in enumerate(new_provinces):
        rows.append(
            AppendixRow(appendix=appendix, locality=locality, order=order, number=str(order + 1), label=locality.name)
        )
        households = round(sum(old.figures[2025][0] for old in group) * 1.008)
        poor = round(sum(old.figures[2025][1] for old in group) * generator.random.uniform(0.75, 0.92))
        figures.append(
            HouseholdFigure(
                plan=plan, locality=locality, year=2026, kind="target", households=households, poor_households=poor
            )
        )
    _bulk(AppendixRow, rows, generator.report)
    _bulk(HouseholdFigure, figures, generator.report)
