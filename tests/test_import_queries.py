"""The import reads a workbook in a fixed number of queries, however many rows it changes: a query per row
made the 10.000-row preview of `make bench` twice as slow (the poverty standard's foreign key, checked per figure)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ProvinceFactory, make_household_plan
from .workbook_factory import edited, read

pytestmark = pytest.mark.django_db

HOUSEHOLDS_2023 = "Năm 2023 — Tổng số hộ dân cư"


def preview_queries(districts: int) -> int:
    plan = make_household_plan(districts=districts, slug=f"thu-nhap-{districts}", province=ProvinceFactory())
    changes = [("Phụ lục 01", f"Huyện Số {i}", HOUSEHOLDS_2023, 20000 + i) for i in range(1, districts + 1)]
    data = edited(plan, "01", changes)
    with CaptureQueriesContext(connection) as queries:
        result = read(data, plan, "01")
    assert len([change for change in result.changes if change.field == "households"]) == districts
    return len(queries.captured_queries)


def test_the_preview_of_an_import_runs_as_many_queries_for_30_changed_rows_as_for_3():
    assert preview_queries(30) == preview_queries(3)
