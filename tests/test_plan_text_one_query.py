"""The plan's text is read in one query (reports/plan_text.py) and is exactly what the part-by-part reads give."""

import pytest

from plans.models import Plan
from reports import selectors
from reports.plan_text import read_plan_text

pytestmark = pytest.mark.django_db


def columns(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize("slug", ["hung-yen-2023-2025", "thua-thien-hue-2024"])
def test_the_text_read_in_one_query_is_the_text_read_part_by_part(slug, django_assert_num_queries):
    plan = Plan.objects.get(slug=slug)
    read_plan_text(plan)  # once first: SQLite's JSON support is checked by a query of its own, once per connection
    with django_assert_num_queries(1):
        parts = read_plan_text(plan)
        for responsibility in parts.responsibilities:  # what the templates read: no query more
            for duty in responsibility.duties.all():
                list(duty.led_projects.all())
            assert responsibility.agency.get_absolute_url()
        for task in parts.policy_tasks:
            assert task.lead_agency.get_absolute_url()
    by_parts = list(selectors.responsibilities(plan))
    assert [columns(r) for r in parts.responsibilities] == [columns(r) for r in by_parts]
    for one, other in zip(parts.responsibilities, by_parts, strict=True):
        assert columns(one.agency) == columns(other.agency)
        assert columns(one.agency.province) == columns(other.agency.province)
        assert [columns(d) for d in one.duties.all()] == [columns(d) for d in other.duties.all()]
        for duty, same in zip(one.duties.all(), other.duties.all(), strict=True):
            assert [columns(p) for p in duty.led_projects.all()] == [columns(p) for p in same.led_projects.all()]
    tasks = list(selectors.policy_tasks(plan))
    assert [columns(t) for t in parts.policy_tasks] == [columns(t) for t in tasks]
    assert [columns(t.lead_agency) for t in parts.policy_tasks] == [columns(t.lead_agency) for t in tasks]
    assert [columns(s) for s in parts.sections] == [columns(s) for s in plan.sections.order_by("order")]
    assert [columns(r) for r in parts.recipients] == [columns(r) for r in plan.recipients.order_by("order")]


def test_the_seed_plans_text_includes_the_programme_projects_their_duties_lead():
    parts = read_plan_text(Plan.objects.get(slug="thua-thien-hue-2024"))
    assert sum(len(duty.led_projects.all()) for r in parts.responsibilities for duty in r.duties.all()) == 7
