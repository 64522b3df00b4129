"""The editing grids in the browser: who may open them, what a save stores, and what a refused save leaves behind.

Each test loads a grid as a browser would (every input of the form, with the values it shows), changes some
cells and posts it back, so that the hidden versions and "initial-" values travel exactly as they do in use.
The plans are built per test: conftest's `small_plan` (three districts; 2021 results before its period 2022–2023,
like Hưng Yên's table) with its people, and an indicator plan of the same province.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from indicators.models import IndicatorValue, Qualifier
from plans.models import Agency, HouseholdFigure, Plan
from workflow.models import Table
from workflow.permissions import Action
from workflow.services import review_transition

from .factories import (
    AppendixRowFactory,
    HouseholdAppendixFactory,
    HouseholdFigureFactory,
    PlanFactory,
    ProvinceFactory,
    make_household_plan,
    make_indicator_plan,
    make_role_user,
)
from .helpers_b_grids import (
    as_user,
    districts_url,
    form_values,
    indicators_url,
    load,
    post_confirmed,
    prefix,
    snapshot,
    vi,
)
from .helpers_b_html import parse
from .helpers_b_plans import district

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(small_plan):
    """The small plan, its period 2022–2023: the 2021 column holds results from before it."""
    Plan.objects.filter(pk=small_plan.pk).update(first_year=2022)
    small_plan.refresh_from_db()
    return small_plan


@pytest.fixture
def people(plan, small_plan_people):
    return small_plan_people


@pytest.fixture
def official(people):
    return people["official"]


@pytest.fixture
def reviewer(people):
    return people["reviewer"]


@pytest.fixture
def agency_officer(people):
    return people["agency_officer"]


@pytest.fixture
def indicator_plan(plan, people):
    """Four percentage indicators, 2023–2025, of the small plan's province; Sở Y tế (the agency officer's) leads
    the first two, Sở LĐ-TB&XH the others. Targets: 60/62/64 rising, 29/27/25 falling, 64/66/68, 31/29/27; the
    plan looks ahead to 2030."""
    indicators = make_indicator_plan(province=plan.province)
    Plan.objects.filter(pk=indicators.pk).update(orientation_year=2030)  # “định hướng đến năm 2030”
    indicators.refresh_from_db()
    health = Agency.objects.get(province=plan.province, name="Sở Y tế")
    indicators.indicators.filter(order__in=(0, 1)).update(lead_agency=health)
    return indicators


def figure(plan, locality, year=2023, kind="target") -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan=plan, locality=locality, year=year, kind=kind)


def page_text(response) -> str:
    return response.content.decode()


def plan_indicator(plan, order):
    return plan.indicators.get(order=order)


# --- who may open the grids -------------------------------------------------------------------------------


def test_the_grids_answer_for_the_officials_entitled_to_them(
    client, plan, indicator_plan, official, reviewer, agency_officer
):
    response = as_user(client, official).get(districts_url(plan))
    assert f"{prefix(district(plan, 1))}-households" in form_values(page_text(response))
    assert "Chỉ tiêu 2023" in page_text(response) and "10.000" in page_text(response)  # the last year by default
    as_user(client, reviewer)
    assert client.get(districts_url(plan)).status_code == 200
    assert client.get(districts_url(plan), {"year": 2022}).status_code == 200
    assert client.get(districts_url(plan), {"kind": "result", "year": 2021}).status_code == 200
    assert client.get(indicators_url(indicator_plan)).status_code == 200
    assert client.get(indicators_url(indicator_plan), {"kind": "result"}).status_code == 200
    assert as_user(client, agency_officer).get(indicators_url(indicator_plan)).status_code == 200


def test_a_reader_is_refused_with_403(client, plan, indicator_plan, people):
    as_user(client, people["reader"])
    assert client.get(districts_url(plan)).status_code == 403
    assert client.get(indicators_url(indicator_plan)).status_code == 403
    assert client.post(districts_url(plan), {}).status_code == 403


def test_a_grid_outside_the_users_scope_is_refused(client, plan, indicator_plan, official, agency_officer):
    other = make_household_plan(slug="thu-tinh-khac", province=ProvinceFactory())
    assert as_user(client, official).get(districts_url(other)).status_code == 403  # another province's plan
    assert client.get(indicators_url(indicator_plan)).status_code == 403  # an official leads no indicator
    assert as_user(client, agency_officer).get(districts_url(plan)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, plan, indicator_plan):
    for url in (districts_url(plan), indicators_url(indicator_plan)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]
    before = snapshot()
    assert client.post(districts_url(plan), {}).status_code == 302
    assert snapshot() == before


def test_an_unknown_plan_or_year_is_404_and_so_is_a_plan_the_user_may_not_read(client, plan, official):
    as_user(client, official)
    url = districts_url(plan)
    assert client.get(reverse("editing:districts_edit", args=["khong-co"])).status_code == 404
    assert client.get(reverse("editing:indicators_edit", args=["khong-co"])).status_code == 404
    assert client.get(url, {"year": 1999}).status_code == 404
    assert client.get(url, {"year": "abc"}).status_code == 404
    assert client.get(url, {"year": 2021, "kind": "target"}).status_code == 404  # before the plan
    assert client.get(url, {"year": 2021}).status_code == 200  # a year of results only: its results
    assert client.get(url, {"kind": "forecast"}).status_code == 404
    hidden = make_household_plan(slug="thu-an", province=ProvinceFactory())
    Plan.objects.filter(pk=hidden.pk).update(is_public=False)
    assert client.get(districts_url(hidden)).status_code == 404


OTHERS_READ_ONLY = "You can change only your own unit's rows; the other rows are read only."


def in_vietnamese(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def read_only_notes(response) -> dict[str, str]:
    """The notes above a grid saying why rows are read only: {id: text without its badge}."""
    notes = parse(response).find("div", class_="grid-notes").find_all("p", id=True)
    return {note.attrs["id"]: note.text.removeprefix(in_vietnamese("read only")).strip() for note in notes}


def test_rows_the_official_may_not_edit_are_read_only_with_the_reason(client, plan, official):
    response = as_user(client, official).get(districts_url(plan))
    values = form_values(page_text(response))
    assert f"{prefix(district(plan, 2))}-households" not in values
    assert f"{prefix(plan.province)}-households" not in values  # the province total: reviewers only
    # The reason, said once above the grid (repeated in each row it made every row several lines tall on a phone).
    notes = read_only_notes(response)
    assert list(notes.values()) == [in_vietnamese(OTHERS_READ_ONLY)]
    assert page_text(response).count(vi(OTHERS_READ_ONLY)) == 1
    rows = parse(response).find_all("tr", class_="readonly")
    assert len(rows) == 3  # the other two districts and the province total
    assert "Huyện Số 2" in rows[0].text and "10.100" in rows[0].text  # its households, shown read-only
    # Each read-only row keeps a short badge described by the note.
    for row in rows:
        badge = row.find("span", class_="read-only")
        assert badge.text == in_vietnamese("read only") and badge.attrs["aria-describedby"] in notes


def test_a_locked_own_row_and_the_others_rows_each_get_their_own_note(client, plan, official, reviewer):
    first = district(plan, 1)
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first)
    response = as_user(client, official).get(districts_url(plan))
    notes = read_only_notes(response)
    submitted = in_vietnamese("Submitted for review; it can be changed again if the reviewer returns it.")
    assert list(notes.values()) == [submitted, in_vietnamese(OTHERS_READ_ONLY)]
    own, others = notes
    badges = [row.find("span", class_="read-only") for row in parse(response).find_all("tr", class_="readonly")]
    assert [badge.attrs["aria-describedby"] for badge in badges] == [own, others, others, others]


def test_the_indicators_the_officer_does_not_lead_are_read_only_with_the_reason_said_once(
    client, indicator_plan, agency_officer
):
    response = as_user(client, agency_officer).get(indicators_url(indicator_plan))
    reason = "You may only change the indicators your agency leads."
    notes = read_only_notes(response)
    assert list(notes.values()) == [in_vietnamese(reason)]
    assert page_text(response).count(vi(reason)) == 1
    rows = parse(response).find_all("tr", class_="readonly")
    assert len(rows) == 2  # the two indicators another agency leads
    assert {row.find("span", class_="read-only").attrs["aria-describedby"] for row in rows} == set(notes)


def test_a_reviewer_may_edit_every_row_including_the_total(client, plan, reviewer):
    values = load(as_user(client, reviewer), districts_url(plan))
    for locality in (district(plan, 1), district(plan, 2), plan.province):
        assert f"{prefix(locality)}-households" in values
    values[f"{prefix(plan.province)}-poor_households"] = "2.100"
    response = post_confirmed(client, districts_url(plan), values)  # the total no longer equals its rows: confirmed
    assert response.status_code == 302
    total = figure(plan, plan.province)
    assert total.poor_households == 2100
    assert total.published_rate == Decimal("6.93")  # 2.100 / 30.300, two decimals half-up


def test_a_get_never_writes(client, plan, official):
    before = snapshot()
    as_user(client, official).get(districts_url(plan), {f"{prefix(district(plan, 1))}-households": "1"})
    assert snapshot() == before


# --- saving -----------------------------------------------------------------------------------------------


def test_an_official_saves_vietnamese_numbers_on_their_own_row(client, plan, official):
    first = prefix(district(plan, 1))
    values = load(as_user(client, official), districts_url(plan))
    values[f"{first}-households"] = "12.500"
    values[f"{first}-poor_households"] = "1.480"
    response = post_confirmed(client, districts_url(plan), values)  # the rate that moves, the total: confirmed
    assert response.status_code == 302 and response["Location"] == districts_url(plan)
    saved = figure(plan, district(plan, 1))
    assert (saved.households, saved.poor_households) == (12500, 1480)
    assert saved.published_rate == Decimal("11.84")  # computed and stored with the counts
    assert saved.version == 2
    with translation.override("vi"):
        expected = ngettext("%(count)d figure saved.", "%(count)d figures saved.", 1) % {"count": 1}
    assert escape(expected) in page_text(client.get(response["Location"]))
    assert figure(plan, district(plan, 2)).households == 10100  # the other rows are untouched


def test_a_typed_rate_is_saved_where_the_table_has_no_household_totals(client):
    """A table of rates only (as Thừa Thiên Huế's): the rate is typed, and the stored counts are kept."""
    rates_plan = PlanFactory(first_year=2024, last_year=2024)
    appendix = HouseholdAppendixFactory(
        plan=rates_plan,
        code="01",
        columns=[{"header": "Tỷ lệ nghèo năm 2024", "year": 2024, "kind": "target", "field": "poverty_rate"}],
    )
    row = AppendixRowFactory(appendix=appendix, order=0)
    HouseholdFigureFactory(
        plan=rates_plan,
        locality=row.locality,
        year=2024,
        kind="target",
        households=None,
        poor_households=2289,
        planned_reduction=1196,
        published_rate=Decimal("15.83"),
    )
    official = make_role_user("locality_official", locality=row.locality)
    values = load(as_user(client, official), districts_url(rates_plan))
    name = f"{prefix(row.locality)}-published_rate"
    assert values[name] == "15,83"
    values[name] = "1,48"
    assert client.post(districts_url(rates_plan), values).status_code == 302
    saved = figure(rates_plan, row.locality, year=2024)
    assert saved.published_rate == Decimal("1.48")
    assert saved.poor_households == 2289 and saved.planned_reduction == 1196


def test_an_unchanged_grid_saves_nothing(client, plan, official):
    before = snapshot()
    values = load(as_user(client, official), districts_url(plan))
    values[f"{prefix(district(plan, 1))}-households"] = "10000"  # the same number, typed without grouping
    response = client.post(districts_url(plan), values)
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize(
    ("cell", "typed", "message"),
    [
        (
            "poor_households",
            "40.000",
            ("There cannot be more poor households (%(poor)s) than households (%(households)s).", "40.000", "10.000"),
        ),
        ("households", "-5", ("%(field)s cannot be negative.", "Households", None)),
        ("poor_households", "nhiều", None),
        ("poor_households", "1.48", None),  # not a Vietnamese number: "1.480" or "1,48"
    ],
)
def test_an_impossible_value_is_shown_next_to_its_cell_and_nothing_is_saved(
    client, plan, reviewer, cell, typed, message
):
    first, second = prefix(district(plan, 1)), prefix(district(plan, 2))
    values = load(as_user(client, reviewer), districts_url(plan))
    before = snapshot()
    values[f"{second}-households"] = "10.500"  # a valid change on another row: all or nothing
    values[f"{first}-{cell}"] = typed
    response = client.post(districts_url(plan), values)
    assert response.status_code == 200
    html = page_text(response)
    assert snapshot() == before
    assert parse(html).find(id=f"id_{first}-{cell}_error")  # the message sits next to the cell
    shown = form_values(html)
    assert (shown[f"{first}-{cell}"], shown[f"{second}-households"]) == (typed, "10.500")  # the typed values kept
    if message and message[0].startswith("There cannot"):
        assert vi(message[0], poor=message[1], households=message[2]) in html
    elif message:
        with translation.override("vi"):
            field_name = HouseholdFigure._meta.get_field("households").verbose_name.capitalize()
        assert vi(message[0], field=field_name) in html


def test_a_crafted_post_for_another_districts_row_is_refused_and_changes_nothing(client, plan, official):
    values = load(as_user(client, official), districts_url(plan))
    before = snapshot()
    second = prefix(district(plan, 2))
    values[f"{prefix(district(plan, 1))}-poor_households"] = "390"
    values[f"{second}-poor_households"] = "1"
    values[f"{second}-version"] = str(figure(plan, district(plan, 2)).version)
    assert client.post(districts_url(plan), values).status_code == 403
    values.pop(f"{second}-poor_households")
    values[f"{prefix(plan.province)}-households"] = "1"  # the province total
    assert client.post(districts_url(plan), values).status_code == 403
    assert snapshot() == before


def test_an_approved_part_is_locked_for_the_official(client, plan, official, reviewer):
    first = district(plan, 1)
    values = load(as_user(client, official), districts_url(plan))
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=first)
    before = snapshot()
    values[f"{prefix(first)}-poor_households"] = "390"
    assert client.post(districts_url(plan), values).status_code == 403
    assert snapshot() == before
    html = page_text(client.get(districts_url(plan)))
    assert f"{prefix(first)}-households" not in form_values(html)  # read-only now
    # Who approved it, on the page.
    assert vi("Approved by %(who)s and locked; a reviewer must reopen it first.", who=reviewer.username) in html


