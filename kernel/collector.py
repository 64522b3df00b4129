"""How a served worker sets up Python's cyclic garbage collector once the application is loaded (povertyplan/wsgi.py;
the benchmark does the same before measuring, so that it measures what a worker does).

Two settings, both process-wide and safe for a worker serving threads (the collector keeps running):
- what is loaded by then (Django, the application, their modules) lives as long as the worker: frozen, no
  collection walks it again;
- the youngest generation is collected every `YOUNG_THRESHOLD` allocations of container objects instead of
  Python's 700. A page that builds a national table (3.500 figures, 10.000 cells) or an import of 10.000 rows
  allocates hundreds of thousands of objects that live until the response is written: at 700, the collector ran
  some fifteen times per national table page and walked them again at each older-generation pass, none of them
  garbage — 4–5 ms of its 50 (docs/performance.md). Cyclic garbage now waits for at most 10.000 allocations
  before it is found: a few megabytes at worst, against a worker's hundred.
"""

import gc

YOUNG_THRESHOLD = 10_000


def prepare_collector() -> None:
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
