"""Lineage: which units a unit came from, and onto which of today's units an old one went — with the shares of
households that moved. Pure graph work over succession records read once; the figures are carried elsewhere
(analysis.lineage), so this module knows nothing of plans.

Counts are apportioned with the largest-remainder method, per predecessor over all of its successors: the parts of a
predecessor's households add up to exactly its households whenever its shares add up to 100 %, so re-aggregation
conserves households and poor households across any merge/split graph.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .models import Locality, LocalitySuccession, SuccessionKind


class Edge(NamedTuple):
    """A succession as the graph walks it. A named tuple: a national graph has 14.000 of them, and a frozen dataclass
    took four times as long to build."""

    predecessor_id: int
    successor_id: int
    kind: str
    share: Fraction | None  # of the predecessor's households; None: unknown (a split without a share)
    effective_date: datetime.date


WHOLE = Fraction(1)


def edge_share(kind: str, share_percent: Decimal | None) -> Fraction | None:
    if share_percent is not None:
        return WHOLE if share_percent == 100 else Fraction(share_percent) / 100
    return None if kind == SuccessionKind.SPLIT else WHOLE


class Lineage:
    """The succession graph (all of it, or the part reachable from some units), read in a fixed number of queries."""

    def __init__(self, edges: list[Edge]):
        self.edges = edges
        self.successors: dict[int, list[Edge]] = defaultdict(list)
        self.predecessors: dict[int, list[Edge]] = defaultdict(list)
        self._apportioned: dict[tuple[int, int], dict[int, int]] = {}
        for edge in edges:
            self.successors[edge.predecessor_id].append(edge)
            self.predecessors[edge.successor_id].append(edge)

    @classmethod
    def load(cls, queryset=None) -> "Lineage":
        """Every succession: one query (a national table needs the whole graph; 11.000 rows are read in well under
        a second)."""
        rows = (queryset if queryset is not None else LocalitySuccession.objects.all()).values_list(
            "predecessor_id", "successor_id", "kind", "share_percent", "effective_date"
        )
        return cls([Edge(p, s, kind, edge_share(kind, share), date) for p, s, kind, share, date in rows.order_by()])

    @classmethod
    def around(cls, unit_ids) -> "Lineage":
        """The part of the graph connected to these units, one query per generation (the reforms are few deep)."""
        seen, frontier, edges = set(unit_ids), set(unit_ids), {}
        while frontier:
            found = LocalitySuccession.objects.filter(predecessor_id__in=frontier) | LocalitySuccession.objects.filter(
                successor_id__in=frontier
            )
            rows = found.values_list("pk", "predecessor_id", "successor_id", "kind", "share_percent", "effective_date")
            frontier = set()
            for pk, p, s, kind, share, date in rows.order_by():
                if pk not in edges:
                    edges[pk] = Edge(p, s, kind, edge_share(kind, share), date)
                for unit in (p, s):
                    if unit not in seen:
                        seen.add(unit)
                        frontier.add(unit)
        return cls(list(edges.values()))

    def ancestors(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            for edge in self.predecessors.get(stack.pop(), []):
                if edge.predecessor_id not in found:
                    found.add(edge.predecessor_id)
                    stack.append(edge.predecessor_id)
        return found

    def descendants(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            for edge in self.successors.get(stack.pop(), []):
                if edge.successor_id not in found:
                    found.add(edge.successor_id)
                    stack.append(edge.successor_id)
        return found

    def part(self, count: int | None, edge: Edge) -> int | None:
        """The part of a predecessor's count that went to the edge's successor (largest remainder over all of the
        predecessor's successors of known share). None where the count or the share is unknown."""
        if count is None or edge.share is None:
            return None
        if edge.share == 1:
            return count
        key = (edge.predecessor_id, count)  # each of a split's successors asks for the same apportionment
        if key not in self._apportioned:
            self._apportioned[key] = apportion(count, self.successors[edge.predecessor_id])
        return self._apportioned[key][edge.successor_id]

    def onto(self, unit_id: int, is_current) -> tuple[dict[int, Fraction | None], bool]:
        """Where a unit's households went: {current unit id: share (None: unknown)} following successions until
        `is_current(unit_id)` holds, and whether every path ended on a current unit (False: some went nowhere known)."""
        result: dict[int, Fraction | None] = {}
        complete = True
        stack: list[tuple[int, Fraction | None, frozenset]] = [(unit_id, Fraction(1), frozenset())]
        while stack:
            current, share, path = stack.pop()
            if is_current(current):
                if current in result:
                    result[current] = None if share is None or result[current] is None else result[current] + share
                else:
                    result[current] = share
                continue
            edges = self.successors.get(current, [])
            if not edges or current in path:
                complete = False
                continue
            for edge in edges:
                next_share = None if share is None or edge.share is None else share * edge.share
                stack.append((edge.successor_id, next_share, path | {current}))
        return result, complete


def apportion(count: int, edges: list[Edge]) -> dict[int, int]:
    """A count shared among successors by their shares, in whole households (largest remainder; ties by successor
    id, so the result does not depend on the order the records were read in). Shares adding up to less than 100 %
    leave the rest with nobody (abolished, or gone to a unit not recorded)."""
    known = [edge for edge in edges if edge.share is not None]
    exact = {edge.successor_id: count * edge.share for edge in known}
    floors = {unit: int(value) for unit, value in exact.items()}
    target = int(count * sum((edge.share for edge in known), Fraction(0)))  # whole households to hand out
    remaining = target - sum(floors.values())
    by_remainder = sorted(exact, key=lambda unit: (-(exact[unit] - floors[unit]), unit))
    for unit in by_remainder[: max(remaining, 0)]:
        floors[unit] += 1
    return floors


# What a lineage computation reads of each unit: a national table meets 14.000 of them, and whole rows took a third of
# the "on today's units" page (docs/performance.md). Another field read later costs a query per unit: add it here.
LINEAGE_UNIT_FIELDS = ("id", "name", "slug", "kind", "level", "parent_id", "valid_from", "valid_to")


class UnitDates(NamedTuple):
    """What the walk over a national graph needs of a unit, read as plain values (no model instance)."""

    name: str
    slug: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


# Above this many units the whole catalogue is read instead: a national table meets most of it, and an IN list of
# 14.000 parameters cost more than the rows it saved (docs/performance.md).
_WHOLE_CATALOGUE_FROM = 2000


def unit_dates(unit_ids) -> dict[int, UnitDates]:
    wanted = set(unit_ids)
    rows = Locality.objects.order_by()
    if len(wanted) <= _WHOLE_CATALOGUE_FROM:
        rows = rows.filter(pk__in=wanted)
    values = rows.values_list("pk", "name", "slug", "valid_from", "valid_to")
    return {pk: UnitDates(*rest) for pk, *rest in values if pk in wanted}


def names(unit_ids, *, light: bool = False) -> dict[int, Locality]:
    """The units by id; `light` reads only LINEAGE_UNIT_FIELDS (the national table on today's units)."""
    query = Locality.objects.filter(pk__in=set(unit_ids)).order_by()
    if light:
        query = query.only(*LINEAGE_UNIT_FIELDS)
    return {unit.pk: unit for unit in query}