def test_the_second_of_two_concurrent_saves_is_refused_with_the_first_persons_value(client, plan, official, reviewer):
    first = prefix(district(plan, 1))
    official_sees = load(as_user(client, official), districts_url(plan))
    reviewer_sees = load(as_user(client, reviewer), districts_url(plan))
    reviewer_sees[f"{first}-poor_households"] = "1.234"
    assert post_confirmed(client, districts_url(plan), reviewer_sees).status_code == 302

    before = snapshot()
    official_sees[f"{first}-poor_households"] = "410"
    response = as_user(client, official).post(districts_url(plan), official_sees)
    assert response.status_code == 200
    html = page_text(response)
    assert snapshot() == before
    assert figure(plan, district(plan, 1)).poor_households == 1234  # the first value stays
    conflict = parse(html).find("div", role="alert").text
    assert reviewer.username in conflict and "1.234" in conflict  # who, and their value
    assert form_values(html)[f"{first}-poor_households"] == "410"  # the official's entry is kept

    # Having read whose value it is, the official may save theirs deliberately: the page now carries the
    # version it was shown, so the next save replaces the reviewer's value — not silently.
    assert post_confirmed(as_user(client, official), districts_url(plan), form_values(html)).status_code == 302
    assert figure(plan, district(plan, 1)).poor_households == 410


