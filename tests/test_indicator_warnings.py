"""Issue 13, point 2, for indicator values: the indicator grid and the import of an indicator appendix show what a
save would bring about on the quality page — a target moved against its indicator's direction, on the year edited
or the year after — and save only once the person confirms it; the quality page then lists nothing the save path
did not warn about first, and names who confirmed. The cases are Hưng Yên's Phụ lục 02 as published (2022 results,
2023–2025 targets)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from analysis.origins import AS_PUBLISHED, CONFIRMED, finding_origins
from analysis.quality import TARGET_DIRECTION, check_plan
from indicators.models import IndicatorValue, PlanIndicator
from plans.models import Plan

from .helpers_b_grids import as_user, confirm_button, indicators_url, load, snapshot
from .workbook_factory import HY, database_state, edited

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

# Phụ lục 02 as published: (2022 result, 2023, 2024, 2025 targets) and the way each indicator should move.
STUNTED = "+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng chiều cao theo tuổi"  # 21; 20,6; 20,3; dưới 15 — should fall
UNDERWEIGHT = "+ Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi"  # 9,7; 9,8; 9,6; dưới 9 — should fall
CLEAN_WATER = "+ Tỷ lệ hộ nghèo, hộ cận nghèo sử dụng nước sinh hoạt hợp vệ sinh"  # 60,68; 75; 88; 100 — should rise
LATRINES = "+ Tỷ lệ hộ nghèo, hộ cận nghèo sử dụng nhà tiêu hợp vệ sinh."  # 80,47; 82,56; 84,65; 86,74 — should rise
IMPORT_02 = reverse("spreadsheets:import_appendix", args=[HY, "02"])


@pytest.fixture
def plan() -> Plan:
    return Plan.objects.get(slug=HY)


@pytest.fixture
def reviewer(hung_yen_people):
    return hung_yen_people["reviewer"]


def indicator(plan, text: str) -> PlanIndicator:
    return PlanIndicator.objects.get(plan=plan, text=text)


def target(plan, text: str, year: int) -> IndicatorValue:
    return IndicatorValue.objects.get(plan_indicator=indicator(plan, text), year=year, kind="target")


def cell(plan, text: str, year: int) -> str:
    return f"i{indicator(plan, text).pk}-value_{year}"


def warnings_of(response) -> list[str]:
    return [str(warning) for warning in response.context["warnings"]]


def direction_findings(plan) -> dict[tuple, tuple]:
    """The quality page's direction findings: (rule, plan indicator, year) → (value, the value before it)."""
    return {
        (f.rule, f.plan_indicator_id, f.year): (f.published, f.computed)
        for f in check_plan(plan)
        if f.rule == TARGET_DIRECTION
    }


# The grid -----------------------------------------------------------------------------------------------------


def test_a_target_edited_against_its_direction_is_warned_about_and_not_saved_until_confirmed(client, plan, reviewer):
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, STUNTED, 2024)] = "20,8"  # after 20,6 in 2023: the rate of stunted children should fall
    before = snapshot()
    response = client.post(indicators_url(plan), values)
    assert response.status_code == 200 and snapshot() == before  # nothing saved yet
    # The indicator, the year and the column, and what the quality page would say, in Vietnamese.
    assert warnings_of(response) == [
        f"{STUNTED}, Chỉ tiêu 2024: Chỉ tiêu tăng trong khi cần giảm: 20,8 năm 2024 so với 20,6 năm 2023 "
        "(thay đổi +0,2)."
    ]
    page = response.content.decode()
    assert "Xác nhận và lưu" in page and 'id="save-warnings"' in page
    assert 'value="20,8"' in page  # the entry is kept
    assert target(plan, STUNTED, 2024).value == Decimal("20.3")


