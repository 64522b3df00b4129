"""The editing grids in the browser: who may open them, what a save stores, and what a refused save leaves behind.

Each test loads a grid as a browser would (every input of the form, with the values it shows), changes some
cells and posts it back, so that the hidden versions and "initial-" values travel exactly as they do in use.
"""

import datetime
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from indicators.models import IndicatorValue, PlanIndicator
from kernel.numbers import format_count
from localities.models import Locality
from plans.models import Agency, HouseholdFigure, Plan
from workflow.models import Role, RoleAssignment, Table
from workflow.permissions import Action
from workflow.services import review_transition

pytestmark = pytest.mark.django_db

HY, TTH = "hung-yen-2023-2025", "thua-thien-hue-2024"
DISTRICTS_HY = reverse("editing:districts_edit", args=[HY])
DISTRICTS_TTH = reverse("editing:districts_edit", args=[TTH])
INDICATORS_HY = reverse("editing:indicators_edit", args=[HY])


# --- helpers ----------------------------------------------------------------------------------------------


def make_user(name, role=None, **scope):
    user = get_user_model().objects.create_user(name, password="mat-khau-an-toan-2024")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def locality(slug) -> Locality:
    return Locality.objects.get(slug=slug)


@pytest.fixture
def official():
    return make_user("phucu", Role.LOCALITY_OFFICIAL, locality=locality("hung-yen-phu-cu"))


@pytest.fixture
def reviewer():
    return make_user("ldtbxh", Role.REVIEWER, province=locality("hung-yen"))


@pytest.fixture
def agency_officer():
    health = Agency.objects.get(province__slug="hung-yen", slug="so-yt")
    return make_user("soyte", Role.AGENCY_OFFICER, agency=health)


def as_user(client, user):
    client.force_login(user)
    return client


