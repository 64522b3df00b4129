"""The demo country on the map of 01/07/2025: 34-province shape, communes directly under their province, successions
that carry every household, and the two new pages within the query bounds of the others."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis.lineage import Series, table_on_units_of
from localities.models import Level, Locality
from plan_tables.household import household_table
from plans.models import Plan
from seeding.demo_data import NATIONAL_COMMUNE_PLAN_SLUG, DemoSize, generate_demo_data
from seeding.demo_two_level import TWO_LEVEL_PLAN_SLUG

pytestmark = pytest.mark.django_db

SMALL = DemoSize(provinces=6, scale=0.3, two_level=True)
TODAY = datetime.date(2026, 1, 1)


@pytest.fixture
def two_level():
    generate_demo_data(SMALL)


def new_provinces():
    return Locality.objects.filter(slug__startswith="demo-2025-", level=Level.PROVINCE)


def test_the_two_level_country_has_its_provinces_with_communes_directly_under_them(two_level):
    assert new_provinces().count() == round(6 * 34 / 63)
    communes = Locality.objects.filter(slug__startswith="demo-2025-", level=Level.COMMUNE)
    assert communes.exists() and not communes.exclude(parent__level=Level.PROVINCE).exists()
    assert not Locality.objects.filter(slug__startswith="demo-", level=Level.DISTRICT, valid_to__isnull=True).exists()


def test_the_old_communes_table_carried_onto_today_s_communes_keeps_every_household(two_level):
    table = household_table(
        Plan.objects.get(slug=NATIONAL_COMMUNE_PLAN_SLUG).appendices.get(code="01"), with_figures=False
    )
    today = table_on_units_of(table, TODAY)
    column = next(c for c in table.columns if c.field == "households" and c.year == 2025)
    poor = next(c for c in table.columns if c.field == "poor_households" and c.year == 2025)
    communes = [row for row in today.rows if row.unit.level == Level.COMMUNE]
    assert sum(row.cells[column.index] for row in communes) == sum(row.cells[column.index] for row in table.rows)
    assert sum(row.cells[poor.index] for row in communes) == sum(row.cells[poor.index] for row in table.rows)


def test_a_merged_province_s_series_sums_its_predecessors_and_ends_with_its_own_2026_target(two_level):
    merged = next(p for p in new_provinces() if p.predecessions.count() == 2)
    points = {(p.year, p.kind): p for p in Series(merged, plans=Plan.objects.all()).points()}
    olds = [s.predecessor for s in merged.predecessions.all()]
    old_figures = [o.household_figures.get(year=2024, plan__slug__endswith="2021-2025") for o in olds]
    assert points[2024, "target"].derived
    assert points[2024, "target"].households == sum(f.households for f in old_figures)
    assert not points[2026, "target"].derived
    assert Plan.objects.filter(slug=TWO_LEVEL_PLAN_SLUG).exists()


def test_the_new_pages_rendered_afresh_stay_within_ten_queries_and_the_cached_page_costs_fewer(two_level, client):
    """The bound is on the rendering: each page is counted with the page cache emptied (kernel.page_cache), so that
    it measures the reads and the template, not a lookup of a kept page; the kept page, served next, costs less."""
    merged = next(p for p in new_provinces() if p.predecessions.count() == 2)
    for url in (
        reverse("reports:locality", args=[merged.slug]),
        reverse("reports:districts_today", args=[NATIONAL_COMMUNE_PLAN_SLUG]),
    ):
        client.get(url)  # the session, the language, the per-process caches of the standards: as in use
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as rendered:
            response = client.get(url)
        assert response.status_code == 200 and response["X-Page-Cache"] == "miss", url
        assert len(rendered) <= 10, (url, [query["sql"] for query in rendered.captured_queries])
        with CaptureQueriesContext(connection) as cached:
            response = client.get(url)
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit", url
        assert len(cached) < len(rendered), url