def test_confirming_saves_the_target_and_the_quality_page_names_who_confirmed(client, plan, reviewer):
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, STUNTED, 2024)] = "20,8"
    name, fingerprint = confirm_button(client.post(indicators_url(plan), values).content.decode())
    assert name == "confirm_warnings" and fingerprint
    response = client.post(indicators_url(plan), {**values, name: fingerprint})
    assert response.status_code == 302
    saved = target(plan, STUNTED, 2024)
    assert saved.value == Decimal("20.8")
    record = saved.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == reviewer
    assert record.history_change_reason.startswith("⚠ ") and "Chỉ tiêu tăng trong khi cần giảm" in (
        record.history_change_reason
    )
    page = client.get(reverse("reports:quality", args=[plan.slug])).content.decode()
    assert "20,8 năm 2024 so với 20,6 năm 2023" in page
    assert "Lưu với cảnh báo đã được xác nhận" in page and reviewer.username in page
    # The published disagreement next to it (9,8 in 2023 after 9,7) stays "as published".
    assert "Như văn bản công bố" in page


def test_a_confirmation_given_for_another_target_does_not_save(client, plan, reviewer):
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, STUNTED, 2024)] = "20,8"
    name, fingerprint = confirm_button(client.post(indicators_url(plan), values).content.decode())
    values[cell(plan, STUNTED, 2024)] = "21"  # changed after reading the warning about 20,8
    before = snapshot()
    response = client.post(indicators_url(plan), {**values, name: fingerprint})
    assert response.status_code == 200 and snapshot() == before
    assert any("21 năm 2024 so với 20,6 năm 2023" in warning for warning in warnings_of(response))


def test_a_target_edited_with_its_direction_saves_at_once(client, plan, reviewer):
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, CLEAN_WATER, 2024)] = "90"  # 75 → 90 → 100: still rising
    response = client.post(indicators_url(plan), values)
    assert response.status_code == 302
    assert target(plan, CLEAN_WATER, 2024).value == Decimal("90")
    record = target(plan, CLEAN_WATER, 2024).history.order_by("-history_date", "-history_id").first()
    assert "⚠" not in (record.history_change_reason or "")


def test_an_edit_that_keeps_a_published_disagreement_as_it_was_is_not_warned_about(client, plan, reviewer):
    """9,8 in 2023 after 9,7 is in the document: a save of another year of that indicator does not bring it about."""
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, UNDERWEIGHT, 2024)] = "9,5"  # 9,8 → 9,5 → dưới 9: falling
    assert client.post(indicators_url(plan), values).status_code == 302


def test_a_refusal_is_said_before_the_warning(client, plan, reviewer):
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, CLEAN_WATER, 2024)] = "120"  # a percentage over 100, and falling after it in 2025
    response = client.post(indicators_url(plan), values)
    assert response.status_code == 200 and response.context["warnings"] == []
    assert confirm_button(response.content.decode()) == (None, None)


# The import -----------------------------------------------------------------------------------------------------


def phu_luc_02(year_2024: str) -> bytes:
    return edited(HY, "02", [("Phụ lục 02", STUNTED, "Năm 2024", year_2024)])


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("phu-luc-02.xlsx", data, content_type="application/octet-stream")


def test_the_import_preview_lists_the_warning_and_refuses_without_the_box(client, plan, reviewer):
    as_user(client, reviewer)
    response = client.post(IMPORT_02, {"workbook": upload(phu_luc_02("20,8"))})
    assert response.status_code == 200
    warnings = [str(warning) for warning in response.context["result"].warnings]
    assert len(warnings) == 1, warnings
    # The sheet, its row and its column; the indicator and what the quality page would say.
    assert warnings[0].startswith("Trang tính “Phụ lục 02”, dòng ") and "cột “Năm 2024”" in warnings[0]
    assert f"{STUNTED}: Chỉ tiêu tăng trong khi cần giảm: 20,8 năm 2024 so với 20,6 năm 2023" in warnings[0]
    page = response.content.decode()
    assert "Tôi đã đọc các cảnh báo" in page
    token, before = response.context["token"], database_state()
    response = client.post(IMPORT_02, {"confirm": "1", "token": token})
    assert response.status_code == 400 and database_state() == before
    response = client.post(IMPORT_02, {"confirm": "1", "token": token, "warnings_read": "1"})
    assert response.status_code == 302
    saved = target(plan, STUNTED, 2024)
    assert saved.value == Decimal("20.8")
    reason = saved.history.order_by("-history_date", "-history_id").first().history_change_reason
    assert "phu-luc-02.xlsx" in reason and "⚠ " in reason and "Chỉ tiêu tăng trong khi cần giảm" in reason
    origins = finding_origins(plan, [f for f in check_plan(plan) if f.plan_indicator_id == saved.plan_indicator_id])
    assert [origin.kind for origin in origins] == [CONFIRMED]


