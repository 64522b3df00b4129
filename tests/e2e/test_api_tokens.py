"""In Chromium: a reader creates a personal API token on the site, sees it once, reads a closed plan of their province
through the API with it, and revokes it; the API's documentation page renders from the application's own files."""

import pytest
from playwright.sync_api import expect

from localities.models import Locality
from plans.models import Plan
from workflow.models import Role

from .test_review_workflow import log_in, make_official

pytestmark = pytest.mark.django_db(transaction=True)

PLAN = "hung-yen-2023-2025"


def test_a_reader_creates_uses_and_revokes_an_api_token(page, live_server, seeded, screenshot):
    Plan.objects.filter(slug=PLAN).update(is_public=False)
    make_official("docgia-hy", Role.READER, province=Locality.objects.get(slug="hung-yen"))
    api = f"{live_server.url}/api/v1/plans/{PLAN}"
    assert page.request.get(api).status == 404  # closed: not for anonymous callers

    log_in(page, live_server, "docgia-hy")
    page.goto(f"{live_server.url}/api/tokens/")
    page.get_by_label("Mã truy cập dùng để làm gì?").fill("Bảng điều hành của tỉnh")
    page.get_by_role("button", name="Tạo", exact=True).click()
    expect(page.get_by_text("hãy sao chép ngay: mã sẽ không được hiện lại")).to_be_visible()
    secret = page.locator("#new-token").inner_text().strip()
    screenshot("created")

    answer = page.request.get(api, headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["slug"] == PLAN

    page.goto(f"{live_server.url}/api/tokens/")
    assert secret not in page.content()  # shown once
    expect(page.locator("table.data tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_text("Đã thu hồi mã “Bảng điều hành của tỉnh”")).to_be_visible()
    screenshot("revoked")
    refused = page.request.get(api, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_api_documentation_page_renders_without_internet(page, live_server, seeded, screenshot):
    # The browser reaches nothing but the live server: the page's scripts and styles must come from it.
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("/api/v1/plans/{slug}/appendices/{code}/rows")).to_be_visible()
    screenshot("docs")
