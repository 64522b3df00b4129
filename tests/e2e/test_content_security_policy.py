"""Every main page, and the admin, runs under the Content-Security-Policy with no violation in Chromium: no
inline script or style is left that the policy would block (a blocked one is a broken page)."""

import pytest
from django.contrib.auth import get_user_model

from localities.models import Locality
from workflow.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-e2e-2024"
HY = "hung-yen-2023-2025"
PUBLIC_PAGES = [
    "/",
    f"/plans/{HY}/",
    f"/plans/{HY}/districts/",
    f"/plans/{HY}/indicators/",
    f"/plans/{HY}/tasks/",
    f"/plans/{HY}/quality/",
    f"/plans/{HY}/results/",
    "/localities/hung-yen-phu-cu/",
    "/accounts/login/",
    "/khong-co-trang-nay/",
]
REVIEWER_PAGES = [
    f"/plans/{HY}/districts/edit/",
    f"/plans/{HY}/indicators/edit/",
    f"/plans/{HY}/review/",
    f"/plans/{HY}/history/",
    f"/plans/{HY}/appendices/01/import/",
    "/admin/",
    "/admin/plans/householdfigure/",
]
OFFICIAL_PAGES = [f"/plans/{HY}/indicators/edit/"]  # refused: the 403 page


def watch_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def visit(page, live_server, paths, violations):
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
        page.wait_for_load_state("load")
        assert violations == [], f"{path}: {violations}"


def test_the_pages_pass_the_content_security_policy_without_a_violation(seeded, live_server, page):
    hung_yen = Locality.objects.get(slug="hung-yen")
    reviewer = get_user_model().objects.create_user("ldtbxh-csp", password=PASSWORD, is_staff=True, is_superuser=True)
    RoleAssignment.objects.create(user=reviewer, role=Role.REVIEWER, province=hung_yen)
    official = get_user_model().objects.create_user("phucu-csp", password=PASSWORD)
    RoleAssignment.objects.create(
        user=official, role=Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug="hung-yen-phu-cu")
    )
    violations = watch_violations(page)
    visit(page, live_server, PUBLIC_PAGES, violations)
    log_in(page, live_server, "phucu-csp")
    visit(page, live_server, OFFICIAL_PAGES, violations)
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, live_server, "ldtbxh-csp")
    visit(page, live_server, REVIEWER_PAGES, violations)


def test_an_injected_inline_script_is_blocked(seeded, live_server, page):
    """The policy is really enforced: a script written into the page does not run."""
    violations = watch_violations(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__ran === undefined")
    page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in violations), violations
