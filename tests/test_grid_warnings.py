"""The grid shows what a save would do beyond its cells, and saves only once the person confirms it for the same
entries; every kind of data-quality finding an edit can bring about is among those warnings, so the quality page is
never the first to find it — it lists the figures as published and those saved with a confirmed warning."""

from decimal import Decimal

import pytest
from django.urls import reverse

from analysis.origins import AS_PUBLISHED, CONFIRMED, finding_origins
from analysis.quality import REMAINING_POOR, TOTAL_IS_SUM, TOTAL_RATE_FROM_SUMS, check_plan
from plans.models import HouseholdFigure, Plan
from workflow.models import Role
from workflow.services import FigureEdit, save_figures

from .factories import make_role_user
from .helpers_b_grids import as_user, confirm_button, districts_url, load, prefix, snapshot
from .test_quality import CONSISTENT, build_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]


def grid_2024(plan) -> str:
    return f"{districts_url(plan)}?kind=target&year=2024"


def stored(plan, name: str, year=2024) -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan=plan, locality__name=name, year=year)


@pytest.fixture
def plan() -> Plan:
    return build_plan("ke-hoach-canh-bao", CONSISTENT)  # 2023 results, 2024 targets; totals add up


@pytest.fixture
def reviewer(plan):
    return make_role_user(Role.REVIEWER, province=plan.province)


def warnings_of(response) -> list[str]:
    return [str(warning) for warning in response.context["warnings"]]


