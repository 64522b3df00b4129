"""Issue 14, point 4, in Chromium: the editing grids on a phone (360–390 px) for the people who use them there — a
locality official on the district grid, an agency officer on the indicator grid. Their own row's first figure is on
the screen without scrolling anything sideways, the unit's (or indicator's) name stays pinned while the figures
scroll in the grid's own box, rows are a line or two tall (the read-only explanation is said once, above the grid,
and each read-only row carries a short "chỉ xem" badge described by it), the inputs bring up the numeric keypad,
and axe-core finds nothing. Each state leaves a screenshot in artifacts/e2e/."""

import pytest
from django.contrib.auth import get_user_model

from localities.models import Locality
from plans.models import Agency, HouseholdFigure
from workflow.models import Role
from workflow.services import FigureEdit, save_figures

from .test_print_phone_accessibility import HY, log_in, make_user, violations

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = (390, 360)
PHU_CU = "hung-yen-phu-cu"
ROW_HEIGHT = 60  # px: a district row holds its name on one or two lines, a badge and an input


def scroll_positions(page) -> dict:
    return page.evaluate(
        "({page: window.scrollX, grid: document.querySelector('.grid-scroll').scrollLeft,"
        " width: document.documentElement.scrollWidth})"
    )


def on_screen(page, locator, width: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def read_only_badges_are_described_by_the_note(page) -> None:
    """Each read-only row: a visible "chỉ xem" badge whose description is the note above the grid (said once)."""
    badges = page.locator("tr.grid-row.readonly .badge.read-only")
    assert badges.count() >= 1
    notes = page.locator(".grid-notes [id]")
    ids = set(notes.evaluate_all("notes => notes.map(n => n.id)"))
    for text in notes.all_inner_texts():  # no explanation repeated in the rows
        assert page.locator("main").inner_text().count(text.removeprefix("chỉ xem").strip()) == 1
    for index in range(badges.count()):
        badge = badges.nth(index)
        assert badge.is_visible()
        assert badge.get_attribute("aria-describedby") in ids
    assert page.locator(".grid-notes").is_visible()


@pytest.mark.parametrize("width", PHONES)
def test_a_locality_official_edits_their_own_row_of_the_district_grid_on_a_phone(
    seeded, live_server, page, screenshot, width
):
    phu_cu = Locality.objects.get(slug=PHU_CU)
    make_user("phucu-grid-phone", Role.LOCALITY_OFFICIAL, locality=phu_cu)
    log_in(page, live_server, "phucu-grid-phone")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/plans/{HY}/districts/edit/?year=2025")
    screenshot(f"{width}-districts")

    positions = scroll_positions(page)
    assert positions["width"] <= width  # the page never scrolls sideways: the grid does, in its own box
    assert positions["page"] == 0 and positions["grid"] == 0
    first = page.locator(f"input[name=f{phu_cu.pk}-households]")
    assert first.get_attribute("inputmode") in ("numeric", "decimal")
    assert on_screen(page, first, width), first.bounding_box()  # their first figure, without scrolling sideways
    assert first.bounding_box()["height"] >= 30  # a cell a finger can hit
    heights = page.locator("tbody tr.grid-row").evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert max(heights) <= ROW_HEIGHT, heights
    read_only_badges_are_described_by_the_note(page)
    assert page.locator(".grid-notes").inner_text().count("đơn vị mình") == 1  # the explanation, said once

    # The row's last cells (the rate, the review) scroll into view in the grid's box; the name stays where it was.
    row = page.locator(f"tr.grid-row:has(input[name=f{phu_cu.pk}-households])")
    name = row.locator("th[scope=row]")
    before = name.bounding_box()["x"]
    last = row.locator("td").last
    last.scroll_into_view_if_needed()
    assert scroll_positions(page)["grid"] > 0 and scroll_positions(page)["page"] == 0
    assert on_screen(page, last, width)
    assert name.bounding_box()["x"] == before
    assert name.bounding_box()["x"] + name.bounding_box()["width"] <= last.bounding_box()["x"]  # not covered
    screenshot(f"{width}-districts-scrolled")
    assert violations(page) == []

    # Someone else saved the row meanwhile: the message under it is read on the screen, not off to the right.
    figure = HouseholdFigure.objects.get(plan__slug=HY, locality=phu_cu, year=2025, kind="target")
    edit = FigureEdit(
        key="r", locality=phu_cu, year=2025, kind="target", values={"households": 30300}, version=figure.version
    )
    make_user("ldtbxh-grid-phone", Role.REVIEWER, province=Locality.objects.get(slug="hung-yen"))
    reviewer = get_user_model().objects.get(username="ldtbxh-grid-phone")
    assert save_figures(user=reviewer, plan=figure.plan, edits=[edit], reason="Rà soát").ok
    first.fill("30.400")
    page.locator("form.grid-form button[type=submit]").click()
    message = page.locator("tr.row-errors .row-message")
    assert message.is_visible() and on_screen(page, message, width), message.bounding_box()
    assert scroll_positions(page)["width"] <= width
    screenshot(f"{width}-districts-conflict")
    assert violations(page) == []


@pytest.mark.parametrize("width", PHONES)
def test_an_agency_officer_edits_their_indicators_on_a_phone(seeded, live_server, page, screenshot, width):
    agency = Agency.objects.get(province__slug="hung-yen", slug="so-yt")
    make_user("soyt-grid-phone", Role.AGENCY_OFFICER, agency=agency)
    log_in(page, live_server, "soyt-grid-phone")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/plans/{HY}/indicators/edit/")
    screenshot(f"{width}-indicators")

    positions = scroll_positions(page)
    assert positions["width"] <= width
    first = page.locator("tr.grid-row:not(.readonly) input.cell-input").first
    assert first.get_attribute("inputmode") in ("numeric", "decimal")
    assert on_screen(page, first, width), first.bounding_box()
    read_only_badges_are_described_by_the_note(page)
    assert page.locator(".grid-notes").inner_text().count("chủ trì") == 1
    assert violations(page) == []
