"""A new user sets up a ward-level 2026 plan for Thành phố Huế through the admin — a ward directly under the city,
its succession from the old provincial city with a share of households, the plan following Thừa Thiên Huế's, an
appendix whose columns are chosen from lists — and sees the ward's figures carried across the reform. In Vietnamese,
in Chromium. The screenshots illustrate docs/adding-a-plan.md (renewed with UPDATE_DOC_SCREENSHOTS=1)."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from localities.models import Locality, LocalitySuccession
from plans.models import Appendix, Plan

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-e2e-2026"
WARD = "Phường Minh Họa"  # illustrative: not a real ward
ROOT = Path(__file__).resolve().parent.parent.parent
# The guide's screenshots are renewed on demand (UPDATE_DOC_SCREENSHOTS=1), so that a test run leaves the tree clean.
DOC_IMAGES = ROOT / "docs" / "images" if os.environ.get("UPDATE_DOC_SCREENSHOTS") else ROOT / "artifacts" / "e2e"


def choose(page, field_id: str, typed: str, option: str, *, exact: bool = False):
    """An admin autocomplete (select2): open it, type, pick the option (`exact`: the option's whole text)."""
    page.locator(f"[aria-labelledby='select2-{field_id}-container']").click()
    page.locator(".select2-search__field").fill(typed)
    text = re.compile(f"^{re.escape(option)}$") if exact else option
    page.locator(".select2-results__option").filter(has_text=text).first.click()


def doc_screenshot(page, name: str):
    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_IMAGES / f"new-plan-{name}.png"), full_page=False)


def test_a_new_user_sets_up_a_ward_plan_for_thanh_pho_hue_and_sees_its_lineage(seeded, live_server, page, screenshot):
    get_user_model().objects.create_superuser("quantri", "quantri@example.org", PASSWORD)
    base = live_server.url
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/")

    # 1. The ward, directly under the city, valid from 01/07/2025.
    page.goto(f"{base}/admin/localities/locality/add/")
    page.locator("#id_name").fill(WARD)
    page.locator("#id_kind").select_option("ward")
    choose(page, "id_parent", "Huế", "Thành phố Huế (từ 01/01/2025)")
    page.locator("#id_valid_from").fill("01/07/2025")
    doc_screenshot(page, "1-ward")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/localities/locality/")
    ward = Locality.objects.get(name=WARD)
    assert ward.parent.slug == "hue"

    # 2. Its succession: 40 % of the old provincial city's households.
    page.goto(f"{base}/admin/localities/localitysuccession/add/")
    choose(page, "id_predecessor", "Thành phố Huế", "Thành phố Huế", exact=True)  # the provincial city, to 2025
    choose(page, "id_successor", "Minh Họa", WARD)
    page.locator("#id_kind").select_option("split")
    page.locator("#id_effective_date").fill("01/07/2025")
    page.locator("#id_share_percent").fill("40")
    doc_screenshot(page, "2-succession")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/localities/localitysuccession/")
    succession = LocalitySuccession.objects.get(successor=ward)
    assert succession.predecessor.slug == "thua-thien-hue-thanh-pho-hue"

    # 3. The plan, following Thừa Thiên Huế's 2024 plan.
    page.goto(f"{base}/admin/plans/plan/add/")
    page.locator("#id_province").select_option(label="Thành phố Huế (từ 01/01/2025)")
    page.locator("#id_title").fill("Kế hoạch giảm nghèo bền vững giai đoạn 2026 - 2030 (minh họa)")
    choose(page, "id_follows", "03", "Kế hoạch số 03/KH-UBND")
    page.locator("#id_issuer").fill("ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ")
    page.locator("#id_first_year").fill("2026")
    page.locator("#id_last_year").fill("2030")
    page.locator("#id_slug").fill("hue-phuong-2026-2030")  # last: the admin proposes one from the title as it is typed
    doc_screenshot(page, "3-plan")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/plans/plan/")
    plan = Plan.objects.get(slug="hue-phuong-2026-2030")
    assert plan.follows.slug == "thua-thien-hue-2024"

    # 4. Its appendix: columns chosen from lists, the ward as its row.
    page.goto(f"{base}/admin/plans/appendix/add/")
    choose(page, "id_plan", "2026", "Kế hoạch số …")
    page.locator("#id_code").fill("01")
    page.locator("#id_kind").select_option("household_figures")
    page.locator("#id_title").fill("Phụ lục 01\nSỐ HỘ NGHÈO THEO PHƯỜNG, XÃ")
    page.locator("#id_label_header").fill("Phường, xã")
    for index, (field, kind, year) in enumerate(
        [("poor_households", "result", "2023"), ("poverty_rate", "result", "2023"), ("poverty_rate", "target", "2026")]
    ):
        page.locator(f"select[name=columns-{index}-field]").select_option(field)
        page.locator(f"select[name=columns-{index}-kind]").select_option(kind)
        page.locator(f"input[name=columns-{index}-year]").fill(year)
    page.locator(".add-row a").last.click()  # a row of the appendix
    choose(page, "id_rows-0-locality", "Minh Họa", WARD)
    page.locator("#id_rows-0-label").fill("Minh Họa")
    doc_screenshot(page, "4-appendix")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{base}/admin/plans/appendix/")
    appendix = Appendix.objects.get(plan=plan)
    assert next((c["field"], c["year"], c["kind"]) for c in appendix.columns) == ("poor_households", 2023, "result")

    # 5. The ward's page: the old provincial city's 2023 figures carried onto it, 40 % of them, marked derived.
    page.goto(f"{base}/localities/{ward.slug}/")
    row = page.locator('tr[data-year="2023"][data-kind="result"]')
    assert "suy ra" in row.inner_text()
    assert "Thành phố Huế" in row.inner_text() and "40,00%" in row.inner_text()
    doc_screenshot(page, "5-lineage")
    screenshot("lineage")

    # The plan page says what it follows.
    page.goto(f"{base}/plans/{plan.slug}/")
    assert page.locator(".plan-lineage").inner_text().count("03/KH-UBND") == 1
