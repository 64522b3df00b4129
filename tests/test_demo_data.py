"""The demo-data generator (`manage.py generate_demo_data`) and the query counts of the pages at two sizes.

Speed is shown by `make bench`, not asserted here: these tests check what the generator creates and that the
number of queries of a page does not grow with the number of rows.
"""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis.quality import TOTAL_IS_SUM, check_plan
from kernel.numbers import compute_rate
from localities.models import Locality
from plans.models import AppendixRow, HouseholdFigure, Plan
from seeding.demo_data import (
    NATIONAL_COMMUNE_PLAN_SLUG,
    NATIONAL_PLAN_SLUG,
    NATIONAL_SLUG,
    DemoDataExists,
    DemoSize,
    generate_demo_data,
    remove_demo_data,
)

pytestmark = pytest.mark.django_db

SMALL = DemoSize(provinces=2, scale=0.2)
LARGER = DemoSize(provinces=4, scale=0.5)
SEED_PLANS = ("hung-yen-2023-2025", "thua-thien-hue-2024")


def seed_snapshot() -> list:
    """Every figure of the seed plans, as stored."""
    return list(
        HouseholdFigure.objects.filter(plan__slug__in=SEED_PLANS)
        .order_by("pk")
        .values_list("pk", "plan__slug", "locality_id", "year", "kind", "households", "poor_households")
    )


def demo_snapshot() -> list:
    return list(
        HouseholdFigure.objects.filter(plan__slug__startswith="demo-")
        .order_by("plan__slug", "locality__slug", "year", "kind")
        .values_list("plan__slug", "locality__slug", "year", "kind", "households", "poor_households", "published_rate")
    )


def test_generator_creates_the_provinces_districts_communes_and_one_plan_each():
    generate_demo_data(DemoSize(provinces=3, scale=0.3))
    demo = Locality.objects.filter(slug__startswith="demo-")
    provinces = demo.filter(level=1).exclude(slug=NATIONAL_SLUG)
    assert provinces.count() == 3
    districts, communes = demo.filter(level=2), demo.filter(level=3)
    assert 3 * 2 <= districts.count() <= 3 * 5  # 8–15 per province at scale 1, so 2–4 (rounded) at 0,3
    assert all(d.parent.level == 1 for d in districts) and all(c.parent.level == 2 for c in communes)
    assert communes.count() >= districts.count() * 3
    plans = Plan.objects.filter(slug__startswith="demo-")
    assert plans.count() == 3 + 2  # one per province, and the national district and commune tables
    for province in provinces:
        plan = province.plans.get()
        appendix = plan.appendices.get(code="01")
        rows = appendix.rows.all()
        assert {row.locality_id for row in rows if not row.is_total} == set(
            province.children.values_list("pk", flat=True)
        )
        assert plan.indicators.count() == 15
        assert len({pi.indicator.dimension_id for pi in plan.indicators.select_related("indicator")}) == 6
        assert plan.responsibilities.count() and plan.policy_tasks.count() and plan.reporting_obligations.count()
        # Figures 2021–2025 at every level: the province, its districts and its communes.
        units = 1 + province.children.count() + communes.filter(parent__parent=province).count()
        assert HouseholdFigure.objects.filter(plan=plan).count() == units * 5
    national = Plan.objects.get(slug=NATIONAL_PLAN_SLUG)
    assert national.province.slug == NATIONAL_SLUG
    assert AppendixRow.objects.filter(appendix__plan=national, is_total=False).count() == districts.count()
    communes_plan = Plan.objects.get(slug=NATIONAL_COMMUNE_PLAN_SLUG)
    assert AppendixRow.objects.filter(appendix__plan=communes_plan, is_total=False).count() == communes.count()


