"""`make bench`: the demo dataset in a fresh database, each operation of issue 6 measured against its floor.

A throwaway SQLite file by default; PostgreSQL when BENCH_DATABASE_URL (or DATABASE_URL) names a server — then a
fresh database `<name>_bench` is created beside the named one and dropped afterwards, the named one is not touched.

Each operation runs once counting its SQL queries (an execute wrapper), once under tracemalloc for its peak
memory, then `--warmup` times unmeasured and `--runs` times measured; the same for its floor, in the same run:
- a district table: the same figures fetched with one `.values()` query and returned as JSON by a minimal view;
- an appendix export: the same cells written by a bare openpyxl loop (no styles, no merges, no print setup).
The table is printed and written to bench-results.json (a list of operations with name, rows, queries, median_ms,
p95_ms, peak_mb, floor_ms and ratio = median / floor median), so that runs can be compared over time.
"""

import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Operation:
    name: str
    run: object  # a callable doing the operation once
    rows: int
    floor: object = None  # a callable doing the floor once
    runs: int | None = None  # fewer runs for the operations that take seconds
    target: dict = field(default_factory=dict)  # max_ms, max_ratio, max_queries
    setup: object = None  # called before each run, untimed (e.g. to reset what the previous run changed)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="Measured runs of each page and export (default 15).")
    parser.add_argument("--heavy-runs", type=int, default=5, help="Measured runs of the import and quality check.")
    parser.add_argument("--warmup", type=int, default=2, help="Unmeasured runs before measuring (default 2).")
    parser.add_argument("--provinces", type=int, default=63)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--only", default="", help="Comma-separated substrings: measure only matching operations.")
    parser.add_argument("--profile", default="", help="Write a pyinstrument HTML profile of this operation.")
    return parser.parse_args()


def configure_environment() -> tuple[str, Path | None]:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    folder = None
    if not url:
        folder = Path(tempfile.mkdtemp(prefix="povertyplan-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "povertyplan.settings.test"
    # The test client's host; DEBUG stays off, as in production (no query log kept outside the counting run).
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    return url, folder


def main() -> int:
    args = parse_args()
    url, folder = configure_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ROOT_URLCONF = "bench.urls"
    vendor = connection.vendor
    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})
    settings.DATABASES["default"]["TEST"]["NAME"] = (
        str(folder / "bench.sqlite3") if vendor == "sqlite" and folder else f"{name}_bench"
    )
    print(f"== Fresh {vendor} database {settings.DATABASES['default']['TEST']['NAME']}", flush=True)
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"   migrated in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        return run_benchmark(args, url)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        if folder is not None:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()


