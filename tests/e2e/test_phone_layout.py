"""Issue 14 on a phone, in Chromium: no page of the site is wider than a 360 px screen — for a reader, a locality
official and a reviewer, in Vietnamese and in English, including the grids, the import preview and a new API
token; the charts draw a phone's picture whose title and labels fit the screen (no sideways scrolling) while a wide
screen and paper keep the wide one; the review screen's rows read as cards. Each page leaves a screenshot at 360
px in artifacts/e2e/ (test name, language, role, page)."""

import re

import pytest

from localities.models import Locality
from workflow.models import Role

from ..workbook_factory import cell, export, open_workbook, to_bytes
from .test_print_phone_accessibility import HY, READER_PAGES, TTH, english, log_in, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 360
# The first check's reader pages, and those it left out.
PHONE_READER_PAGES = [
    *READER_PAGES,
    f"/plans/{HY}/districts/today/",
    f"/plans/{TTH}/districts/today/",
    f"/plans/{TTH}/indicators/",
    "/localities/thua-thien-hue-a-luoi/",
    "/agencies/hung-yen/so-yt/",
]
OFFICIAL_PAGES = [
    f"/plans/{HY}/review/",
    f"/plans/{HY}/districts/edit/?year=2025",
    f"/plans/{HY}/history/",
    f"/plans/{HY}/appendices/01/import/",
    "/api/tokens/",
    "/accounts/password/",
]
REVIEWER_PAGES = [
    f"/plans/{HY}/review/",
    f"/plans/{HY}/districts/edit/",
    f"/plans/{HY}/indicators/edit/",
    f"/plans/{HY}/indicators/",  # with its editing links
    "/api/tokens/",
]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fits_the_phone(page, screenshot, name: str) -> None:
    """The page as it stands at 360 px: a screenshot, and nothing wider than the screen."""
    screenshot(f"{PHONE}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:70] or 'home'}")
    assert page_width(page) <= PHONE, name


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_page_is_wider_than_a_phone_for_anyone_in_either_language(seeded, live_server, page, screenshot, language):
    make_user("phucu-phone", Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug="hung-yen-phu-cu"))
    make_user("ldtbxh-phone", Role.REVIEWER, province=Locality.objects.get(slug="hung-yen"))
    page.set_viewport_size({"width": PHONE, "height": 800})
    if language == "en":
        english(page, live_server)
    for path in PHONE_READER_PAGES:
        page.goto(f"{live_server.url}{path}")
        fits_the_phone(page, screenshot, f"{language}-reader-{path if path != '/' else 'home'}")

    for role, username, paths in (
        ("official", "phucu-phone", OFFICIAL_PAGES),
        ("reviewer", "ldtbxh-phone", REVIEWER_PAGES),
    ):
        page.context.clear_cookies()
        log_in(page, live_server, username)
        if language == "en":
            english(page, live_server)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            fits_the_phone(page, screenshot, f"{language}-{role}-{path}")

    # The states a page reaches only by acting: a new API token shown once (a long unbroken word), the import
    # preview of an edited workbook (a table of changes).
    page.goto(f"{live_server.url}/api/tokens/")
    page.locator("main form input[type=text]").first.fill("Bảng điều hành của tỉnh trên điện thoại")
    page.locator("main form button[type=submit]").first.click()
    assert page.locator("#new-token").is_visible()
    fits_the_phone(page, screenshot, f"{language}-reviewer-new-api-token")
    workbook = open_workbook(export(HY, "01"))
    cell(workbook["Phụ lục 01"], "Phù Cừ", "Năm 2023 — Tổng số hộ dân cư").value = 29611
    page.goto(f"{live_server.url}/plans/{HY}/appendices/01/import/")
    page.locator("input[type=file][name=workbook]").set_input_files(
        files=[{"name": "phu-luc-01.xlsx", "mimeType": "application/octet-stream", "buffer": to_bytes(workbook)}]
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("button[name=confirm]")
    fits_the_phone(page, screenshot, f"{language}-reviewer-import-preview")


CHART_PAGES = [f"/plans/{HY}/", f"/plans/{HY}/districts/", f"/plans/{TTH}/districts/", "/localities/hung-yen-phu-cu/"]


def shown_charts(page) -> list[dict]:
    """Each chart figure on the page: which picture is shown, how wide it and its caption are, whether it scrolls."""
    return page.eval_on_selector_all(
        "figure.chart-figure",
        """figures => figures.filter(f => getComputedStyle(f).display !== 'none').map(f => {
            const shown = Array.from(f.querySelectorAll('svg.chart'))
                .filter(s => getComputedStyle(s).display !== 'none');
            const caption = f.querySelector('figcaption');
            return {
                shown: shown.map(s => s.getAttribute('class')),
                right: Math.max(...shown.map(s => s.getBoundingClientRect().right)),
                scale: shown.length ? shown[0].getBoundingClientRect().width / shown[0].viewBox.baseVal.width : 0,
                caption: caption.innerText,
                captionFits: caption.scrollWidth <= caption.clientWidth
                    && caption.getBoundingClientRect().right <= innerWidth,
                scrolls: f.scrollWidth > f.clientWidth,
            };
        })""",
    )


@pytest.mark.parametrize("width", [360, 390])
def test_a_phone_shows_charts_drawn_for_its_width_with_the_title_in_full(seeded, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in CHART_PAGES:
        page.goto(f"{live_server.url}{path}")
        charts = shown_charts(page)
        assert charts, path
        for chart in charts:
            assert chart["shown"] == ["chart chart-narrow"], (path, chart)
            assert chart["right"] <= width and not chart["scrolls"], (path, chart)
            # Drawn at about the size it is shown: 12–13 px labels stay at least 11 px on the screen.
            assert chart["scale"] >= 0.9, (path, chart)
            assert chart["caption"].startswith("Tỷ lệ hộ nghèo") and chart["captionFits"], (path, chart)
    # The bars' names stand above their bars, every district named once.
    page.goto(f"{live_server.url}/plans/{HY}/districts/")
    names = page.locator("svg.chart-narrow[aria-labelledby^='rates-01'] text[font-weight=bold]").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert "Phù Cừ" in names and "Văn Giang" in names and len(names) == 10


def test_a_wide_screen_and_paper_keep_the_wide_chart(seeded, live_server, page):
    page.goto(f"{live_server.url}/localities/hung-yen-phu-cu/")
    assert [chart["shown"] for chart in shown_charts(page)] == [["chart chart-wide"]]
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 640, "height": 900})  # an A4 page is narrower than the phone breakpoint
    assert [chart["shown"] for chart in shown_charts(page)] == [["chart chart-wide"]]


def test_the_review_screen_reads_as_cards_on_a_phone_and_as_a_table_on_a_wide_screen(
    seeded, live_server, page, screenshot
):
    make_user("ldtbxh-cards", Role.REVIEWER, province=Locality.objects.get(slug="hung-yen"))
    log_in(page, live_server, "ldtbxh-cards")
    page.goto(f"{live_server.url}/plans/{HY}/review/")
    row = page.locator("table.review-table tbody tr#part-hung-yen-phu-cu")
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
    page.set_viewport_size({"width": 390, "height": 900})
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    card = row.bounding_box()
    for cell_box in [c.bounding_box() for c in row.locator("td").all()]:
        assert cell_box["width"] >= card["width"] - 4  # each cell the card's width, one under another
    # Each cell says what it is: its column's name written above it.
    labels = row.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels[:2] == ['"Trạng thái"', '"Bước gần nhất"'], labels
    assert page.locator("table.review-table thead").first.evaluate("h => h.getBoundingClientRect().height") <= 1
    screenshot("review-390-cards")