def test_a_reopened_part_requires_a_reason_and_the_history_records_it(client, plan, official, reviewer):
    first = district(plan, 1)
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=first)
    review_transition(
        user=reviewer,
        plan=plan,
        table=Table.DISTRICTS,
        action=Action.REOPEN,
        locality=first,
        comment="Số hộ cần rà soát lại",
    )
    values = load(as_user(client, official), districts_url(plan))
    before = snapshot()
    values[f"{prefix(first)}-poor_households"] = "390"
    response = client.post(districts_url(plan), values)
    assert response.status_code == 200
    assert snapshot() == before
    assert vi("This table was approved and reopened: give a reason for the change.") in page_text(response)

    values["reason"] = "Rà soát giữa kỳ"
    assert post_confirmed(client, districts_url(plan), values).status_code == 302
    saved = figure(plan, first)
    assert saved.poor_households == 390
    record = saved.history.order_by("-history_date").first()
    assert record.history_user == official
    # The reason, then the warnings the official confirmed (the rate moved, the total no longer equals its rows).
    assert record.history_change_reason.startswith("Rà soát giữa kỳ (⚠ ")


def test_every_grid_save_is_in_the_history_with_user_and_reason(client, plan, official):
    first = district(plan, 1)
    values = load(as_user(client, official), districts_url(plan))
    values[f"{prefix(first)}-poor_households"] = "395"
    values["reason"] = "Số liệu rà soát tháng 6"
    assert post_confirmed(client, districts_url(plan), values).status_code == 302
    values = load(client, districts_url(plan))
    values[f"{prefix(first)}-poor_households"] = "390"
    assert post_confirmed(client, districts_url(plan), values).status_code == 302
    latest, previous = figure(plan, first).history.order_by("-history_date")[:2]
    assert previous.history_user == official
    assert previous.history_change_reason.startswith("Số liệu rà soát tháng 6 (⚠ ")  # and the warnings confirmed
    assert (previous.poor_households, latest.poor_households) == (395, 390)


