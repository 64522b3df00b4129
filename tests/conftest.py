import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches

from seeding.seeds import load_seeds


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Both seed plans, loaded once into the test database; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_seeds()


@pytest.fixture(autouse=True)
def empty_rendered_cache():
    """Each test starts without cached renderings (the plan page's text), so that what a test counts or sees does
    not depend on which tests ran before it in the same process."""
    caches["rendered"].clear()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("admin-test", "admin@example.org", "a-strong-pass-123")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def pytest_report_header(config):
    return f"DATABASE_URL: {os.environ.get('DATABASE_URL') or '(unset: embedded SQLite)'}"