def run_benchmark(args, url: str) -> int:
    from django.db import connection

    from kernel.collector import prepare_collector
    from seeding.demo_data import DemoSize, generate_demo_data
    from seeding.seeds import load_seeds

    load_seeds()
    started = time.perf_counter()
    report = generate_demo_data(DemoSize(provinces=args.provinces, scale=args.scale, two_level=True))
    generation_ms = (time.perf_counter() - started) * 1000
    created = dict(report.created)
    print(f"== Demo data generated in {generation_ms / 1000:.1f} s", flush=True)
    operations = build_operations()
    # As a served worker does after loading the application (povertyplan/wsgi.py, kernel.collector): what exists
    # before the measurements — the application, the dataset's generation, the floors' cells — is frozen for the
    # collector, and the collector runs as often as in a worker. The floors run in the same process, under the same.
    gc.collect()
    prepare_collector()
    if args.only:
        wanted = [part.strip() for part in args.only.split(",") if part.strip()]
        operations = [op for op in operations if any(part in op.name for part in wanted)]
    if args.profile:
        return profile(operations, args.profile)
    results = [
        {
            "name": "generate_demo_data",
            "rows": sum(created.values()),
            "queries": None,
            "median_ms": round(generation_ms, 1),
            "p95_ms": round(generation_ms, 1),
            "peak_mb": None,
            "floor_ms": None,
            "ratio": None,
            "runs": 1,
            "target": {"max_ms": 60000},
            "met": generation_ms <= 60000,
        }
    ]
    for operation in operations:
        result = measure(operation, args)
        results.append(result)
        print_row(result)
    document = {
        "machine": machine(connection),
        "database": connection.vendor,
        "dataset": created,
        "operations": results,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    try:  # `make loadtest` writes its runs into the same file: they are kept
        document["loadtest"] = json.loads(args.output.read_text(encoding="utf-8"))["loadtest"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    args.output.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print()
    print_table(results)
    print(f"\nWritten to {args.output}")
    missed = [r["name"] for r in results if r.get("met") is False]
    if missed:
        print("Targets missed: " + ", ".join(missed))
    return 0


# --- the operations -----------------------------------------------------------------------------------


def build_operations() -> list[Operation]:
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from analysis.quality import check_plan
    from localities.models import Locality
    from plan_tables.household import household_table
    from plans.models import AppendixRow, HouseholdFigure, Plan
    from plans.signals import renew_text_revision
    from seeding.demo_data import NATIONAL_COMMUNE_PLAN_SLUG, NATIONAL_PLAN_SLUG, demo_plans

    client = Client()
    from django.core.cache import caches

    def uncached():
        # Every run renders its page: the page cache (kernel.page_cache) is emptied first, untimed — as if a write
        # had just given the plan a new revision. The operations named "…, cached" measure what a reader gets
        # when nothing changed since the page was last rendered, "…, 304" a browser that holds the page already.
        caches["pages"].clear()

    def not_modified(url: str):
        held = {}

        def run():
            if url not in held:
                held[url] = client.get(url)["ETag"]
            response = client.get(url, HTTP_IF_NONE_MATCH=held[url])
            assert response.status_code == 304, (url, response.status_code)
            return 0

        return run

    # A typical province: the one with the median number of districts.
    provinces = list(
        Plan.objects.filter(slug__startswith="demo-")
        .exclude(slug__startswith="demo-toan-quoc")
        .annotate(districts=Count("appendices__rows"))
        .order_by("districts", "slug")
    )
    province = provinces[len(provinces) // 2]
    national = Plan.objects.get(slug=NATIONAL_PLAN_SLUG)
    commune_plan = Plan.objects.get(slug=NATIONAL_COMMUNE_PLAN_SLUG)

    def get(url: str):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return len(body)

        return run

    def table_rows(plan):
        return AppendixRow.objects.filter(appendix__plan=plan, appendix__code="01").count()

    def export_floor(plan):
        """The same cells as the export's table, written by a bare openpyxl loop: the least an export can do."""
        table = household_table(plan.appendices.get(code="01"))
        cells = [[row.number, row.label, *row.cells] for row in table.published_order]

        def run():
            from openpyxl import Workbook

            workbook = Workbook()
            sheet = workbook.active
            for row_index, values in enumerate(cells, start=1):
                for column_index, value in enumerate(values, start=1):
                    sheet.cell(row=row_index, column=column_index, value=value)
            buffer = BytesIO()
            workbook.save(buffer)
            return len(buffer.getvalue())

        return run

    province_rows, national_rows = table_rows(province), table_rows(national)

    def renew_text():
        uncached()
        renew_text_revision(Plan.objects.filter(pk=province.pk))

    plan_url = f"/plans/{province.slug}/"
    table_url, national_url = f"/plans/{province.slug}/districts/", f"/plans/{national.slug}/districts/"
    export_url = f"/plans/{province.slug}/appendices/01/export.xlsx"
    national_export_url = f"/plans/{national.slug}/appendices/01/export.xlsx"
    table_floor = get(f"/bench-floor/{province.slug}/districts.json")
    national_floor = get(f"/bench-floor/{national.slug}/districts.json")
    operations = [
        Operation(
            "home page (all plans)", get("/"), demo_plans().count() + 2, setup=uncached, target={"max_queries": 10}
        ),
        Operation(
            f"plan page, one province ({province.slug})",
            get(plan_url),
            province_rows,
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            f"plan page, one province, first view after a change to its text ({province.slug})",
            get(plan_url),
            province_rows,
            setup=renew_text,
            target={"max_ms": 30, "max_queries": 10},
        ),
        Operation(
            "district table, one province",
            get(table_url),
            province_rows,
            floor=table_floor,
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            "indicator page, one province",
            get(f"/plans/{province.slug}/indicators/"),
            province.indicators.count(),
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            "tasks page, one province",
            get(f"/plans/{province.slug}/tasks/"),
            province.policy_tasks.count(),
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            "quality page, one province",
            get(f"/plans/{province.slug}/quality/"),
            HouseholdFigure.objects.filter(plan=province).count(),
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            "results page, one province",
            get(f"/plans/{province.slug}/results/"),
            province_rows,
            setup=uncached,
            target={"max_ms": 50, "max_queries": 10},
        ),
        Operation(
            "district table, national (all districts)",
            get(national_url),
            national_rows,
            floor=national_floor,
            setup=uncached,
            target={"max_ms": 150, "max_ratio": 2, "max_queries": 10},
        ),
        Operation(
            "appendix export, one province",
            get(export_url),
            province_rows,
            floor=export_floor(province),
            setup=uncached,
            target={"max_queries": 10},
        ),
        Operation(
            "appendix export, national workbook",
            get(national_export_url),
            national_rows,
            floor=export_floor(national),
            setup=uncached,
            target={"max_ratio": 1.5, "max_queries": 10},
        ),
        # What a reader gets when nothing changed since the page was rendered: served from the page cache.
        Operation("plan page, one province, cached", get(plan_url), province_rows, target={"max_queries": 10}),
        Operation(
            "district table, one province, cached",
            get(table_url),
            province_rows,
            floor=table_floor,
            target={"max_ratio": 2, "max_queries": 10},
        ),
        Operation(
            "district table, national, cached",
            get(national_url),
            national_rows,
            floor=national_floor,
            target={"max_ratio": 2, "max_queries": 10},
        ),
        Operation(
            "appendix export, one province, cached",
            get(export_url),
            province_rows,
            floor=export_floor(province),
            target={"max_ratio": 2, "max_queries": 10},
        ),
        Operation(
            "appendix export, national workbook, cached",
            get(national_export_url),
            national_rows,
            floor=export_floor(national),
            target={"max_ratio": 1.5, "max_queries": 10},
        ),
        Operation(
            "district table, national, 304 Not Modified",
            not_modified(national_url),
            national_rows,
            floor=national_floor,
            target={"max_queries": 10},
        ),
    ]

    # The two-level country (seeding/demo_two_level.py): a merged province's series across the reform, and the
    # national commune table carried onto today's communes.
    merged = (
        Locality.objects.filter(slug__startswith="demo-2025-", level=1, predecessions__kind="merge")
        .distinct()
        .order_by("slug")
        .first()
    )
    if merged is not None:
        operations += [
            Operation(
                f"lineage series, merged province ({merged.slug})",
                get(f"/localities/{merged.slug}/"),
                merged.predecessions.count(),
                setup=uncached,
                target={"max_ms": 50, "max_queries": 10},
            ),
            Operation(
                "on today's units, national (all communes)",
                get(f"/plans/{commune_plan.slug}/districts/today/"),
                table_rows(commune_plan),
                floor=get(f"/bench-floor/{commune_plan.slug}/districts.json"),
                setup=uncached,
                target={"max_ratio": 3, "max_queries": 10},
            ),
        ]

    def walk(first_url: str, base: str = ""):
        """Every page of a cursor-paginated list, following each page's `next` (the API's or the floor's)."""

        def run():
            url, size = first_url, 0
            while url:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                size += len(response.content)
                following = response.json()["next"]
                url = (base + following) if following else None
            return size

        return run

    from api.selectors import in_force
    from localities.models import Locality

    on = "2024-01-01"
    units = Locality.objects.filter(in_force(datetime.date.fromisoformat(on))).count()
    operations += [
        Operation(
            "API: appendix rows, national (one page)",
            get(f"/api/v1/plans/{national.slug}/appendices/01/rows?limit=1000"),
            national_rows,
            floor=get(f"/bench-floor/{national.slug}/appendix-rows.json"),
            target={"max_ratio": 2, "max_queries": 10},
        ),
        Operation(
            "API: locality tree, national (every page)",
            walk(f"/api/v1/localities?on={on}&limit=1000"),
            units,
            floor=walk("/bench-floor/localities.json", "/bench-floor/localities.json"),
            target={"max_ratio": 2},
        ),
    ]

    workbook, changed_rows = import_workbook(commune_plan, 10_000)
    appendix = commune_plan.appendices.get(code="01")
    preview_state = {}

    def preview():
        from spreadsheets.importing import read_workbook

        result = read_workbook(BytesIO(workbook), size=len(workbook), plan=commune_plan, appendix=appendix)
        assert result.ok and len(result.changes) >= changed_rows, (result.errors[:3], len(result.changes))
        preview_state["changes"] = result.changes
        return len(result.changes)

    def commit():
        from spreadsheets.changes import apply_changes

        if "changes" not in preview_state:
            preview()
        # Rolled back after each run, so that every run writes the same changes over the same figures.
        with transaction.atomic():
            count = apply_changes(commune_plan, preview_state["changes"], source="bench.xlsx")
            transaction.set_rollback(True)
        return count

    operations += [
        Operation("import 10.000 rows: preview", preview, changed_rows, runs=-1, target={"max_ms": 10_000}),
        Operation("import 10.000 rows: commit", commit, changed_rows, runs=-1, target={"max_ms": 10_000}),
    ]

    plans = list(demo_plans().select_related("province"))

    def quality_all():
        return sum(len(check_plan(plan)) for plan in plans)

    operations += [
        Operation(
            "quality check, national dataset (every plan)",
            quality_all,
            HouseholdFigure.objects.filter(plan__in=plans).count(),
            runs=-1,
            target={"max_ms": 5_000},
        ),
        Operation(
            "quality page, national table",
            get(f"/plans/{national.slug}/quality/"),
            national_rows,
            setup=uncached,
            target={"max_queries": 10},
        ),
    ]
    return operations


def import_workbook(plan, rows: int) -> tuple[bytes, int]:
    """The plan's exported appendix cut to `rows` rows, each with its 2025 target one poor household lower."""
    from openpyxl import load_workbook

    from kernel.numbers import compute_rate
    from spreadsheets.export import workbook_bytes
    from spreadsheets.layout import appendix_layout, sheet_names

    appendix = plan.appendices.get(code="01")
    layout = appendix_layout(appendix, sheet_names(plan)["01"])
    workbook = load_workbook(BytesIO(workbook_bytes(plan, "01")))
    sheet = workbook[layout.sheet_name]
    first = layout.first_data_row
    columns = {(c.year, c.field): index for index, c in enumerate(layout.columns, start=1) if c.year}
    households_col, poor_col, rate_col = (columns[(2025, f)] for f in ("households", "poor_households", "poverty_rate"))
    last = sheet.max_row
    changed = 0
    for row in range(first, first + rows):
        if sheet.cell(row=row, column=1).value in (None, ""):
            continue  # the total row
        households = sheet.cell(row=row, column=households_col).value
        poor = sheet.cell(row=row, column=poor_col).value
        if not poor:
            continue
        sheet.cell(row=row, column=poor_col, value=poor - 1)
        sheet.cell(row=row, column=rate_col, value=float(compute_rate(poor - 1, households)))
        changed += 1
    if last >= first + rows:
        sheet.delete_rows(first + rows, last - (first + rows) + 1)
    for name in workbook.sheetnames:
        if name != layout.sheet_name:
            del workbook[name]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), changed


# --- measuring ----------------------------------------------------------------------------------------


def measure(operation: Operation, args) -> dict:
    from django.db import connection

    runs = args.heavy_runs if operation.runs == -1 else operation.runs or args.runs
    warmup = 1 if operation.runs == -1 else args.warmup
    prepare = operation.setup or (lambda: None)
    # Counted after one unmeasured run, as the operation runs in use: the session and translations loaded, the
    # plan's text cached (the first view after a change to the text is an operation of its own, whose setup
    # renews the text). With an execute wrapper rather than CaptureQueriesContext: the test client's
    # request_started signal clears the query log that CaptureQueriesContext reads.
    prepare()
    operation.run()
    prepare()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        operation.run()
    queries = counter.count
    prepare()
    peak_mb = peak_memory(operation.run)
    times = timings(operation.run, runs, warmup, prepare)
    floor_ms = floor_peak_mb = None
    if operation.floor is not None:
        floor_times = timings(operation.floor, runs, args.warmup)
        floor_ms = statistics.median(floor_times)
        floor_peak_mb = peak_memory(operation.floor)
    median = statistics.median(times)
    ratio = median / floor_ms if floor_ms else None
    target = operation.target
    met = True
    if "max_ms" in target and median > target["max_ms"]:
        met = False
    if "max_ratio" in target and ratio is not None and ratio > target["max_ratio"]:
        met = False
    if "max_queries" in target and queries > target["max_queries"]:
        met = False
    return {
        "name": operation.name,
        "rows": operation.rows,
        "queries": queries,
        "median_ms": round(median, 1),
        "p95_ms": round(percentile(times, 95), 1),
        "peak_mb": round(peak_mb, 1),
        "floor_ms": round(floor_ms, 1) if floor_ms is not None else None,
        "floor_peak_mb": round(floor_peak_mb, 1) if floor_peak_mb is not None else None,
        "ratio": round(ratio, 2) if ratio is not None else None,
        "runs": runs,
        "target": target,
        "met": met,
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timings(run, runs: int, warmup: int, prepare=lambda: None) -> list[float]:
    for _ in range(warmup):
        prepare()
        run()
    times = []
    for _ in range(runs):
        prepare()  # untimed
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def peak_memory(run) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile: with 15 runs, the p95 is the slowest but none."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def profile(operations: list[Operation], name: str) -> int:
    from pyinstrument import Profiler

    for operation in operations:
        if name in operation.name:
            operation.run()
            if operation.setup:  # the page rendered, not served from the page cache
                operation.setup()
            profiler = Profiler()
            profiler.start()
            operation.run()
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return 0
    print(f"No operation matches {name!r}")
    return 1


# --- reporting ------------------------------------------------------------------------------------------


def machine(connection) -> dict:
    import sqlite3

    import django

    memory_kb = 0
    try:
        with open("/proc/meminfo") as handle:
            memory_kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        server = cursor.fetchone()[0]
    cpu = ""
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        cpu = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("Model name")), "")
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {server}",
        "sqlite_library": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


COLUMNS = [
    ("operation", "name", 46),
    ("rows", "rows", 7),
    ("queries", "queries", 7),
    ("median ms", "median_ms", 10),
    ("p95 ms", "p95_ms", 9),
    ("peak MB", "peak_mb", 8),
    ("floor ms", "floor_ms", 9),
    ("ratio", "ratio", 6),
    ("target", "target", 24),
    ("met", "met", 4),
]


def format_value(key, value) -> str:
    if value is None:
        return "–"
    if key == "target":
        parts = []
        if "max_ms" in value:
            parts.append(f"≤{value['max_ms']:g} ms")
        if "max_ratio" in value:
            parts.append(f"≤{value['max_ratio']:g}×")
        if "max_queries" in value:
            parts.append(f"≤{value['max_queries']} q")
        return ", ".join(parts)
    if key == "met":
        return "yes" if value else "NO"
    return str(value)


def print_row(result: dict) -> None:
    print(
        f"   {result['name']}: {result['median_ms']} ms median, {result['queries']} queries"
        + (f", ratio {result['ratio']}" if result.get("ratio") is not None else ""),
        flush=True,
    )


def print_table(results: list[dict]) -> None:
    header = " | ".join(title.ljust(width) for title, _key, width in COLUMNS)
    print(header)
    print("-" * len(header))
    for result in results:
        print(" | ".join(format_value(key, result.get(key))[:width].ljust(width) for _title, key, width in COLUMNS))


if __name__ == "__main__":
    sys.exit(main())
