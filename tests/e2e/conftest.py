"""End-to-end tests in a real browser: Debian's Chromium driven by Playwright against the live server.

Chromium must be installed (`apt-get install chromium`; `.ci/run` does it). Without it these tests
fail with a clear message — they are never skipped. Screenshots of each scenario's end state are
kept in artifacts/e2e/.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _SerialWSGIServer(WSGIServer):
    """Django's WSGI server answering one request at a time, taking the live server's arguments."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override  # already set for the live server's own thread


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """On SQLite the live server's request threads share the test's in-memory connection (pytest-django hands it to
    them), and two requests at once can deadlock inside the sqlite3 module: a query calling back into Python (the
    admin search's `search_key` function, as an autocomplete runs it) holds the connection's lock while it waits for
    the interpreter lock, and another thread holds the interpreter lock while it waits for the connection's — seen
    as a test hanging for good in test_new_ward_plan.py. Django's documentation warns against simultaneous queries
    on that shared connection: a server that answers one request at a time rules them out. On PostgreSQL each
    thread has a connection of its own, and the threaded server stays."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", _SerialWSGIServer)
        yield


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the end-to-end tests and was not found at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot("name") saves artifacts/e2e/<test>-<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def seeded(transactional_db):
    """Live-server tests run outside the rolled-back transaction and the database is flushed after
    each (pytest-django runs them after the others): each one loads the seeds itself."""
    from seeding.seeds import load_seeds

    load_seeds()