def test_a_result_is_recorded_with_its_source_and_date(client, plan, official):
    url = f"{districts_url(plan)}?kind=result&year=2022"
    first = district(plan, 1)
    values = load(as_user(client, official), url)
    assert values[f"{prefix(first)}-version"] == "0"  # no result yet: the row will be created
    values[f"{prefix(first)}-households"] = "10.100"
    values[f"{prefix(first)}-poor_households"] = "101"
    before = snapshot()
    response = client.post(url, values)
    assert response.status_code == 200 and snapshot() == before  # a result needs its source
    assert vi("Give the source of these results.") in page_text(response)

    values["source"] = "Quyết định phê duyệt kết quả rà soát hộ nghèo năm 2022"
    values["source_date"] = "03/01/2023"
    assert post_confirmed(client, url, values).status_code == 302
    saved = figure(plan, first, year=2022, kind="result")
    assert (saved.households, saved.poor_households, saved.published_rate) == (10100, 101, Decimal("1.00"))
    assert saved.source.startswith("Quyết định") and saved.source_date == datetime.date(2023, 1, 3)


# --- the indicator grid ------------------------------------------------------------------------------------


def test_the_indicator_grid_of_an_agency_officer_edits_only_their_agencys_indicators(
    client, indicator_plan, agency_officer
):
    url = indicators_url(indicator_plan)
    health = [plan_indicator(indicator_plan, 0), plan_indicator(indicator_plan, 1)]
    others = [plan_indicator(indicator_plan, 2), plan_indicator(indicator_plan, 3)]
    values = load(as_user(client, agency_officer), url)
    for pi in health:
        assert f"i{pi.pk}-value_2024" in values
    for pi in others:
        assert f"i{pi.pk}-value_2024" not in values
    assert f"i{health[0].pk}-value_2030" in values  # the plan's orientation year has its column

    falling = health[1]  # 29 in 2023, 27 in 2024, 25 in 2025
    values[f"i{falling.pk}-value_2024"] = "26,5"
    assert client.post(url, values).status_code == 302
    saved = IndicatorValue.objects.get(plan_indicator=falling, year=2024, kind="target")
    assert (saved.value, saved.version) == (Decimal("26.5"), 2)
    assert saved.value_as_written == "26,5"
    assert saved.history.order_by("-history_date").first().history_user == agency_officer

    before = snapshot()
    other = others[0]
    values = load(client, url)
    values[f"i{other.pk}-value_2024"] = "1"
    values[f"i{other.pk}-version_2024"] = "1"
    assert client.post(url, values).status_code == 403
    assert snapshot() == before