def test_generated_figures_are_plausible_and_obey_the_models_rules():
    generate_demo_data(SMALL)
    figures = HouseholdFigure.objects.filter(plan__slug__startswith="demo-").select_related("plan", "locality")
    for figure in figures:
        figure.full_clean()  # every rule of the model, the database's check constraints included
        if figure.locality.level == 3:
            assert 1500 <= figure.households <= 8000  # households per commune in the thousands
        assert Decimal("0.3") <= figure.published_rate <= Decimal("30")
        assert abs(figure.published_rate - compute_rate(figure.poor_households, figure.households)) <= Decimal("0.01")
        assert figure.kind == ("result" if figure.year <= 2022 else "target")
    # Totals are the sums of their rows; rates fall year after year.
    for plan in Plan.objects.filter(slug__startswith="demo-"):
        assert not [finding for finding in check_plan(plan) if finding.rule == TOTAL_IS_SUM]


def test_generator_is_deterministic():
    generate_demo_data(SMALL)
    first = demo_snapshot()
    generate_demo_data(SMALL, replace=True)
    assert demo_snapshot() == first
    generate_demo_data(DemoSize(provinces=2, scale=0.2, seed=7), replace=True)
    assert demo_snapshot() != first


def test_generator_never_touches_the_seed_plans():
    before = seed_snapshot()
    seed_localities = set(Locality.objects.exclude(slug__startswith="demo-").values_list("pk", "slug"))
    generate_demo_data(SMALL)
    generate_demo_data(SMALL, replace=True)
    assert seed_snapshot() == before
    remove_demo_data()
    assert seed_snapshot() == before
    assert set(Locality.objects.values_list("pk", "slug")) == seed_localities
    assert not Plan.objects.filter(slug__startswith="demo-").exists()


def test_generator_refuses_existing_demo_data_unless_replacing():
    generate_demo_data(SMALL)
    count = HouseholdFigure.objects.count()
    with pytest.raises(DemoDataExists):
        generate_demo_data(SMALL)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_demo_data", "--provinces", "2", "--scale", "0.2")
    assert HouseholdFigure.objects.count() == count
    call_command("generate_demo_data", "--provinces", "2", "--scale", "0.2", "--replace", stdout=_Null())
    assert HouseholdFigure.objects.count() == count


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


# --- query counts: the same at two sizes ---------------------------------------------------------------


def province_plan() -> Plan:
    return Plan.objects.filter(slug__startswith="demo-").exclude(slug__startswith="demo-toan-quoc").order_by("slug")[0]


def page_urls() -> dict[str, str]:
    plan = province_plan().slug
    return {
        "plan": reverse("reports:plan", args=[plan]),
        "districts": reverse("reports:districts", args=[plan]),
        "indicators": reverse("reports:indicators", args=[plan]),
        "tasks": reverse("reports:tasks", args=[plan]),
        "quality": reverse("reports:quality", args=[plan]),
        "results": reverse("reports:results", args=[plan]),
        "export": reverse("spreadsheets:export_appendix", args=[plan, "01"]),
        "national districts": reverse("reports:districts", args=[NATIONAL_PLAN_SLUG]),
        "national export": reverse("spreadsheets:export_appendix", args=[NATIONAL_PLAN_SLUG, "01"]),
        "national quality": reverse("reports:quality", args=[NATIONAL_PLAN_SLUG]),
    }


def query_counts(client) -> dict[str, int]:
    counts = {}
    for name, url in page_urls().items():
        client.get(url)  # warm: the first request of a test may load the session and the translations
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


def test_pages_make_as_many_queries_for_a_larger_country(client):
    generate_demo_data(SMALL)
    small = query_counts(client)
    small_rows = AppendixRow.objects.filter(appendix__plan__slug=NATIONAL_PLAN_SLUG).count()
    generate_demo_data(LARGER, replace=True)
    larger = query_counts(client)
    assert AppendixRow.objects.filter(appendix__plan__slug=NATIONAL_PLAN_SLUG).count() > 3 * small_rows
    assert larger == small


def test_every_page_of_a_national_dataset_stays_within_ten_queries(client, django_assert_max_num_queries):
    """Pages, exports and the data-quality page; the plan page as it is viewed once its text is cached (its first
    view after a change to the text reads the text too: tests/test_pages.py bounds that one)."""
    generate_demo_data(LARGER)
    for name, url in page_urls().items():
        client.get(url)  # warm: the session, the translations, the plan's text
        with django_assert_max_num_queries(10, info=name):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
