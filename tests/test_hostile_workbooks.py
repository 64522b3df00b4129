"""A workbook is measured by what it holds, not by what it declares: hostile files are refused (or read) fast,
in bounded memory — also when the import runs under a hard memory limit in a process of its own."""

import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import translation

from spreadsheets.export import workbook_bytes
from spreadsheets.importing import read_workbook

from . import hostile_workbooks

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def timed_read(data: bytes, plan):
    """The result, the seconds it took, and the peak of memory allocated while reading (a second, traced run:
    tracemalloc slows Python several times)."""
    appendix = plan.appendices.get(code="01")
    started = time.perf_counter()
    result = read_workbook(BytesIO(data), size=len(data), plan=plan, appendix=appendix)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        read_workbook(BytesIO(data), size=len(data), plan=plan, appendix=appendix)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, elapsed, peak


@pytest.mark.parametrize("name", list(hostile_workbooks.ACCEPTED))
def test_empty_formatted_cells_far_below_or_right_of_the_table_are_read_quickly_in_little_memory(small_plan, name):
    data = hostile_workbooks.ACCEPTED[name](workbook_bytes(small_plan, "01"))
    result, elapsed, peak = timed_read(data, small_plan)
    assert result.ok and result.changes == [], [str(p) for p in result.errors]
    assert elapsed < 2  # about 0,3 s (the adversarial run: 27 s)
    assert peak < 60 * 1024 * 1024, peak  # the 2,3 GB of the adversarial run


@pytest.mark.parametrize("name", list(hostile_workbooks.REFUSED))
def test_more_rows_cells_or_merged_cells_than_declared_are_refused_in_well_under_a_second(small_plan, name):
    build, message = hostile_workbooks.REFUSED[name]
    data = build(workbook_bytes(small_plan, "01"))
    result, elapsed, peak = timed_read(data, small_plan)
    assert any(message in str(problem) for problem in result.errors), [str(p) for p in result.errors]
    assert elapsed < 1.5  # measured 0,1–0,4 s
    assert peak < 60 * 1024 * 1024, peak


_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from io import BytesIO

    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.utils import translation
    translation.activate("en")

    from spreadsheets.export import workbook_bytes
    from spreadsheets.importing import read_workbook
    from tests import hostile_workbooks
    from tests.factories import make_household_plan

    plan = make_household_plan()
    appendix = plan.appendices.get(code="01")
    exported = workbook_bytes(plan, "01")
    files = {name: build(exported) for name, build in hostile_workbooks.ACCEPTED.items()}
    files.update({name: build(exported) for name, (build, _message) in hostile_workbooks.REFUSED.items()})
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    limit = size + int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # beyond it, an allocation fails: MemoryError
    report = {}
    for name, data in files.items():
        started = time.perf_counter()
        result = read_workbook(BytesIO(data), size=len(data), plan=plan, appendix=appendix)
        report[name] = {"seconds": time.perf_counter() - started, "errors": [str(p) for p in result.errors]}
    print(json.dumps(report))
    """
)


def test_hostile_workbooks_are_handled_by_an_import_under_a_hard_memory_limit(tmp_path):
    """The child may grow by 300 MB of address space at most: the adversarial files needed gigabytes."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "povertyplan.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'child.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "300"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for name in hostile_workbooks.ACCEPTED:
        assert report[name]["errors"] == [], report[name]
    for name, (_build, message) in hostile_workbooks.REFUSED.items():
        assert any(message in error for error in report[name]["errors"]), report[name]
        assert report[name]["seconds"] < 1.5, report[name]


def test_a_label_starting_with_equals_exports_as_text_and_imports_back(small_plan):
    """The export writes “=…” labels as text; reading them back as formulas made the appendix impossible to import."""
    row = small_plan.appendices.get().rows.filter(is_total=False).order_by("order").first()
    row.label = "=Huyện Số 1"
    row.save()
    data = workbook_bytes(small_plan, "01")
    result, _elapsed, _peak = timed_read(data, small_plan)
    assert result.ok and result.changes == [], [str(p) for p in result.errors]