class FormInputs(HTMLParser):
    """The name → value pairs a browser would send for the page's POST form (text, hidden, selects)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post" and "grid-form" in attrs.get("class", "")
        if not self._in_post_form:
            return
        if tag == "input" and attrs.get("name") and "disabled" not in attrs and attrs.get("type") != "submit":
            self.values[attrs["name"]] = unescape(attrs.get("value") or "")
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_post_form = False


def load(client, url) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = FormInputs()
    parser.feed(response.content.decode())
    return parser.values


def prefix(slug) -> str:
    return f"f{locality(slug).pk}"


def figure(slug, year=2025, kind="target", plan=HY) -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan__slug=plan, locality__slug=slug, year=year, kind=kind)


def snapshot() -> list:
    """Every figure and indicator value of both plans, with versions and the size of their history."""
    figures = list(HouseholdFigure.objects.order_by("pk").values_list())
    values = list(IndicatorValue.objects.order_by("pk").values_list())
    return [figures, values, HouseholdFigure.history.count(), IndicatorValue.history.count()]


def vi(message: str, **params) -> str:
    """A message as the (Vietnamese-first) page shows it, escaped as in the HTML."""
    with translation.override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


def page_text(response) -> str:
    return response.content.decode()


# --- who may open the grids -------------------------------------------------------------------------------


def test_grids_answer_for_the_officials_entitled_to_them(client, official, reviewer, agency_officer):
    html = page_text(as_user(client, official).get(DISTRICTS_HY))
    assert 'name="f{}-households"'.format(locality("hung-yen-phu-cu").pk) in html
    assert "2025" in html and "30.209" in html
    as_user(client, reviewer)
    assert client.get(DISTRICTS_HY).status_code == 200
    assert client.get(DISTRICTS_HY, {"year": 2024}).status_code == 200
    assert client.get(DISTRICTS_HY, {"kind": "result", "year": 2022}).status_code == 200
    assert client.get(INDICATORS_HY).status_code == 200
    assert client.get(INDICATORS_HY, {"kind": "result"}).status_code == 200
    assert as_user(client, agency_officer).get(INDICATORS_HY).status_code == 200


def test_a_reader_is_refused_with_403(client):
    reader = make_user("docgia", Role.READER, province=locality("hung-yen"))
    as_user(client, reader)
    assert client.get(DISTRICTS_HY).status_code == 403
    assert client.get(INDICATORS_HY).status_code == 403
    assert client.post(DISTRICTS_HY, {}).status_code == 403


def test_a_grid_outside_the_users_scope_is_refused(client, official, agency_officer):
    assert as_user(client, official).get(DISTRICTS_TTH).status_code == 403  # another province's plan
    assert client.get(INDICATORS_HY).status_code == 403  # an official leads no indicator
    assert as_user(client, agency_officer).get(DISTRICTS_HY).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    for url in (DISTRICTS_HY, INDICATORS_HY):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]
    before = snapshot()
    assert client.post(DISTRICTS_HY, {}).status_code == 302
    assert snapshot() == before


def test_an_unknown_plan_or_year_is_404_and_so_is_a_plan_the_user_may_not_read(client, official):
    as_user(client, official)
    assert client.get(reverse("editing:districts_edit", args=["khong-co"])).status_code == 404
    assert client.get(reverse("editing:indicators_edit", args=["khong-co"])).status_code == 404
    assert client.get(DISTRICTS_HY, {"year": 1999}).status_code == 404
    assert client.get(DISTRICTS_HY, {"year": "abc"}).status_code == 404
    assert client.get(DISTRICTS_HY, {"year": 2021, "kind": "target"}).status_code == 404  # before the plan
    assert client.get(DISTRICTS_HY, {"year": 2021}).status_code == 200  # a year of results only: its results
    assert client.get(DISTRICTS_HY, {"kind": "forecast"}).status_code == 404
    Plan.objects.filter(slug=TTH).update(is_public=False)
    assert client.get(DISTRICTS_TTH).status_code == 404


def test_rows_the_official_may_not_edit_are_read_only_with_the_reason(client, official):
    html = page_text(as_user(client, official).get(DISTRICTS_HY))
    tien_lu, total = prefix("hung-yen-tien-lu"), prefix("hung-yen")
    assert f'name="{tien_lu}-households"' not in html
    assert f'name="{total}-households"' not in html  # the province total: reviewers only
    assert (
        vi("You may only change the figures of your own unit, not those of %(unit)s.") % {"unit": "Huyện Tiên Lữ"}
        in html
    )
    assert "33.329" in html  # Tiên Lữ's households, shown read-only


def test_a_reviewer_may_edit_every_row_including_the_total(client, reviewer):
    values = load(as_user(client, reviewer), DISTRICTS_HY)
    for slug in ("hung-yen-phu-cu", "hung-yen-tien-lu", "hung-yen"):
        assert f"{prefix(slug)}-households" in values
    values[f"{prefix('hung-yen')}-poor_households"] = "2.100"
    response = client.post(DISTRICTS_HY, values)
    assert response.status_code == 302
    total = figure("hung-yen")
    assert total.poor_households == 2100
    assert total.published_rate == Decimal("0.50")  # 2.100 / 418.246, two decimals half-up


def test_a_get_never_writes(client, official):
    before = snapshot()
    as_user(client, official).get(DISTRICTS_HY, {f"{prefix('hung-yen-phu-cu')}-households": "1"})
    assert snapshot() == before


# --- saving -----------------------------------------------------------------------------------------------


def test_an_official_saves_vietnamese_numbers_on_their_own_row(client, official):
    phu_cu = prefix("hung-yen-phu-cu")
    values = load(as_user(client, official), DISTRICTS_HY)
    values[f"{phu_cu}-households"] = "31.480"
    values[f"{phu_cu}-poor_households"] = "1.480"
    response = client.post(DISTRICTS_HY, values)
    assert response.status_code == 302 and response["Location"] == DISTRICTS_HY
    saved = figure("hung-yen-phu-cu")
    assert (saved.households, saved.poor_households) == (31480, 1480)
    assert saved.published_rate == Decimal("4.70")  # computed and stored with the counts
    assert saved.version == 2
    with translation.override("vi"):
        expected = ngettext("%(count)d figure saved.", "%(count)d figures saved.", 1) % {"count": 1}
    assert escape(expected) in page_text(client.get(response["Location"]))
    assert figure("hung-yen-tien-lu").households == 33329  # the other rows are untouched


def test_a_typed_rate_is_saved_where_the_table_has_no_household_totals(client):
    a_luoi = make_user("aluoi", Role.LOCALITY_OFFICIAL, locality=locality("thua-thien-hue-a-luoi"))
    values = load(as_user(client, a_luoi), DISTRICTS_TTH)
    row = prefix("thua-thien-hue-a-luoi")
    assert f"{row}-published_rate" in values and values[f"{row}-published_rate"] == "15,83"
    values[f"{row}-published_rate"] = "1,48"
    assert client.post(DISTRICTS_TTH, values).status_code == 302
    saved = figure("thua-thien-hue-a-luoi", year=2024, plan=TTH)
    assert saved.published_rate == Decimal("1.48")
    assert saved.poor_households == 2289 and saved.planned_reduction == 1196


def test_an_unchanged_grid_saves_nothing(client, official):
    before = snapshot()
    values = load(as_user(client, official), DISTRICTS_HY)
    values[f"{prefix('hung-yen-phu-cu')}-households"] = "30209"  # the same number, typed without grouping
    response = client.post(DISTRICTS_HY, values)
    assert response.status_code == 302
    assert snapshot() == before


@pytest.mark.parametrize(
    ("cell", "typed", "message"),
    [
        (
            "poor_households",
            "40.000",
            ("There cannot be more poor households (%(poor)s) than households (%(households)s).", "40.000", "30.209"),
        ),
        ("households", "-5", ("%(field)s cannot be negative.", "Households", None)),
        ("poor_households", "nhiều", None),
        ("poor_households", "1.48", None),  # not a Vietnamese number: "1.480" or "1,48"
    ],
)
def test_an_impossible_value_is_shown_next_to_its_cell_and_nothing_is_saved(client, reviewer, cell, typed, message):
    phu_cu, tien_lu = prefix("hung-yen-phu-cu"), prefix("hung-yen-tien-lu")
    values = load(as_user(client, reviewer), DISTRICTS_HY)
    before = snapshot()
    values[f"{tien_lu}-households"] = "34.000"  # a valid change on another row: all or nothing
    values[f"{phu_cu}-{cell}"] = typed
    response = client.post(DISTRICTS_HY, values)
    assert response.status_code == 200
    html = page_text(response)
    assert snapshot() == before
    assert f'id="id_{phu_cu}-{cell}_error"' in html  # the message sits next to the cell
    assert f'value="{typed}"' in html and 'value="34.000"' in html  # the typed values are kept
    if message and message[0].startswith("There cannot"):
        assert vi(message[0], poor=message[1], households=message[2]) in html
    elif message:
        with translation.override("vi"):
            field_name = HouseholdFigure._meta.get_field("households").verbose_name.capitalize()
        assert vi(message[0], field=field_name) in html


def test_a_crafted_post_for_another_districts_row_is_refused_and_changes_nothing(client, official):
    values = load(as_user(client, official), DISTRICTS_HY)
    before = snapshot()
    tien_lu = prefix("hung-yen-tien-lu")
    values[f"{prefix('hung-yen-phu-cu')}-poor_households"] = "190"
    values[f"{tien_lu}-poor_households"] = "1"
    values[f"{tien_lu}-version"] = str(figure("hung-yen-tien-lu").version)
    assert client.post(DISTRICTS_HY, values).status_code == 403
    values.pop(f"{tien_lu}-poor_households")
    values[f"{prefix('hung-yen')}-households"] = "1"  # the province total
    assert client.post(DISTRICTS_HY, values).status_code == 403
    assert snapshot() == before


def test_an_approved_part_is_locked_for_the_official(client, official, reviewer):
    plan, phu_cu = Plan.objects.get(slug=HY), locality("hung-yen-phu-cu")
    values = load(as_user(client, official), DISTRICTS_HY)
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=phu_cu)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=phu_cu)
    before = snapshot()
    values[f"{prefix('hung-yen-phu-cu')}-poor_households"] = "190"
    assert client.post(DISTRICTS_HY, values).status_code == 403
    assert snapshot() == before
    html = page_text(client.get(DISTRICTS_HY))
    assert f'name="{prefix("hung-yen-phu-cu")}-households"' not in html  # read-only now
    assert "ldtbxh" in html  # who approved it, on the page
    assert vi("Approved by %(who)s and locked; a reviewer must reopen it first.", who="ldtbxh") in html


def test_the_second_of_two_concurrent_saves_is_refused_with_the_first_persons_value(client, official, reviewer):
    phu_cu = prefix("hung-yen-phu-cu")
    official_sees = load(as_user(client, official), DISTRICTS_HY)
    reviewer_sees = load(as_user(client, reviewer), DISTRICTS_HY)
    reviewer_sees[f"{phu_cu}-poor_households"] = "1.234"
    assert client.post(DISTRICTS_HY, reviewer_sees).status_code == 302

    before = snapshot()
    official_sees[f"{phu_cu}-poor_households"] = "210"
    response = as_user(client, official).post(DISTRICTS_HY, official_sees)
    assert response.status_code == 200
    html = page_text(response)
    assert snapshot() == before
    assert figure("hung-yen-phu-cu").poor_households == 1234  # the first value stays
    conflict = html[html.index('role="alert"') :]
    assert "ldtbxh" in conflict and format_count(1234) in conflict  # who, and their value
    assert 'value="210"' in html  # the official's entry is kept

    # Having read whose value it is, the official may save theirs deliberately: the page now carries the
    # version it was shown, so the next save replaces the reviewer's value — not silently.
    parser = FormInputs()
    parser.feed(html)
    assert as_user(client, official).post(DISTRICTS_HY, parser.values).status_code == 302
    assert figure("hung-yen-phu-cu").poor_households == 210


def test_a_reopened_part_requires_a_reason_and_the_history_records_it(client, official, reviewer):
    plan, phu_cu_locality = Plan.objects.get(slug=HY), locality("hung-yen-phu-cu")
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=phu_cu_locality)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=phu_cu_locality)
    review_transition(
        user=reviewer,
        plan=plan,
        table=Table.DISTRICTS,
        action=Action.REOPEN,
        locality=phu_cu_locality,
        comment="Số hộ cần rà soát lại",
    )
    phu_cu = prefix("hung-yen-phu-cu")
    values = load(as_user(client, official), DISTRICTS_HY)
    before = snapshot()
    values[f"{phu_cu}-poor_households"] = "190"
    response = client.post(DISTRICTS_HY, values)
    assert response.status_code == 200
    assert snapshot() == before
    assert vi("This table was approved and reopened: give a reason for the change.") in page_text(response)

    values["reason"] = "Rà soát giữa kỳ"
    assert client.post(DISTRICTS_HY, values).status_code == 302
    saved = figure("hung-yen-phu-cu")
    assert saved.poor_households == 190
    record = saved.history.order_by("-history_date").first()
    assert record.history_user == official
    assert record.history_change_reason == "Rà soát giữa kỳ"


def test_every_grid_save_is_in_the_history_with_user_and_reason(client, official):
    phu_cu = prefix("hung-yen-phu-cu")
    values = load(as_user(client, official), DISTRICTS_HY)
    values[f"{phu_cu}-poor_households"] = "200"
    values["reason"] = "Số liệu rà soát tháng 6"
    assert client.post(DISTRICTS_HY, values).status_code == 302
    saved = figure("hung-yen-phu-cu")
    latest, previous = saved.history.order_by("-history_date")[:2]
    assert (latest.history_user, latest.history_change_reason) == (official, "Số liệu rà soát tháng 6")
    assert (previous.poor_households, latest.poor_households) == (195, 200)


def test_a_result_is_recorded_with_its_source_and_date(client, official):
    url = f"{DISTRICTS_HY}?kind=result&year=2024"
    phu_cu = prefix("hung-yen-phu-cu")
    values = load(as_user(client, official), url)
    assert values[f"{phu_cu}-version"] == "0"  # no result yet: the row will be created
    values[f"{phu_cu}-households"] = "30.100"
    values[f"{phu_cu}-poor_households"] = "301"
    before = snapshot()
    response = client.post(url, values)
    assert response.status_code == 200 and snapshot() == before  # a result needs its source
    assert vi("Give the source of these results.") in page_text(response)

    values["source"] = "Quyết định phê duyệt kết quả rà soát hộ nghèo năm 2024"
    values["source_date"] = "03/01/2025"
    assert client.post(url, values).status_code == 302
    saved = figure("hung-yen-phu-cu", year=2024, kind="result")
    assert (saved.households, saved.poor_households, saved.published_rate) == (30100, 301, Decimal("1.00"))
    assert saved.source.startswith("Quyết định") and saved.source_date == datetime.date(2025, 1, 3)


# --- the indicator grid ------------------------------------------------------------------------------------


def test_the_indicator_grid_of_an_agency_officer_edits_only_their_agencys_indicators(client, agency_officer):
    plan = Plan.objects.get(slug=HY)
    health = [pi for pi in PlanIndicator.objects.filter(plan=plan) if pi.lead_agency and pi.lead_agency.slug == "so-yt"]
    others = PlanIndicator.objects.filter(plan=plan).exclude(pk__in=[pi.pk for pi in health])
    assert health and others.exists()
    values = load(as_user(client, agency_officer), INDICATORS_HY)
    for pi in health:
        assert f"i{pi.pk}-value_2024" in values
    for pi in others:
        assert f"i{pi.pk}-value_2024" not in values

    malnutrition = next(pi for pi in health if pi.values.filter(year=2024, kind="target", value=Decimal("9.6")))
    values[f"i{malnutrition.pk}-value_2024"] = "9,5"
    assert client.post(INDICATORS_HY, values).status_code == 302
    saved = IndicatorValue.objects.get(plan_indicator=malnutrition, year=2024, kind="target")
    assert (saved.value, saved.version) == (Decimal("9.5"), 2)
    assert saved.value_as_written == "9,5"
    assert saved.history.order_by("-history_date").first().history_user == agency_officer

    before = snapshot()
    other = others.filter(values__year=2024).first()
    values = load(client, INDICATORS_HY)
    values[f"i{other.pk}-value_2024"] = "1"
    values[f"i{other.pk}-version_2024"] = "1"
    assert client.post(INDICATORS_HY, values).status_code == 403
    assert snapshot() == before


def test_the_indicator_grid_refuses_an_impossible_value_next_to_its_cell(client, reviewer):
    plan = Plan.objects.get(slug=HY)
    percent = PlanIndicator.objects.filter(plan=plan, indicator__unit="%", values__year=2024).first()
    values = load(as_user(client, reviewer), INDICATORS_HY)
    before = snapshot()
    values[f"i{percent.pk}-value_2024"] = "120"
    response = client.post(INDICATORS_HY, values)
    assert response.status_code == 200 and snapshot() == before
    html = page_text(response)
    assert f'id="id_i{percent.pk}-value_2024_error"' in html
    assert vi("A percentage cannot exceed 100.") in html


def test_an_indicator_qualifier_is_kept_unless_changed(client, reviewer):
    plan = Plan.objects.get(slug=HY)
    below = IndicatorValue.objects.filter(plan_indicator__plan=plan, kind="target", qualifier="below").first()
    key = f"i{below.plan_indicator_id}"
    values = load(as_user(client, reviewer), INDICATORS_HY)
    assert values[f"{key}-qualifier_{below.year}"] == "below"
    values[f"{key}-value_{below.year}"] = "8"
    assert client.post(INDICATORS_HY, values).status_code == 302
    below.refresh_from_db()
    assert (below.value, below.qualifier) == (Decimal(8), "below")
    values = load(client, INDICATORS_HY)
    values[f"{key}-qualifier_{below.year}"] = "at_most"
    assert client.post(INDICATORS_HY, values).status_code == 302
    below.refresh_from_db()
    assert (below.value, below.qualifier) == (Decimal(8), "at_most")


def test_a_qualifier_chosen_for_an_empty_cell_changes_nothing(client, reviewer):
    plan = Plan.objects.get(slug=HY)
    empty = next(
        pi for pi in PlanIndicator.objects.filter(plan=plan) if not pi.values.filter(year=2023, kind="target").exists()
    )
    values = load(as_user(client, reviewer), INDICATORS_HY)
    assert values[f"i{empty.pk}-value_2023"] == ""
    values[f"i{empty.pk}-qualifier_2023"] = "about"
    before = snapshot()
    assert client.post(INDICATORS_HY, values).status_code == 302
    assert snapshot() == before


def test_the_second_of_two_concurrent_indicator_saves_is_refused(client, reviewer, agency_officer):
    plan = Plan.objects.get(slug=HY)
    value = IndicatorValue.objects.filter(
        plan_indicator__plan=plan, plan_indicator__lead_agency__slug="so-yt", year=2024, kind="target"
    ).first()
    name = f"i{value.plan_indicator_id}-value_2024"
    officer_sees = load(as_user(client, agency_officer), INDICATORS_HY)
    reviewer_sees = load(as_user(client, reviewer), INDICATORS_HY)
    reviewer_sees[name] = "42"
    assert client.post(INDICATORS_HY, reviewer_sees).status_code == 302
    before = snapshot()
    officer_sees[name] = "43"
    response = as_user(client, agency_officer).post(INDICATORS_HY, officer_sees)
    assert response.status_code == 200 and snapshot() == before
    html = page_text(response)
    assert "ldtbxh" in html and "42" in html[html.index('role="alert"') :]


def test_an_indicator_result_is_recorded_with_its_source(client, reviewer):
    plan = Plan.objects.get(slug=HY)
    target = IndicatorValue.objects.filter(plan_indicator__plan=plan, year=2024, kind="target").first()
    url = f"{INDICATORS_HY}?kind=result"
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


def test_an_approved_indicator_table_is_locked_for_the_agency_officer(client, reviewer, agency_officer):
    plan = Plan.objects.get(slug=HY)
    value = IndicatorValue.objects.filter(
        plan_indicator__plan=plan, plan_indicator__lead_agency__slug="so-yt", year=2024, kind="target"
    ).first()
    values = load(as_user(client, agency_officer), INDICATORS_HY)
    review_transition(user=agency_officer, plan=plan, table=Table.INDICATORS, action=Action.SUBMIT)
    review_transition(user=reviewer, plan=plan, table=Table.INDICATORS, action=Action.APPROVE)
    before = snapshot()
    values[f"i{value.plan_indicator_id}-value_2024"] = "1"
    assert client.post(INDICATORS_HY, values).status_code == 403
    assert snapshot() == before
    html = page_text(client.get(INDICATORS_HY))
    assert f'name="i{value.plan_indicator_id}-value_2024"' not in html and "ldtbxh" in html
