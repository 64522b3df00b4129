"""A district official edits a target, meets a validation error, saves and submits; a reviewer approves;
the official can no longer edit. In Vietnamese, in Chromium."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from localities.models import Locality
from plans.models import HouseholdFigure
from workflow.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-e2e-2024"
PLAN = "thua-thien-hue-2024"
DISTRICT = "thua-thien-hue-quang-dien"


def make_official(username, role, **scope):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def rate_input(page):
    return page.locator("tr.grid-row", has_text="Huyện Quảng Điền").locator("input.cell-input[name$='-published_rate']")


def test_official_edits_submits_and_the_reviewer_approves_and_locks(seeded, live_server, page, screenshot):
    quang_dien = Locality.objects.get(slug=DISTRICT)
    make_official("quangdien", Role.LOCALITY_OFFICIAL, locality=quang_dien)
    make_official("ldtbxh", Role.REVIEWER, province=Locality.objects.get(slug="thua-thien-hue"))
    figure = HouseholdFigure.objects.get(plan__slug=PLAN, locality=quang_dien, year=2024, kind="target")
    assert figure.published_rate == Decimal("1.56")

    # The official opens the 2024 targets of the district table.
    log_in(page, live_server, "quangdien")
    page.goto(f"{live_server.url}/plans/{PLAN}/districts/edit/?year=2024")
    assert page.locator("tr.grid-row", has_text="Huyện A Lưới").locator("input").count() == 0  # another district
    # An impossible rate: refused next to the cell, nothing saved.
    rate_input(page).fill("150")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator(".cell-error", has_text="từ 0 đến 100").is_visible()
    screenshot("1-validation-error")
    figure.refresh_from_db()
    assert figure.published_rate == Decimal("1.56")
    # Corrected, typed the Vietnamese way.
    rate_input(page).fill("1,48")
    page.get_by_role("button", name="Lưu").click()
    assert page.locator(".messages .success").is_visible()
    figure.refresh_from_db()
    assert figure.published_rate == Decimal("1.48")
    assert rate_input(page).input_value() == "1,48"
    screenshot("2-saved")

    # Submits the district's part for review.
    page.goto(f"{live_server.url}/plans/{PLAN}/review/")
    page.locator(f"form.review-form:has(input[name=locality][value='{DISTRICT}'])").get_by_role(
        "button", name="Gửi duyệt"
    ).click()
    assert page.locator(".messages").is_visible()
    screenshot("3-submitted")
    log_out(page)

    # The reviewer sees it waiting and approves.
    log_in(page, live_server, "ldtbxh")
    page.goto(f"{live_server.url}/plans/{PLAN}/review/")
    waiting = page.locator(f"form.review-form:has(input[name=locality][value='{DISTRICT}'])")
    assert waiting.count() >= 1
    screenshot("4-waiting-for-the-reviewer")
    waiting.get_by_role("button", name="Duyệt và khóa").click()
    assert page.get_by_text("Đã duyệt").first.is_visible()
    screenshot("5-approved")
    log_out(page)

    # The table is locked for the official: the row is read-only, and the district table shows the lock.
    log_in(page, live_server, "quangdien")
    page.goto(f"{live_server.url}/plans/{PLAN}/districts/edit/?year=2024")
    assert rate_input(page).count() == 0
    assert page.locator("tr.grid-row", has_text="Huyện Quảng Điền").locator(".muted", has_text="ldtbxh").is_visible()
    page.goto(f"{live_server.url}/plans/{PLAN}/districts/")
    assert page.get_by_text("Đã duyệt").first.is_visible()
    screenshot("6-locked-for-the-official")