def test_an_indicator_import_without_consequences_needs_no_box(client, plan, reviewer):
    as_user(client, reviewer)
    response = client.post(IMPORT_02, {"workbook": upload(phu_luc_02("20"))})  # 20,6 → 20 → dưới 15: falling
    assert response.context["result"].warnings == []
    assert "Tôi đã đọc các cảnh báo" not in response.content.decode()
    response = client.post(IMPORT_02, {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302 and target(plan, STUNTED, 2024).value == Decimal("20")


def test_the_command_saves_an_indicator_warning_only_with_accept_warnings(plan, tmp_path):
    path = tmp_path / "phu-luc-02.xlsx"
    path.write_bytes(phu_luc_02("20,8"))
    out = StringIO()
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import_appendix", HY, str(path), "--appendix", "02", stdout=out)
    assert "Chỉ tiêu tăng trong khi cần giảm: 20,8 năm 2024" in out.getvalue()
    assert target(plan, STUNTED, 2024).value == Decimal("20.3")
    call_command("import_appendix", HY, str(path), "--appendix", "02", "--accept-warnings", stdout=out)
    assert target(plan, STUNTED, 2024).value == Decimal("20.8")


# Every finding an edit of a target brings about was a warning confirmed first ------------------------------------

EDITS = [
    # (indicator, year, new value): the direction findings it brings about, or changes, once saved
    (STUNTED, 2024, "20,8"),  # 2024 rises after 20,6
    (STUNTED, 2024, "14"),  # 2025's “dưới 15” now rises after 14: a finding on the year after the one edited
    (CLEAN_WATER, 2024, "70"),  # 2024 falls after 75
    (LATRINES, 2024, "90"),  # 2025's 86,74 now falls after 90
    (UNDERWEIGHT, 2023, "9,9"),  # the published finding (9,8 after 9,7) with other figures: 9,9 after 9,7
]


@pytest.mark.parametrize(
    ("text", "year", "value"),
    EDITS,
    ids=["stunted-rises", "stunted-next-year-rises", "water-falls", "latrines-next-year-falls", "underweight-changed"],
)
def test_every_indicator_finding_an_edit_brings_about_was_a_warning_confirmed_before_the_save(
    client, plan, reviewer, text, year, value
):
    before = direction_findings(plan)
    values = load(as_user(client, reviewer), indicators_url(plan))
    values[cell(plan, text, year)] = value
    response = client.post(indicators_url(plan), values)
    warned = {(w.kind, w.plan_indicator_id, w.year) for w in response.context["warnings"]}
    name, fingerprint = confirm_button(response.content.decode())
    assert client.post(indicators_url(plan), {**values, name: fingerprint}).status_code == 302

    after = direction_findings(plan)
    brought_about = {key for key, figures in after.items() if before.get(key) != figures}
    assert brought_about, "the edit should bring about a finding"
    assert brought_about <= warned  # none the save did not warn about first
    # The quality page names them as saved with a confirmed warning, by whom; the others stay as published.
    findings = [f for f in check_plan(plan) if f.rule == TARGET_DIRECTION]
    for finding, origin in zip(findings, finding_origins(plan, findings), strict=True):
        if (finding.rule, finding.plan_indicator_id, finding.year) in brought_about:
            assert origin.kind == CONFIRMED and reviewer.username in origin.user
        else:
            assert origin.kind == AS_PUBLISHED
