"""A write interrupted half-way leaves the database as it was: multi-row edits and imports are one transaction."""

import pytest
from django.db import DatabaseError, connection

from plans.models import HouseholdFigure
from spreadsheets.importing import apply_changes
from workflow.services import FigureEdit, save_figures

from .factories import make_household_plan
from .workbook_factory import database_state, edited, read

pytestmark = pytest.mark.django_db

P01 = "Phụ lục 01"
DISTRICTS = [f"Huyện Số {i}" for i in range(1, 6)]


@pytest.fixture
def plan():
    """Five districts, so that an edit or an import touches five rows."""
    return make_household_plan(districts=5)


def five_more_households(plan) -> bytes:
    """The export with one more household in 2023 for the five districts (the published rates still agree)."""
    figures = {
        name: HouseholdFigure.objects.get(plan=plan, locality__name=name, year=2023, kind="target")
        for name in DISTRICTS
    }
    return edited(
        plan, "01", [(P01, name, "Năm 2023 — Tổng số hộ dân cư", f.households + 1) for name, f in figures.items()]
    )


@pytest.fixture
def failing_second_write():
    """The database fails on the second statement that writes figures or their history, as a lost connection or a
    full disk would: after the first has gone through (an INSERT, UPDATE or COPY). Caught at the database
    (connection.execute_wrapper), so the test holds whether the service saves row by row or in batches."""
    writes = []

    def fail(execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        # COPY: how the history records are loaded on PostgreSQL.
        if statement.startswith(("INSERT", "UPDATE", "COPY")) and "HOUSEHOLDFIGURE" in statement:
            writes.append(statement.split("(")[0][:60])
            if len(writes) == 2:
                raise DatabaseError("connection lost (simulated)")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield writes


def test_an_edit_of_five_rows_interrupted_after_its_first_write_writes_none_of_them(plan, failing_second_write):
    figures = list(
        HouseholdFigure.objects.filter(
            plan=plan, year=2023, kind="target", locality__name__in=DISTRICTS
        ).select_related("locality")
    )
    assert len(figures) == 5
    edits = [
        FigureEdit(
            key=str(f.pk),
            locality=f.locality,
            year=2023,
            kind="target",
            values={"households": f.households + 1},
            version=f.version,
        )
        for f in figures
    ]
    before = database_state()
    with pytest.raises(DatabaseError):
        save_figures(user=None, plan=plan, edits=edits, reason="thử")
    assert len(failing_second_write) == 2  # one write went through before the failure, and was rolled back
    assert database_state() == before


def test_an_import_interrupted_after_its_first_write_writes_nothing(plan, failing_second_write):
    result = read(five_more_households(plan), plan, "01")
    assert result.ok and len(result.changes) == 5
    before = database_state()
    with pytest.raises(DatabaseError):
        apply_changes(plan, result.changes, source="phu-luc-01.xlsx")
    assert len(failing_second_write) == 2
    assert database_state() == before


def test_the_same_import_without_the_failure_writes_all_five(plan):
    before = {f.pk: f.households for f in HouseholdFigure.objects.filter(plan=plan, year=2023)}
    result = read(five_more_households(plan), plan, "01")
    assert apply_changes(plan, result.changes) == 5
    changed = [f for f in HouseholdFigure.objects.filter(plan=plan, year=2023) if f.households != before[f.pk]]
    assert sorted(f.households - before[f.pk] for f in changed) == [1] * 5
