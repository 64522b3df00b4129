"""The plan page's longest loops are built in Python (reports/markup.py): each link, text and figure as the
document's templates wrote them, and the plan's text statement (reports/plan_text.py) kept for every plan."""

import pytest
from django.urls import reverse

from plan_tables.household import household_table
from plans.models import Plan
from reports import selectors
from reports.plan_text import read_plan_text

from .helpers_a_html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

TTH, HY = "thua-thien-hue-2024", "hung-yen-2023-2025"


def plan_page(client, slug: str):
    return parse(client.get(reverse("reports:plan", args=[slug])).content.decode())


def test_each_agencys_duties_link_its_page_and_name_the_projects_it_leads(client):
    plan = Plan.objects.get(slug=TTH)
    page = plan_page(client, TTH)
    blocks = page.find_all("div", class_="responsibility")
    responsibilities = list(selectors.responsibilities(plan))
    assert [block["id"] for block in blocks] == [f"agency-{r.agency.slug}" for r in responsibilities]
    for block, responsibility in zip(blocks, responsibilities, strict=True):
        link = block.find("a")
        assert link["href"] == responsibility.agency.get_absolute_url()
        assert link.text == responsibility.heading
        duties = list(responsibility.duties.all())
        if len(duties) > 1 or duties[0].marker:
            assert [p.text.split(" chủ trì ")[0] for p in block.find_all("p", class_="duty")] == [
                (f"{d.marker}) " if d.marker and d.marker != "-" else "- " if d.marker else "") + d.text for d in duties
            ]
    badges = page.find_all("span", class_="led-project")
    assert len(badges) == 7 and all(badge.text.startswith("chủ trì DA") for badge in badges)


def test_a_household_appendix_links_each_locality_and_writes_its_figures_the_vietnamese_way(client):
    plan = Plan.objects.get(slug=TTH)
    table = household_table(plan.appendices.get(kind="household_figures"), with_figures=False)
    section = plan_page(client, TTH).find("section", id=f"appendix-{table.appendix.code}")
    rows = section.find("tbody").find_all("tr")
    assert len(rows) == len(table.published_order)
    for element, row in zip(rows, table.published_order, strict=True):
        links = element.find_all("a")
        if row.is_total:
            assert element.get("class") == "total" and not links
        else:
            assert [a["href"] for a in links] == [reverse("reports:locality", args=[row.locality_slug])]
    assert "3.485" in section.text and "24,40" in section.text


def test_an_indicator_appendix_writes_each_value_as_the_document_printed_it(client):
    plan = Plan.objects.get(slug=HY)
    appendix = plan.appendices.get(code="02")
    section = plan_page(client, HY).find("section", id="appendix-02")
    rows = section.find("tbody").find_all("tr")
    assert len(rows) == plan.indicators.filter(appendix=appendix).count()
    headers = [th.text for th in section.find("thead").find_all("th")]
    assert headers == [appendix.number_header, appendix.label_header, *(c["header"] for c in appendix.columns)]


def test_the_kept_text_statement_reads_each_plan_its_own_text():
    first, second = Plan.objects.get(slug=HY), Plan.objects.get(slug=TTH)
    read_plan_text(first)  # the statement compiled with one plan's id, then run with the other's
    parts = read_plan_text(second)
    assert parts.sections and {s.plan_id for s in parts.sections} == {second.pk}
    assert [s.pk for s in parts.sections] == list(second.sections.order_by("order").values_list("pk", flat=True))
    assert {r.plan_id for r in parts.responsibilities} == {second.pk}
    assert [s.pk for s in read_plan_text(first).sections] == list(
        first.sections.order_by("order").values_list("pk", flat=True)
    )
