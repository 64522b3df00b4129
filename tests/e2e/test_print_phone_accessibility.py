"""Issue 14 in Chromium: both plans print whole (every appendix column on the PDF's pages), no page is wider than a
phone, and axe-core finds no accessibility violation of any impact on any page, in Vietnamese and in English, for
the people who use each page. Screenshots (1366 and 390 px) and the PDFs go to artifacts/e2e/."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from localities.models import Locality
from workflow.models import Role, RoleAssignment

from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core 4.14.1, vendor/LICENSE
PASSWORD = "mat-khau-e2e-2024"
HY, TTH = "hung-yen-2023-2025", "thua-thien-hue-2024"
READER_PAGES = [
    "/",
    f"/plans/{HY}/",
    f"/plans/{HY}/districts/",
    f"/plans/{HY}/districts/?year=2025&district=hung-yen-phu-cu&district=hung-yen-an-thi&sort=-poverty_rate_2025_target",
    f"/plans/{HY}/indicators/",
    f"/plans/{HY}/tasks/",
    f"/plans/{HY}/quality/",
    f"/plans/{HY}/results/",
    f"/plans/{TTH}/",
    f"/plans/{TTH}/districts/",
    "/localities/hung-yen-phu-cu/",
    "/accounts/login/",
]
OFFICIAL_PAGES = [
    f"/plans/{HY}/districts/edit/?year=2025",
    f"/plans/{HY}/review/",
    f"/plans/{HY}/history/",
    f"/plans/{HY}/appendices/01/import/",
]
HOUSEHOLD_APPENDICES = ("appendix-01", "appendix-phu-luc")
REVIEWER_PAGES = [f"/plans/{HY}/review/", f"/plans/{HY}/indicators/edit/", f"/plans/{HY}/districts/edit/"]


def pdf_text(path, *args) -> str:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.fail("pdftotext is required (apt-get install poppler-utils; .ci/run installs it)")
    return subprocess.run([pdftotext, *args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def table_rows(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def violations(page) -> list:
    # axe-core is loaded as a script of the page's own origin, served from the vendored file by the browser's
    # request routing: the site's Content-Security-Policy (script-src 'self') stays enforced while it runs.
    url = page.evaluate("location.origin") + "/__e2e__/axe.min.js"
    if not getattr(page, "_axe_routed", False):
        page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"))
        page._axe_routed = True
    page.add_script_tag(url=url)
    return page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def make_user(username, role, **scope):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, **scope)


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


@pytest.mark.parametrize("slug", [HY, TTH])
def test_the_printed_plan_holds_every_column_of_every_appendix(seeded, live_server, page, slug):
    page.goto(f"{live_server.url}/plans/{slug}/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"plan-{slug}.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    layout = [re.sub(r"\s+", " ", line).strip() for line in pdf_text(pdf, "-layout").splitlines()]
    whole = squeeze(pdf_text(pdf, "-raw"))  # content order: a cell's wrapped lines stay together
    appendices = page.locator("section.appendix").evaluate_all("sections => sections.map(s => s.id)")
    assert appendices
    for appendix in appendices:
        rows = table_rows(page, f"#{appendix} table tbody")
        assert rows
        for row in rows:
            for text in row:
                assert squeeze(text) in whole, (appendix, text)
        if appendix in HOUSEHOLD_APPENDICES:
            # A district's figures are one printed line, left to right: no column fell off the page.
            for row in rows:
                figures = " ".join(text for text in row[2:] if text)
                assert any(figures in line for line in layout), (appendix, row)
    pages = re.findall(r"\b(\d+) / (\d+)\b", " ".join(layout))
    assert pages and pages[-1][0] == pages[-1][1]  # numbered pages, "n / n" on the last


def test_hung_yen_phu_luc_01_prints_on_a_landscape_page_and_the_district_page_prints_its_filtered_table(
    seeded, live_server, page
):
    page.goto(f"{live_server.url}/plans/{HY}/")
    sizes = page.pdf(prefer_css_page_size=True)
    # A landscape A4 page (842 × 595 pt) among the portrait ones.
    assert re.search(rb"/MediaBox \[0 0 841\.\d+ 594\.\d+\]", sizes)
    assert re.search(rb"/MediaBox \[0 0 594\.\d+ 841\.\d+\]", sizes)

    page.goto(f"{live_server.url}/plans/{HY}/districts/?district=hung-yen-phu-cu&district=hung-yen-tien-lu")
    pdf = ARTIFACTS / "districts-hung-yen-filtered.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    text = pdf_text(pdf, "-layout")
    assert "Phù Cừ" in text and "Tiên Lữ" in text and "Ân Thi" not in text
    assert "30.209 195 0,65" in re.sub(r"\s+", " ", text)  # Phù Cừ 2025: the last columns are on the page
    assert "Biểu đồ" not in text and "Lọc" not in text  # the table on its own


@pytest.mark.parametrize("width", [360, 390])
def test_no_page_is_wider_than_a_phone(seeded, live_server, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in READER_PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_phone_keeps_stt_and_the_name_in_view_when_the_table_scrolls(seeded, live_server, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/plans/{HY}/districts/")
    box = page.locator(".table-scroll").first
    box.evaluate("box => { box.scrollLeft = 600; }")
    name = page.locator("table.district-table tbody tr").first.locator("td").nth(1)
    bounds = name.bounding_box()
    assert 0 <= bounds["x"] < 120  # pinned beside STT, not scrolled away
    screenshot("districts-390-scrolled")


def test_every_reader_page_has_no_accessibility_violation_in_either_language(seeded, live_server, page, screenshot):
    for language in ("vi", "en"):
        if language == "en":
            english(page, live_server)
        for path in READER_PAGES:
            for width in (1366, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{live_server.url}{path}")
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
                screenshot(f"{language}-{width}-{name[:60]}")
            assert violations(page) == [], (language, path)


def test_the_officials_pages_have_no_accessibility_violation_even_in_their_error_states(
    seeded, live_server, page, screenshot
):
    make_user("phucu-e2e", Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug="hung-yen-phu-cu"))
    make_user("ldtbxh-e2e", Role.REVIEWER, province=Locality.objects.get(slug="hung-yen"))
    for language in ("vi", "en"):
        page.context.clear_cookies()
        log_in(page, live_server, "phucu-e2e")
        if language == "en":
            english(page, live_server)
        for path in OFFICIAL_PAGES:
            page.goto(f"{live_server.url}{path}")
            for width in (1366, 390):  # a screenshot of each page at each width (artifacts/e2e/)
                page.set_viewport_size({"width": width, "height": 900})
                screenshot(f"official-{language}-{width}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')[:60]}")
                assert violations(page) == [], (language, width, path)
        page.set_viewport_size({"width": 1366, "height": 900})
        # The grid refusing an impossible figure: the error banner and the cell's message.
        page.goto(f"{live_server.url}/plans/{HY}/districts/edit/?year=2025")
        page.locator("form.grid-form input.cell-input").first.fill("-5")
        page.locator("form.grid-form button[type=submit]").click()
        assert page.locator(".cell-error").first.is_visible()
        assert violations(page) == [], (language, "grid with an error")
    page.context.clear_cookies()
    log_in(page, live_server, "ldtbxh-e2e")
    for path in REVIEWER_PAGES:
        page.goto(f"{live_server.url}{path}")
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(f"reviewer-{width}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')[:60]}")
            assert violations(page) == [], (width, path)


def test_the_skip_link_leads_the_keyboard_to_the_content_with_a_visible_focus_ring(seeded, live_server, page):
    page.goto(f"{live_server.url}/plans/{HY}/districts/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    assert skip.inner_text() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
