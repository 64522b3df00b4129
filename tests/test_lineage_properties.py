"""The rules of lineage as properties: re-aggregation conserves households and poor households across any
merge/split graph, and a derived rate is always recomputed from the counts, never averaged."""

import datetime
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.lineage import Series, _carry
from kernel.numbers import compute_rate
from localities.lineage import Edge, Lineage, apportion

REFORM = datetime.date(2025, 7, 1)


@st.composite
def merge_split_graphs(draw, levels=1):
    """Old units with households and poor households, each passing to one or more new units with shares that add up
    to 100 % (a split) or wholly (a merge or rename); `levels` > 1 chains reforms (old → middle → new)."""
    households = {}
    next_id = 1
    layer = []
    for _ in range(draw(st.integers(1, 6))):
        total = draw(st.integers(0, 50_000))
        households[next_id] = (total, draw(st.integers(0, total)))
        layer.append(next_id)
        next_id += 1
    old = list(layer)
    edges = []
    for _level in range(levels):
        new = list(range(next_id, next_id + draw(st.integers(1, 5))))
        next_id += len(new)
        for unit in layer:
            successors = draw(st.lists(st.sampled_from(new), min_size=1, max_size=len(new), unique=True))
            if len(successors) == 1:
                edges.append(Edge(unit, successors[0], "merge", Fraction(1), REFORM))
                continue
            cuts = sorted(
                draw(st.lists(st.integers(1, 99), min_size=len(successors) - 1, max_size=len(successors) - 1))
            )
            bounds = [0, *cuts, 100]
            shares = [bounds[i + 1] - bounds[i] for i in range(len(successors))]
            for successor, share in zip(successors, shares, strict=True):
                if share:
                    edges.append(Edge(unit, successor, "split", Fraction(share, 100), REFORM))
        layer = new
    return households, old, layer, edges


def _totals_conserved(households, old, new, edges):
    lineage = Lineage(edges)
    carried = {unit: [0, 0] for unit in new}
    for unit in old:
        counts = list(households[unit])
        for target, (parts, _share, _unknown) in _carry(lineage, unit, lambda u: u in new, counts).items():
            carried[target][0] += parts[0]
            carried[target][1] += parts[1]
    return (
        sum(h for h, _p in (households[u] for u in old)),
        sum(p for _h, p in (households[u] for u in old)),
        sum(c[0] for c in carried.values()),
        sum(c[1] for c in carried.values()),
    )


@given(merge_split_graphs())
@settings(max_examples=200, deadline=None)
def test_carrying_old_units_onto_new_ones_conserves_households_and_poor_households(graph):
    households, old, new, edges = graph
    old_households, old_poor, new_households, new_poor = _totals_conserved(households, old, new, edges)
    assert (new_households, new_poor) == (old_households, old_poor)


@given(merge_split_graphs(levels=2))
@settings(max_examples=100, deadline=None)
def test_conservation_holds_across_two_successive_reforms(graph):
    households, old, new, edges = graph
    old_households, old_poor, new_households, new_poor = _totals_conserved(households, old, new, edges)
    assert (new_households, new_poor) == (old_households, old_poor)


@given(st.integers(0, 10**7), st.lists(st.integers(1, 100), min_size=1, max_size=8))
def test_apportioned_parts_are_whole_households_adding_up_to_the_count_when_shares_make_100(count, weights):
    total = sum(weights)
    edges = [Edge(1, 10 + i, "split", Fraction(w, total), REFORM) for i, w in enumerate(weights)]
    parts = apportion(count, edges)
    assert sum(parts.values()) == count
    for edge in edges:
        assert abs(parts[edge.successor_id] - count * edge.share) < 1


def _series(households, old, new_unit, edges):
    units = {
        unit: SimpleNamespace(pk=unit, name=f"Đơn vị {unit}", slug=f"don-vi-{unit}", valid_from=None)
        for unit in {*old, new_unit}
    }
    units[new_unit].valid_from = REFORM
    figures = {
        (unit, 2024, "result"): (h, p, compute_rate(p, h), "nd07_2021", "Kế hoạch", "1", "KH-UBND")
        for unit, (h, p) in households.items()
        if unit in old
    }
    return Series.from_data(units[new_unit], lineage=Lineage(edges), units=units, figures=figures)


@given(merge_split_graphs())
@settings(max_examples=150, deadline=None)
def test_a_derived_rate_is_recomputed_from_the_derived_counts_never_averaged(graph):
    households, old, new, edges = graph
    for new_unit in new:
        if not any(edge.successor_id == new_unit for edge in edges):
            continue
        point = _series(households, old, new_unit, edges).points([2024])[0]
        assert point.derived
        assert point.rate == compute_rate(point.poor_households, point.households)


def test_a_merge_lacking_one_predecessors_figure_is_incomplete_and_shows_no_total():
    households = {1: (1000, 50), 2: (2000, 10)}
    edges = [Edge(1, 3, "merge", Fraction(1), REFORM), Edge(2, 3, "merge", Fraction(1), REFORM)]
    units = {u: SimpleNamespace(pk=u, name=f"Tỉnh {u}", slug=f"tinh-{u}", valid_from=None) for u in (1, 2, 3)}
    units[3].valid_from = REFORM
    figures = {(1, 2023, "result"): (1000, 50, Decimal("5.00"), "nd07_2021", "Kế hoạch", "1", "KH-UBND")}
    (point,) = Series.from_data(units[3], lineage=Lineage(edges), units=units, figures=figures).points([2023])
    assert not point.complete and [m.name for m in point.missing] == ["Tỉnh 2"]
    assert point.households is None and point.rate is None
    assert point.partial_households == 1000
    assert households  # the figures of unit 2 exist in the world, not in the database: that is the point


def test_a_split_without_a_share_is_marked_not_comparable():
    edges = [Edge(1, 2, "split", None, REFORM), Edge(1, 3, "split", Fraction(1, 2), REFORM)]
    units = {u: SimpleNamespace(pk=u, name=f"Xã {u}", slug=f"xa-{u}", valid_from=REFORM) for u in (1, 2, 3)}
    units[1].valid_from = None
    figures = {(1, 2024, "result"): (1000, 100, Decimal("10.00"), "nd07_2021", "Kế hoạch", "1", "KH-UBND")}
    (point,) = Series.from_data(units[2], lineage=Lineage(edges), units=units, figures=figures).points([2024])
    assert point.share_unknown and not point.comparable
    (known,) = Series.from_data(units[3], lineage=Lineage(edges), units=units, figures=figures).points([2024])
    assert known.comparable and known.households == 500 and known.poor_households == 50


def test_predecessors_measured_under_two_standards_are_not_comparable():
    edges = [Edge(1, 3, "merge", Fraction(1), REFORM), Edge(2, 3, "merge", Fraction(1), REFORM)]
    units = {u: SimpleNamespace(pk=u, name=f"Tỉnh {u}", slug=f"tinh-{u}", valid_from=None) for u in (1, 2, 3)}
    units[3].valid_from = REFORM
    figures = {
        (1, 2025, "target"): (1000, 50, None, "nd07_2021", "Kế hoạch", "1", "KH-UBND"),
        (2, 2025, "target"): (1000, 40, None, "nd351_2025", "Kế hoạch", "2", "KH-UBND"),
    }
    (point,) = Series.from_data(units[3], lineage=Lineage(edges), units=units, figures=figures).points([2025])
    assert point.complete and not point.comparable
    assert point.households == 2000 and point.rate == Decimal("4.50")
