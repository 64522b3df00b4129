"""The API's lineage: a unit's series across the reform (own or derived, from which units with which shares,
complete, comparable) computed by the same code as the locality page, and the successions of units with their
shares."""

import datetime
from decimal import Decimal

import pytest

from analysis.lineage import Series
from localities.models import Locality, LocalityKind, LocalitySuccession, SuccessionKind
from workflow.permissions import visible_plans

from .factories import make_household_plan

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)


def unit(client, slug) -> dict:
    response = client.get(f"/api/v1/localities/{slug}", HTTP_ACCEPT_ENCODING="identity")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def point(series, year, kind) -> dict:
    return next(p for p in series if p["year"] == year and p["kind"] == kind)


def test_thanh_pho_hue_carries_thua_thien_hue_s_2023_figures_as_derived_whole_and_comparable(client):
    hue_2023 = point(unit(client, "hue")["series"], 2023, "result")
    assert hue_2023["provenance"] == "derived" and hue_2023["method"] == "upgrade"
    assert hue_2023["derived_from"] == ["thua-thien-hue"]
    assert [(s["unit"], s["share_percent"]) for s in hue_2023["sources"]] == [("thua-thien-hue", 100.0)]
    assert hue_2023["poor_households"] == 7540
    assert hue_2023["published_rate"] == 2.27  # carried as published: the household total is not published
    assert hue_2023["complete"] and hue_2023["comparable"] and hue_2023["missing"] == []


def test_the_new_hung_yen_in_2023_is_incomplete_naming_thai_binh_and_gives_only_a_partial_sum(client):
    hung_yen_2023 = point(unit(client, "hung-yen-2025")["series"], 2023, "target")
    assert hung_yen_2023["provenance"] == "derived" and hung_yen_2023["method"] == "merge"
    assert not hung_yen_2023["complete"] and not hung_yen_2023["comparable"]
    assert [(m["unit"], m["name"]) for m in hung_yen_2023["missing"]] == [("thai-binh", "Tỉnh Thái Bình")]
    assert hung_yen_2023["derived_from"] == ["hung-yen"]
    assert hung_yen_2023["households"] is None and hung_yen_2023["poor_households"] is None  # never as the total
    assert hung_yen_2023["partial_households"] > 0 and hung_yen_2023["partial_poor_households"] > 0
    assert hung_yen_2023["computed_rate"] is None


def test_the_api_s_derived_points_are_the_locality_page_s_points(client):
    """One computation of a unit's series across the reform: the API gives what the page shows."""
    for slug in ("hue", "hung-yen-2025"):
        page = [p for p in Series(Locality.objects.get(slug=slug), plans=visible_plans(None)).points() if p.derived]
        api = [p for p in unit(client, slug)["series"] if p["provenance"] == "derived"]
        assert [(p.year, p.kind, p.households, p.poor_households, p.complete, p.comparable) for p in page] == [
            (p["year"], p["kind"], p["households"], p["poor_households"], p["complete"], p["comparable"]) for p in api
        ]


def _split(share_a):
    """Two districts with 2024 results; from 01/07/2025 the first is split into two wards (share_a % to the first
    ward, the rest to the second; None: shares not recorded) and the second merged wholly into the second ward."""
    plan = make_household_plan(districts=2, years=(2024, 2025), slug="api-tach-2024")
    first, second = [row.locality for row in plan.appendices.get().rows.filter(is_total=False).order_by("order")]
    Locality.objects.filter(pk__in=[first.pk, second.pk]).update(valid_to=datetime.date(2025, 6, 30))
    ward_a, ward_b = (
        Locality.objects.create(kind=LocalityKind.WARD, name=name, slug=slug, parent=plan.province, valid_from=REFORM)
        for name, slug in (("Phường A", "api-phuong-a"), ("Phường B", "api-phuong-b"))
    )
    shares = (None, None) if share_a is None else (Decimal(share_a), Decimal(100 - share_a))
    for successor, share in zip((ward_a, ward_b), shares, strict=True):
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
    return first, second


def test_a_ward_gets_its_share_of_a_split_district_in_whole_households_with_the_share_named(client):
    first, second = _split(60)
    # District 1: 10.000 households, 500 poor in 2024; district 2: 10.100 and 501 (tests/factories.py).
    ward_a = point(unit(client, "api-phuong-a")["series"], 2024, "result")
    assert (ward_a["households"], ward_a["poor_households"], ward_a["computed_rate"]) == (6000, 300, 5.0)
    assert [(s["unit"], s["share_percent"]) for s in ward_a["sources"]] == [(first.slug, 60.0)]
    assert ward_a["method"] == "split" and ward_a["complete"] and ward_a["comparable"]
    ward_b = point(unit(client, "api-phuong-b")["series"], 2024, "result")
    assert (ward_b["households"], ward_b["poor_households"]) == (4000 + 10100, 200 + 501)
    assert ward_b["computed_rate"] == 4.97  # 701 / 14.100, recomputed, never averaged
    assert ward_b["method"] == "merge+split"
    assert {s["unit"]: s["share_percent"] for s in ward_b["sources"]} == {first.slug: 40.0, second.slug: 100.0}


def test_a_split_without_recorded_shares_is_not_comparable_and_gives_no_counts(client):
    first, _second = _split(None)
    ward_a = point(unit(client, "api-phuong-a")["series"], 2024, "result")
    assert ward_a["provenance"] == "derived" and not ward_a["comparable"]
    assert ward_a["households"] is None and ward_a["poor_households"] is None
    assert [(s["unit"], s["share_percent"]) for s in ward_a["sources"]] == [(first.slug, None)]
    successions = unit(client, first.slug)["successors"]
    assert {s["unit"]["slug"]: s["share_percent"] for s in successions} == {"api-phuong-a": None, "api-phuong-b": None}


def test_a_unit_s_successions_give_their_kind_and_share_of_households(client):
    first, _second = _split(60)
    successors = {s["unit"]["slug"]: (s["kind"], s["share_percent"]) for s in unit(client, first.slug)["successors"]}
    assert successors == {"api-phuong-a": ("split", 60.0), "api-phuong-b": ("split", 40.0)}
    merged = unit(client, "hung-yen-2025")["predecessors"]
    assert {p["unit"]["slug"]: (p["kind"], p["share_percent"]) for p in merged} == {
        "hung-yen": ("merge", 100.0),
        "thai-binh": ("merge", 100.0),
    }


@pytest.mark.parametrize("slug", ["hue", "hung-yen-2025", "thua-thien-hue"])
def test_a_unit_with_its_derived_series_reads_in_at_most_10_queries(client, slug, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        unit(client, slug)