def test_the_indicator_grid_refuses_an_impossible_value_next_to_its_cell(client, indicator_plan, reviewer):
    percent = plan_indicator(indicator_plan, 0)
    values = load(as_user(client, reviewer), indicators_url(indicator_plan))
    before = snapshot()
    values[f"i{percent.pk}-value_2024"] = "120"
    response = client.post(indicators_url(indicator_plan), values)
    assert response.status_code == 200 and snapshot() == before
    assert parse(response).find(id=f"id_i{percent.pk}-value_2024_error")
    assert vi("A percentage cannot exceed 100.") in page_text(response)


def test_an_indicator_qualifier_is_kept_unless_changed(client, indicator_plan, reviewer):
    below = IndicatorValue.objects.get(plan_indicator=plan_indicator(indicator_plan, 1), year=2025, kind="target")
    IndicatorValue.objects.filter(pk=below.pk).update(qualifier=Qualifier.BELOW)  # “dưới 25”
    key, url = f"i{below.plan_indicator_id}", indicators_url(indicator_plan)
    values = load(as_user(client, reviewer), url)
    assert values[f"{key}-qualifier_2025"] == "below"
    values[f"{key}-value_2025"] = "24"
    assert client.post(url, values).status_code == 302
    below.refresh_from_db()
    assert (below.value, below.qualifier) == (Decimal(24), "below")
    values = load(client, url)
    values[f"{key}-qualifier_2025"] = "at_most"
    assert client.post(url, values).status_code == 302
    below.refresh_from_db()
    assert (below.value, below.qualifier) == (Decimal(24), "at_most")


