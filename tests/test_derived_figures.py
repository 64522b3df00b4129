"""One rule for derived figures, whatever the channel: a rate follows its counts, or must agree with them within the
same tolerance — in the grid, the import (whose preview shows the rate that moves) and the admin."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from plans.models import HouseholdFigure, Plan
from spreadsheets.importing import apply_changes
from workflow.services import FigureEdit, save_figures

from .workbook_factory import HY, edited, read

pytestmark = pytest.mark.django_db

P01 = "Phụ lục 01"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def tien_lu_2025() -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-tien-lu", year=2025, kind="target")


def test_an_imported_count_moves_its_rate_and_the_preview_shows_it():
    before = tien_lu_2025()
    assert before.published_rate == Decimal("0.55")
    result = read(edited(HY, "01", [(P01, "Tiên Lữ", "Năm 2025 — Tổng số hộ nghèo", 180)]), HY, "01")
    assert result.ok, [str(p) for p in result.errors]
    shown = {(c.column, c.display_old, c.display_new) for c in result.changes}
    assert ("Năm 2025 — Tỷ lệ hộ nghèo (%)", "0.55", "0.54") in shown
    apply_changes(Plan.objects.get(slug=HY), result.changes)
    assert tien_lu_2025().published_rate == Decimal("0.54")  # as the grid gives it


def test_a_count_saved_through_the_service_without_a_rate_recomputes_the_rate_like_the_grid():
    figure = tien_lu_2025()
    edit = FigureEdit("t", figure.locality, 2025, "target", {"poor_households": 180}, version=figure.version)
    assert save_figures(user=None, plan=figure.plan, edits=[edit]).ok
    assert tien_lu_2025().published_rate == Decimal("0.54")


def test_a_rate_typed_against_unchanged_counts_is_refused_everywhere_with_what_the_counts_give(admin_client):
    figure = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-phu-cu", year=2025)
    edit = FigureEdit("r", figure.locality, 2025, "target", {"published_rate": Decimal("1.48")}, figure.version)
    result = save_figures(user=None, plan=figure.plan, edits=[edit])
    assert not result.ok and "disagrees with its counts" in result.errors["r"][0]
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update({"published_rate": "1.48", "version_seen": figure.version})  # English: the admin reads 1.48
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "disagrees with its counts" in str(response.context["adminform"].form.errors)
    figure.refresh_from_db()
    assert figure.published_rate != Decimal("1.48")


def test_a_rate_without_household_totals_is_stored_as_given():
    figure = HouseholdFigure.objects.filter(plan__slug="thua-thien-hue-2024", households__isnull=True).first()
    edit = FigureEdit(
        "h", figure.locality, figure.year, figure.kind, {"published_rate": Decimal("3.21")}, figure.version
    )
    assert save_figures(user=None, plan=figure.plan, edits=[edit]).ok
    figure.refresh_from_db()
    assert figure.published_rate == Decimal("3.21")


# --- consequences shown before the save ------------------------------------------------------------------


def test_the_preview_warns_when_a_change_makes_the_total_row_drift_from_its_rows(small_plan):
    from io import BytesIO

    from spreadsheets.export import workbook_bytes
    from spreadsheets.importing import read_workbook
    from tests.workbook_factory import open_workbook, to_bytes

    workbook = open_workbook(workbook_bytes(small_plan, "01"))
    ws = workbook.worksheets[0]
    from tests.workbook_factory import cell

    target = cell(ws, "Huyện Số 1", "Năm 2022 — Tổng số hộ nghèo")
    target.value = target.value - 5
    data = to_bytes(workbook)
    result = read_workbook(BytesIO(data), size=len(data), plan=small_plan, appendix=small_plan.appendices.get())
    assert result.ok, [str(p) for p in result.errors]
    warnings = [str(n) for n in result.warnings if "no longer equals the sum of its rows" in str(n)]
    assert len(warnings) == 1 and "off by +5" in warnings[0]


def test_the_preview_warns_when_a_rate_falls_by_more_than_half_in_a_year(small_plan):
    from io import BytesIO

    from spreadsheets.export import workbook_bytes
    from spreadsheets.importing import read_workbook
    from tests.workbook_factory import cell, open_workbook, to_bytes

    workbook = open_workbook(workbook_bytes(small_plan, "01"))
    ws = workbook.worksheets[0]
    poor = cell(ws, "Huyện Số 1", "Năm 2022 — Tổng số hộ nghèo")
    poor.value = 100  # 450 → 100 of 10.000 households: 4,50% → 1,00%
    data = to_bytes(workbook)
    result = read_workbook(BytesIO(data), size=len(data), plan=small_plan, appendix=small_plan.appendices.get())
    assert any("by more than half in a year" in str(n) for n in result.warnings), [str(n) for n in result.warnings]
