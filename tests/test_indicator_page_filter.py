"""Issue 14, points 1 and 6: the indicator page filters by dimension (checkboxes kept in the URL) and prints the
filtered table on its own; a value's own wording is written under it, not left to a tooltip."""

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue
from plan_tables.selectors import indicator_table

from .factories import make_indicator_plan
from .helpers_a_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return make_indicator_plan(dimensions=3, indicators_per_dimension=1)


def page(client, plan, **params):
    response = client.get(reverse("reports:indicators", args=[plan.slug]), params)
    assert response.status_code == 200
    return parse(response.content.decode())


def dimension_rows(document) -> list[str]:
    return [row.text for row in document.find_all("th", class_="dimension-heading")]


def test_the_dimension_filter_is_checkboxes_whose_choice_is_kept_in_the_url(client, plan):
    dimensions = [group.dimension for group in _groups(plan)]
    document = page(client, plan)
    boxes = document.find("div", class_="toolbar").find("form").find_all("input", type="checkbox")
    assert [box["value"] for box in boxes] == [d.code for d in dimensions]
    assert dimension_rows(document) == [d.name for d in dimensions]
    chosen = page(client, plan, dimension=[dimensions[0].code, dimensions[2].code])
    assert dimension_rows(chosen) == [dimensions[0].name, dimensions[2].name]
    ticked = [
        box["value"]
        for box in chosen.find("div", class_="toolbar").find("form").find_all("input", type="checkbox")
        if "checked" in box.attrs
    ]
    assert ticked == [dimensions[0].code, dimensions[2].code]


def test_an_unknown_dimension_in_the_url_is_ignored_and_every_dimension_shown(client, plan):
    assert len(dimension_rows(page(client, plan, dimension="khong-co"))) == 3


def test_the_filtered_indicator_table_prints_on_its_own(client, plan):
    """Everything but the title and the table is left out of the printed page (print.css hides .no-print, forms
    and toolbars); what the table shows is named in the printed text."""
    first = _groups(plan)[0].dimension
    document = page(client, plan, dimension=first.code)
    toolbar = document.find("div", class_="toolbar")
    assert "no-print" in toolbar["class"].split() and toolbar.find("form")
    note = [p for p in document.find_all("p", class_="muted")]
    assert note and all("no-print" in p["class"].split() for p in note)
    assert document.find("p", class_="filter-summary").text.endswith(first.name)
    assert "print-wide" in document.find("body")["class"].split()  # a baseline and three targets: landscape


def test_a_value_worded_otherwise_in_the_document_has_its_wording_written_under_it(client, plan):
    value = IndicatorValue.objects.filter(plan_indicator__plan=plan, kind="target").order_by("pk").first()
    IndicatorValue.objects.filter(pk=value.pk).update(value_as_written="giảm từ 3% trở lên")
    document = page(client, plan)
    explanations = [span.text for span in document.find_all("span", class_="explain")]
    assert explanations == ["giảm từ 3% trở lên"]
    assert not [td for td in document.find_all("td") if "title" in td.attrs]


def _groups(plan):
    return indicator_table(plan).groups
