"""`make backup` / `make restore`: a restored database holds the same figures and the same history.

Runs on the database the suite runs on: SQLite normally, PostgreSQL when DATABASE_URL names one (CI runs both;
there pg_dump and pg_restore must be installed — a missing one fails the test, it is not skipped).
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from indicators.models import IndicatorValue
from plans.models import HouseholdFigure, Plan
from seeding.seeds import load_seeds
from workflow.models import ReviewEvent, TableReview
from workflow.services import FigureEdit, save_figures

pytestmark = pytest.mark.django_db(transaction=True)  # pg_restore and the SQLite backup need committed data


def state() -> list:
    return [
        list(HouseholdFigure.objects.order_by("pk").values_list()),
        list(IndicatorValue.objects.order_by("pk").values_list()),
        list(
            HouseholdFigure.history.order_by("history_id").values_list(
                "history_id", "id", "households", "history_change_reason", "history_user_id"
            )
        ),
        list(TableReview.objects.order_by("pk").values_list()),
        list(ReviewEvent.objects.order_by("pk").values_list()),
    ]


def test_a_restored_backup_holds_the_same_figures_and_history(tmp_path):
    load_seeds()  # live-data tests start from an emptied database after others of their kind
    plan = Plan.objects.get(slug="hung-yen-2023-2025")
    figure = HouseholdFigure.objects.filter(plan=plan, year=2025, kind="target").select_related("locality").first()
    edit = FigureEdit("1", figure.locality, 2025, "target", {"households": figure.households + 1}, figure.version)
    assert save_figures(user=None, plan=plan, edits=[edit], reason="số liệu rà soát").ok
    before = state()
    assert before[2][-1][3].startswith("số liệu rà soát")

    out = StringIO()
    path = tmp_path / f"backup{'.dump' if connection.vendor == 'postgresql' else '.sqlite3'}"
    call_command("backup_database", output=path, stdout=out)
    assert path.stat().st_size > 0 and str(path) in out.getvalue()

    # After the backup: a figure changed, history deleted, a plan removed.
    HouseholdFigure.objects.filter(pk=figure.pk).update(households=figure.households + 100)
    HouseholdFigure.history.all().delete()
    IndicatorValue.objects.filter(plan_indicator__plan__slug="thua-thien-hue-2024").delete()
    assert state() != before

    call_command("restore_database", str(path), interactive=False, stdout=StringIO())
    connection.close()
    assert state() == before


def test_restoring_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(tmp_path):
    load_seeds()
    before = state()
    bogus = tmp_path / "not-a-backup.dump"
    bogus.write_bytes(b"<script>not a backup</script>" * 100)
    with pytest.raises(CommandError):
        call_command("restore_database", str(bogus), interactive=False, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("restore_database", str(tmp_path / "missing"), interactive=False, stdout=StringIO())
    connection.close()
    assert state() == before


def test_a_restore_ends_every_session_including_those_logged_out_after_the_backup(tmp_path, client):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    user = get_user_model().objects.create_user("phucu-backup", password="mat-khau-an-toan-2024")
    client.force_login(user)
    stolen = client.cookies["sessionid"].value
    path = tmp_path / f"backup{'.dump' if connection.vendor == 'postgresql' else '.sqlite3'}"
    call_command("backup_database", output=path, stdout=StringIO())
    client.logout()
    assert not Session.objects.filter(session_key=stolen).exists()

    call_command("restore_database", str(path), interactive=False, stdout=StringIO())
    connection.close()
    assert Session.objects.count() == 0
    client.cookies["sessionid"] = stolen
    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated
