"""A served worker's garbage collector (kernel.collector, called by povertyplan/wsgi.py): what the application loaded
is frozen, and the youngest generation is collected every 10.000 allocations, not Python's 700."""

import gc
from pathlib import Path

from kernel.collector import YOUNG_THRESHOLD, prepare_collector


def test_a_worker_freezes_what_it_loaded_and_collects_the_young_generation_less_often():
    before = gc.get_threshold()
    try:
        prepare_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2])
        assert gc.isenabled()  # a worker serving threads keeps its collector
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_wsgi_application_prepares_the_collector_once_loaded():
    source = (Path(__file__).resolve().parent.parent / "povertyplan" / "wsgi.py").read_text(encoding="utf-8")
    assert source.index("prepare_collector()") > source.index("application = get_wsgi_application()")