def test_a_qualifier_chosen_for_an_empty_cell_changes_nothing(client, indicator_plan, reviewer):
    empty = plan_indicator(indicator_plan, 0)
    empty.values.filter(year=2023, kind="target").delete()
    values = load(as_user(client, reviewer), indicators_url(indicator_plan))
    assert values[f"i{empty.pk}-value_2023"] == ""
    values[f"i{empty.pk}-qualifier_2023"] = "about"
    before = snapshot()
    assert client.post(indicators_url(indicator_plan), values).status_code == 302
    assert snapshot() == before


def test_the_second_of_two_concurrent_indicator_saves_is_refused(client, indicator_plan, reviewer, agency_officer):
    url = indicators_url(indicator_plan)
    name = f"i{plan_indicator(indicator_plan, 0).pk}-value_2024"
    officer_sees = load(as_user(client, agency_officer), url)
    reviewer_sees = load(as_user(client, reviewer), url)
    reviewer_sees[name] = "42"
    assert post_confirmed(client, url, reviewer_sees).status_code == 302  # 62 → 42 falls against its direction
    before = snapshot()
    officer_sees[name] = "43"
    response = as_user(client, agency_officer).post(url, officer_sees)
    assert response.status_code == 200 and snapshot() == before
    conflict = parse(response).find("div", role="alert").text
    assert reviewer.username in conflict and "42" in conflict


def test_an_indicator_result_is_recorded_with_its_source(client, indicator_plan, reviewer):
    target = IndicatorValue.objects.get(plan_indicator=plan_indicator(indicator_plan, 0), year=2024, kind="target")
    url = f"{indicators_url(indicator_plan)}?kind=result"
    name = f"i{target.plan_indicator_id}-value_2024"
    values = load(as_user(client, reviewer), url)
    assert values[name] == "" and f"i{target.plan_indicator_id}-qualifier_2024" not in values
    values[name] = "72,5"
    values["source"] = "Báo cáo kết quả giảm nghèo năm 2024"
    values["source_date"] = "15/12/2024"
    assert client.post(url, values).status_code == 302
    result = IndicatorValue.objects.get(plan_indicator=target.plan_indicator, year=2024, kind="result")
    assert (result.value, result.source_date) == (Decimal("72.5"), datetime.date(2024, 12, 15))
    target.refresh_from_db()
    assert target.version == 1  # the target is untouched


def test_an_approved_indicator_table_is_locked_for_the_agency_officer(client, indicator_plan, reviewer, agency_officer):
    url, pi = indicators_url(indicator_plan), plan_indicator(indicator_plan, 0)
    values = load(as_user(client, agency_officer), url)
    review_transition(user=agency_officer, plan=indicator_plan, table=Table.INDICATORS, action=Action.SUBMIT)
    review_transition(user=reviewer, plan=indicator_plan, table=Table.INDICATORS, action=Action.APPROVE)
    before = snapshot()
    values[f"i{pi.pk}-value_2024"] = "1"
    assert client.post(url, values).status_code == 403
    assert snapshot() == before
    html = page_text(client.get(url))
    assert f"i{pi.pk}-value_2024" not in form_values(html)
    assert vi("Approved by %(who)s and locked; a reviewer must reopen it first.", who=reviewer.username) in html
