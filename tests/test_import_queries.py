"""The import reads and writes a workbook in a fixed number of statements, however many rows it changes: a query
per row made the 10.000-row preview of `make bench` twice as slow (the poverty standard's foreign key, checked per
figure), and an UPDATE per figure (or Django's bulk_update, a CASE per column that SQLite evaluates row by row) made
its commit take 13 s on SQLite."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import HouseholdFigure
from spreadsheets.changes import apply_changes
from workflow import services
from workflow.services import FigureEdit, save_figures

from .factories import ProvinceFactory, make_household_plan
from .workbook_factory import edited, read

pytestmark = pytest.mark.django_db

HOUSEHOLDS_2023 = "Năm 2023 — Tổng số hộ dân cư"


def changed_workbook(districts: int):
    plan = make_household_plan(districts=districts, slug=f"thu-nhap-{districts}", province=ProvinceFactory())
    changes = [("Phụ lục 01", f"Huyện Số {i}", HOUSEHOLDS_2023, 20000 + i) for i in range(1, districts + 1)]
    return plan, edited(plan, "01", changes)


def preview_queries(districts: int) -> int:
    plan, data = changed_workbook(districts)
    with CaptureQueriesContext(connection) as queries:
        result = read(data, plan, "01")
    assert len([change for change in result.changes if change.field == "households"]) == districts
    return len(queries.captured_queries)


def commit_statements(districts: int) -> int:
    """The statements of the commit, the households of every district changed (their rates follow)."""
    plan, data = changed_workbook(districts)
    result = read(data, plan, "01")
    with CaptureQueriesContext(connection) as queries:
        assert apply_changes(plan, result.changes, source="thu.xlsx") == len(result.changes)
    stored = HouseholdFigure.objects.filter(plan=plan, year=2023).exclude(locality=plan.province)
    assert sorted(stored.values_list("households", flat=True)) == [20000 + i for i in range(1, districts + 1)]
    return len(queries.captured_queries)


def test_the_preview_of_an_import_runs_as_many_queries_for_30_changed_rows_as_for_3():
    assert preview_queries(30) == preview_queries(3)


def test_the_commit_of_an_import_runs_as_many_statements_for_40_changed_rows_as_for_3():
    """Within a batch (500 figures, or as many as a statement's parameters allow): more rows, more
    statements only when they fill another batch (below)."""
    assert commit_statements(40) == commit_statements(3)


def test_the_history_of_80_figures_is_one_insert_whatever_the_database():
    """SQLite's library takes far more than the 999 parameters Django 5.2 assumes for it (about 58 history rows):
    the batches are as large as the library allows, one statement for the 80 records here."""
    plan = make_household_plan(districts=80, slug="thu-lon", province=ProvinceFactory())
    figures = list(HouseholdFigure.objects.filter(plan=plan, year=2022).exclude(locality=plan.province))
    edits = _new_poor_households(figures)
    with CaptureQueriesContext(connection) as queries:
        result = save_figures(user=None, plan=plan, edits=edits, reason="Rà soát", origin="thử")
    assert result.ok and result.changed == 80
    history = HouseholdFigure.history.model._meta.db_table
    # PostgreSQL loads them with COPY (no statement of thousands of parameters to parse), SQLite with an INSERT.
    writes = (f'INSERT INTO "{history}"', f'COPY "{history}"')
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(writes)]
    assert len(inserts) == 1
    assert HouseholdFigure.history.filter(history_type="~", history_change_reason="Rà soát (thử)").count() == 80


def _new_poor_households(figures) -> list[FigureEdit]:
    """An edit of each figure's poor households (100, 101, …), at the version read."""
    return [
        FigureEdit(str(f.pk), f.locality, 2022, f.kind, {"poor_households": 100 + i}, version=f.version)
        for i, f in enumerate(figures)
    ]


def test_the_commit_runs_one_update_per_batch_of_figures(monkeypatch):
    """Batches of 4: 10 figures are 3 UPDATE statements, the figures of every batch written, each exactly once."""
    monkeypatch.setattr(services, "_BATCH", 4)
    plan = make_household_plan(districts=10, slug="thu-lo", province=ProvinceFactory())
    figures = list(HouseholdFigure.objects.filter(plan=plan, year=2022).exclude(locality=plan.province))
    assert len(figures) == 10
    edits = _new_poor_households(figures)
    with CaptureQueriesContext(connection) as queries:
        result = save_figures(user=None, plan=plan, edits=edits, reason="Rà soát", origin="thử")
    assert result.ok and result.changed == 10
    table = HouseholdFigure._meta.db_table
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 3, updates
    for i, figure in enumerate(figures):
        stored = HouseholdFigure.objects.get(pk=figure.pk)
        assert stored.poor_households == 100 + i
        assert stored.households == figure.households  # a column not written keeps its value
        assert stored.published_rate == (Decimal(100 + i) * 100 / figure.households).quantize(Decimal("0.01"))
        assert stored.version == figure.version + 1
        record = stored.history.order_by("-history_date", "-history_id").first()
        assert (record.history_type, record.poor_households, record.history_change_reason) == (
            "~",
            100 + i,
            "Rà soát (thử)",
        )


def test_a_batched_update_clears_a_figure_and_writes_a_foreign_key_as_save_would():
    """A cleared rate (NULL), its cleared places and the poverty standard (a foreign key) pass through the statement."""
    plan = make_household_plan(districts=2, slug="thu-xoa", province=ProvinceFactory())
    figure = HouseholdFigure.objects.filter(plan=plan, year=2021).exclude(locality=plan.province).first()
    edit = FigureEdit(
        "a", figure.locality, 2021, figure.kind, {"households": None, "published_rate": None}, version=figure.version
    )
    result = save_figures(user=None, plan=plan, edits=[edit])
    assert result.ok, result.errors
    stored = HouseholdFigure.objects.get(pk=figure.pk)
    assert (stored.households, stored.published_rate, stored.published_rate_places) == (None, None, None)
    assert stored.poor_households == figure.poor_households
    assert stored.standard_id == figure.standard_id


def test_the_history_records_of_a_batched_write_are_those_django_simple_history_writes(django_user_model):
    """Every tracked value, who, why and the type of each record: as bulk_history_create writes them."""
    user = django_user_model.objects.create_superuser("thu-lich-su", "thu@example.org", "x")
    plan = make_household_plan(districts=3, slug="thu-lich-su", province=ProvinceFactory())
    figures = list(HouseholdFigure.objects.filter(plan=plan, year=2023).exclude(locality=plan.province))
    # Text with the characters PostgreSQL's COPY escapes, a date, a flag: written into the history as they are.
    HouseholdFigure.objects.filter(pk=figures[0].pk).update(
        note="a\\b\tc\nd\re \\N", source="Báo cáo\t số 1", source_date=datetime.date(2023, 12, 31), is_derived=True
    )
    figures = list(HouseholdFigure.objects.filter(plan=plan, year=2023).exclude(locality=plan.province))
    edits = [
        FigureEdit(str(f.pk), f.locality, 2023, f.kind, {"households": f.households + 7}, version=f.version)
        for f in figures
    ]
    before = timezone.now()
    result = save_figures(user=user, plan=plan, edits=edits, reason="Rà soát", origin="nhập phu-luc.xlsx")
    assert result.ok and result.changed == 3
    History = HouseholdFigure.history.model
    ours = History.objects.filter(
        history_id__in=list(History.objects.filter(history_type="~").values_list("pk", flat=True))
    )
    saved = list(HouseholdFigure.objects.filter(pk__in=[f.pk for f in figures]))
    for figure in saved:
        figure._history_user, figure._change_reason = user, "Rà soát (nhập phu-luc.xlsx)"
    reference = HouseholdFigure.history.bulk_history_create(saved, update=True)

    def records(queryset):
        rows = queryset.order_by("id").values()
        return [{k: v for k, v in row.items() if k not in ("history_id", "history_date")} for row in rows]

    assert len(ours) == 3
    assert records(ours) == records(History.objects.filter(history_id__in=[r.history_id for r in reference]))
    assert {record.history_user_id for record in ours} == {user.pk}
    assert {record.note for record in ours} == {"a\\b\tc\nd\re \\N", ""}
    assert all(before <= record.history_date <= timezone.now() for record in ours)


def test_a_batched_write_converts_each_value_as_the_fields_own_conversion_does():
    """The batched writes take an int or a str as it is where Django's conversion would return it unchanged, and
    convert a foreign key's id once: the parameters are those of get_db_prep_save for every field of a figure and of
    its history record, value by value."""
    samples = [None, 0, 7540, "target", "", "CN2021", Decimal("1.2"), Decimal("2.27"), 12.5, True]
    for model in (HouseholdFigure, HouseholdFigure.history.model):
        for field in model._meta.concrete_fields:
            prepare = services._preparer(field, connection)
            for value in samples:
                try:
                    expected = field.get_db_prep_save(value, connection)
                except (TypeError, ValueError, ValidationError):
                    continue  # a value the field refuses: not one a write passes
                for _twice in range(2):  # a foreign key's converted ids are kept: the second time as the first
                    got = prepare(value)
                    assert (type(got), got) == (type(expected), expected), (model, field.name, value)