def test_a_count_change_is_not_saved_at_once_the_warnings_name_row_column_and_old_and_new_rate(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    huyen_b = stored(plan, "Huyện B")
    values[f"{prefix(huyen_b.locality)}-poor_households"] = "345"  # 350 → 345 of 20.200: 1,73% → 1,71%
    before = snapshot()
    response = client.post(grid_2024(plan), values)
    assert response.status_code == 200 and snapshot() == before  # nothing saved yet
    warnings = warnings_of(response)
    # The rate that moves, old → new, on its row and column, in Vietnamese.
    assert "Huyện B, Năm 2024 — Tỷ lệ hộ nghèo (%): tỷ lệ đổi từ 1,73% thành 1,71%" in " ".join(warnings), warnings
    # The total that no longer equals its rows: “Tổng cộng lệch +5”.
    assert any(w.startswith("Toàn tỉnh, Năm 2024 — Tổng số hộ nghèo:") and "lệch +5" in w for w in warnings), warnings
    page = response.content.decode()
    assert "Xác nhận và lưu" in page
    assert 'value="345"' in page  # the entry is kept


def test_confirming_saves_and_the_history_records_the_confirmed_warnings(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    huyen_b = stored(plan, "Huyện B")
    values[f"{prefix(huyen_b.locality)}-poor_households"] = "345"
    name, fingerprint = confirm_button(client.post(grid_2024(plan), values).content.decode())
    response = client.post(grid_2024(plan), {**values, name: fingerprint})
    assert response.status_code == 302
    saved = stored(plan, "Huyện B")
    assert (saved.poor_households, saved.published_rate) == (345, Decimal("1.71"))
    record = saved.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == reviewer
    assert record.history_change_reason.startswith("⚠ ") and "lệch +5" in record.history_change_reason


def test_a_confirmation_given_for_other_entries_does_not_save(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    cell = f"{prefix(stored(plan, 'Huyện B').locality)}-poor_households"
    values[cell] = "345"
    name, fingerprint = confirm_button(client.post(grid_2024(plan), values).content.decode())
    values[cell] = "300"  # changed after reading the warnings about 345
    before = snapshot()
    response = client.post(grid_2024(plan), {**values, name: fingerprint})
    assert response.status_code == 200 and snapshot() == before
    assert any("lệch +50" in warning for warning in warnings_of(response))  # warned again, about 300
    _name, new_fingerprint = confirm_button(response.content.decode())
    assert new_fingerprint != fingerprint
    assert client.post(grid_2024(plan), {**values, name: new_fingerprint}).status_code == 302
    assert stored(plan, "Huyện B").poor_households == 300


def test_an_edit_without_consequences_saves_at_once(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    # Huyện A and the total both one household more: the total still adds up, no rate moves at two decimals.
    values[f"{prefix(stored(plan, 'Huyện A').locality)}-households"] = "10.101"
    values[f"{prefix(plan.province)}-households"] = "35.351"
    response = client.post(grid_2024(plan), values)
    assert response.status_code == 302
    assert stored(plan, "Huyện A").households == 10101


def test_a_refusal_is_said_before_any_warning(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    values[f"{prefix(stored(plan, 'Huyện B').locality)}-poor_households"] = "40.000"  # more than its households
    response = client.post(grid_2024(plan), values)
    assert response.status_code == 200 and response.context["warnings"] == []
    assert confirm_button(response.content.decode()) == (None, None)


# Every kind of finding an edit of a figure can bring about is warned about by the grid before the save ----------

EDITS = [
    # (row, column name, new value): the findings each brings about on the quality page once saved
    ("Huyện C", "poor_households", "190"),  # remaining poor 250 − 50 ≠ 190; the total's poor and rate off the rows
    ("Huyện A", "planned_reduction", "25"),  # remaining poor 120 − 25 ≠ 100; the total's reduction off the rows
    ("Toàn tỉnh", "poor_households", "640"),  # the total's count and rate off the rows; remaining 870 − 220 ≠ 640
]


@pytest.mark.parametrize(("row", "column", "value"), EDITS)
def test_every_finding_an_edit_brings_about_was_a_warning_confirmed_before_the_save(
    client, plan, reviewer, row, column, value
):
    findings_before = {(f.rule, f.row, f.column) for f in check_plan(plan)}
    assert findings_before == set()
    values = load(as_user(client, reviewer), grid_2024(plan))
    locality = plan.province if row == "Toàn tỉnh" else stored(plan, row).locality
    values[f"{prefix(locality)}-{column}"] = value
    response = client.post(grid_2024(plan), values)
    warned = {(w.kind, w.row, w.column) for w in response.context["warnings"]}
    name, fingerprint = confirm_button(response.content.decode())
    assert client.post(grid_2024(plan), {**values, name: fingerprint}).status_code == 302

    findings = check_plan(plan)
    assert findings, "the edit should bring about a finding"
    assert {(f.rule, f.row, f.column) for f in findings} <= warned  # none the save did not warn about first
    assert {f.rule for f in findings} & {REMAINING_POOR, TOTAL_IS_SUM, TOTAL_RATE_FROM_SUMS}
    # The quality page names them as saved with a confirmed warning, by whom.
    origins = finding_origins(plan, findings)
    assert {origin.kind for origin in origins} == {CONFIRMED}
    assert all(reviewer.username in origin.user for origin in origins)


def test_a_rate_the_save_path_lets_through_is_not_a_quality_finding_one_tolerance():
    """A rate against its counts, the fourth household rule: the grid computes it, the service refuses a typed one
    beyond the tolerance (tests/test_derived_figures.py), and one within it is no finding either."""
    plan = build_plan("ke-hoach-dung-sai", CONSISTENT)
    huyen_b = stored(plan, "Huyện B")  # 350 of 20.200: 1,73%
    edit = FigureEdit("b", huyen_b.locality, 2024, "target", {"published_rate": Decimal("1.74")}, huyen_b.version)
    assert save_figures(user=None, plan=plan, edits=[edit]).ok  # one in the last place: as a document may print it
    assert check_plan(plan) == []
    edit = FigureEdit("b", huyen_b.locality, 2024, "target", {"published_rate": Decimal("1.75")}, huyen_b.version + 1)
    assert not save_figures(user=None, plan=plan, edits=[edit]).ok  # beyond: refused, never found later


def test_the_seed_plans_published_disagreements_stay_listed_as_published(client):
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    findings = check_plan(plan)
    assert {f.rule for f in findings} >= {TOTAL_IS_SUM}  # the 2024 total, 9 short of its rows, as printed
    assert {origin.kind for origin in finding_origins(plan, findings)} == {AS_PUBLISHED}
    page = client.get(reverse("reports:quality", args=[plan.slug])).content.decode()
    assert "Như văn bản công bố" in page


def test_the_quality_page_names_who_confirmed_a_warning(client, plan, reviewer):
    values = load(as_user(client, reviewer), grid_2024(plan))
    values[f"{prefix(stored(plan, 'Huyện C').locality)}-poor_households"] = "190"
    name, fingerprint = confirm_button(client.post(grid_2024(plan), values).content.decode())
    client.post(grid_2024(plan), {**values, name: fingerprint})
    page = client.get(reverse("reports:quality", args=[plan.slug])).content.decode()
    assert "Lưu với cảnh báo đã được xác nhận" in page and reviewer.username in page


def test_an_edit_of_a_year_warns_about_the_next_years_poor_households_left_as_the_full_check_finds_them():
    """The warnings look only at the cells an edit can change (its year, the next year's poor households left, the
    total row), so that a 10.000-row import is checked quickly: what they find is what the whole table's check finds
    after the save, here a 2023 result whose change leaves the 2024 target's remaining poor households off."""
    from analysis.consequences import household_consequences
    from analysis.quality import household_table_findings
    from plan_tables.household import household_table, table_with_edits

    plan = build_plan("ke-hoach-nam-sau", CONSISTENT)
    appendix = plan.appendices.get(code="01")
    table = household_table(appendix, with_figures=False)
    huyen_c = stored(plan, "Huyện C", year=2023)
    edits = {(huyen_c.locality_id, 2023, "result"): {"poor_households": 260}}  # 260 − 50 ≠ 200 left in 2024
    warnings = household_consequences(table, edits)
    warned = {(w.kind, w.row, w.column) for w in warnings}
    assert (REMAINING_POOR, "Huyện C", "Năm 2024 — Tổng số hộ nghèo") in warned, warned
    before = {(f.rule, f.row, f.column, f.published, f.computed) for f in household_table_findings(appendix, table)}
    after = household_table_findings(appendix, table_with_edits(table, edits))
    new = {(f.rule, f.row, f.column) for f in after if (f.rule, f.row, f.column, f.published, f.computed) not in before}
    assert new and new <= warned
