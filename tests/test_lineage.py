"""Lineage that carries figures: typed successions with shares, a unit's series across the reform on its page, and an
old plan's table on today's units — on the seed provinces and on small graphs built here."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analysis.lineage import table_on_units_of
from localities.models import Locality, LocalityKind, LocalitySuccession, SuccessionKind
from plan_tables.household import household_table

from .factories import DistrictFactory, LocalitySuccessionFactory, make_household_plan

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)


def page(client, slug) -> str:
    return client.get(reverse("reports:locality", args=[slug])).content.decode()


def test_thanh_pho_hue_shows_thua_thien_hue_s_figures_as_derived_from_it(client, english):
    html = page(client, "hue")
    series = html[html.index('id="lineage"') :]
    row_2023 = series[series.index('data-year="2023" data-kind="result"') :].split("</tr>")[0]
    assert "derived" in row_2023 and "Tỉnh Thừa Thiên Huế" in row_2023
    assert "7,540" in row_2023  # the poor households of the whole province, 2023
    assert "2.27" in row_2023  # its published rate, carried whole: the household total is not published
    assert "not comparable" not in row_2023


def test_new_hung_yen_in_2023_is_incomplete_lacking_thai_binh_and_shows_no_total(client, english):
    html = page(client, "hung-yen-2025")
    series = html[html.index('id="lineage"') :]
    row_2023 = series[series.index('data-year="2023" data-kind="target"') :].split("</tr>")[0]
    assert "incomplete" in row_2023 and "Tỉnh Thái Bình" in row_2023
    assert "missing" in row_2023
    assert "partial sum only" in row_2023


def test_the_old_hung_yen_table_on_today_s_units_names_what_is_missing_and_what_ended(client, english):
    html = client.get(reverse("reports:districts_today", args=["hung-yen-2023-2025"])).content.decode()
    assert 'data-locality="hung-yen-2025"' in html
    row = html[html.index('data-locality="hung-yen-2025"') :].split("</tr>")[0]
    assert "incomplete: no total" in row and "Tỉnh Thái Bình" in row
    assert "Ended with no successor recorded" in html and "Huyện Phù Cừ" in html


def _split_plan():
    """A plan of two districts (2024 results) and, from 01/07/2025, the first split 60/40 into two wards and the second
    merged wholly into the second ward."""
    plan = make_household_plan(districts=2, years=(2024, 2025), slug="thu-tach-2024")
    first, second = [row.locality for row in plan.appendices.get().rows.filter(is_total=False).order_by("order")]
    Locality.objects.filter(pk__in=[first.pk, second.pk]).update(valid_to=datetime.date(2025, 6, 30))
    ward_a, ward_b = (
        Locality.objects.create(kind=LocalityKind.WARD, name=name, slug=slug, parent=plan.province, valid_from=REFORM)
        for name, slug in (("Phường A", "thu-phuong-a"), ("Phường B", "thu-phuong-b"))
    )
    for successor, share in ((ward_a, Decimal(60)), (ward_b, Decimal(40))):
        LocalitySuccession.objects.create(
            predecessor=first,
            successor=successor,
            kind=SuccessionKind.SPLIT,
            effective_date=REFORM,
            share_percent=share,
        )
    LocalitySuccession.objects.create(
        predecessor=second, successor=ward_b, kind=SuccessionKind.MERGE, effective_date=REFORM
    )
    return plan, first, second, ward_a, ward_b


def test_a_split_with_shares_carries_whole_households_onto_today_s_units_and_recomputes_rates():
    plan, _first, _second, _ward_a, _ward_b = _split_plan()
    table = household_table(plan.appendices.get(), with_figures=False)
    today = table_on_units_of(table, datetime.date(2026, 1, 1))
    rows = {row.unit.slug: row for row in today.rows}
    households = next(c for c in table.columns if c.field == "households" and c.year == 2024).index
    poor = next(c for c in table.columns if c.field == "poor_households" and c.year == 2024).index
    rate = next(c for c in table.columns if c.field == "poverty_rate" and c.year == 2024).index
    # District 1: 10.000 households, 500 poor; district 2: 10.100 households, 501 poor (tests/factories.py).
    assert rows["thu-phuong-a"].cells[households] == 6000 and rows["thu-phuong-a"].cells[poor] == 300
    assert rows["thu-phuong-b"].cells[households] == 4000 + 10100 and rows["thu-phuong-b"].cells[poor] == 200 + 501
    assert rows["thu-phuong-b"].cells[rate] == Decimal("4.97")  # 701 / 14.100, recomputed, not averaged
    assert all(row.comparable for row in today.rows)


def test_a_ward_s_page_shows_its_share_of_the_split_district_before_it_existed(client, english):
    _plan, first, _second, ward_a, _ward_b = _split_plan()
    html = page(client, ward_a.slug)
    row_2024 = html[html.index('data-year="2024" data-kind="result"') :].split("</tr>")[0]
    assert "derived" in row_2024 and first.name in row_2024 and "60.00%" in row_2024
    assert "6,000" in row_2024 and "300" in row_2024 and "5.00" in row_2024


def test_shares_of_one_unit_adding_up_to_more_than_100_percent_are_refused_in_vietnamese(vietnamese):
    succession = LocalitySuccessionFactory(kind=SuccessionKind.SPLIT, share_percent=Decimal(70))
    other = LocalitySuccession(
        predecessor=succession.predecessor,
        successor=DistrictFactory(parent=succession.predecessor.parent),
        kind=SuccessionKind.SPLIT,
        effective_date=succession.effective_date,
        share_percent=Decimal(40),
    )
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "110" in error.value.message_dict["share_percent"][0]


def test_a_share_above_100_percent_is_refused_by_the_database_too():
    from django.db import IntegrityError, transaction

    succession = LocalitySuccessionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalitySuccession.objects.filter(pk=succession.pk).update(share_percent=Decimal(150))


def test_the_locality_page_of_a_merged_province_reads_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(reverse("reports:locality", args=["hung-yen-2025"]))
