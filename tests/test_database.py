"""CI runs the suite twice; this makes sure each run really is on the database it claims."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_the_database_named_by_database_url():
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("REQUIRE_POSTGRES"):
        assert url.startswith(("postgres://", "postgresql://")), (
            "REQUIRE_POSTGRES is set but DATABASE_URL is not PostgreSQL"
        )
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
