"""History tells the story: the initial load is one entry, review steps are entries, "changes since approval"
leave the initial load out, and people are named one way — the account with their unit in brackets."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from localities.models import Locality
from plans.models import HouseholdFigure, Plan
from review.screen import review_screen
from workflow import changelog
from workflow.models import Table
from workflow.permissions import Action, Checker
from workflow.services import FigureEdit, review_transition, save_figures

pytestmark = pytest.mark.django_db

HY, PHU_CU = "hung-yen-2023-2025", "hung-yen-phu-cu"


@pytest.fixture
def plan():
    return Plan.objects.get(slug=HY)


def test_the_seed_load_is_one_entry_of_the_change_log_counting_what_it_loaded(plan, client, hung_yen_people):
    rows = list(changelog.change_log(plan))
    assert [row["record_kind"] for row in rows] == ["initial"]
    (entry,) = changelog.entries(rows, plan)
    figures = HouseholdFigure.objects.filter(plan=plan).count()
    assert entry.changes[0].new == f"{figures:,}".replace(",", ".")
    client.force_login(hung_yen_people["reader"])
    with translation.override("vi"):
        label = translation.gettext("Initial data (the plan as the document publishes it)")
    assert label in client.get(reverse("review:history", args=[HY])).content.decode()


def test_submit_return_approve_and_reopen_are_entries_of_the_change_log_with_their_comment(plan, hung_yen_people):
    reviewer, official = hung_yen_people["reviewer"], hung_yen_people["official"]
    phu_cu = Locality.objects.get(slug=PHU_CU)
    steps = [
        (official, Action.SUBMIT, ""),
        (reviewer, Action.RETURN, "Thiếu số hộ cận nghèo"),
        (official, Action.SUBMIT, ""),
        (reviewer, Action.APPROVE, ""),
        (reviewer, Action.REOPEN, "Điều chỉnh theo rà soát"),
    ]
    for user, action, comment in steps:
        review_transition(user=user, plan=plan, table=Table.DISTRICTS, action=action, locality=phu_cu, comment=comment)
    rows = [row for row in changelog.change_log(plan, kind="review")]
    entries = changelog.entries(rows, plan)
    assert len(entries) == 5
    newest = entries[0]
    assert newest.user == "ldtbxh (Tỉnh Hưng Yên)" and newest.reason == "Điều chỉnh theo rà soát"
    assert "Huyện Phù Cừ" in newest.subject
    assert [e.reason for e in entries if e.reason] == ["Điều chỉnh theo rà soát", "Thiếu số hộ cận nghèo"]
    # A district's filter keeps its review steps.
    assert changelog.change_log(plan, locality=phu_cu, kind="review").count() == 5


def test_changes_since_approval_leave_the_initial_load_out(plan, hung_yen_people):
    screen = review_screen(plan, Checker(hung_yen_people["reviewer"], plan))
    assert all(part.changes == [] for part in screen.districts) and screen.indicators.changes == []
    phu_cu = Locality.objects.get(slug=PHU_CU)
    figure = HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2024, kind="target")
    edit = FigureEdit("c", phu_cu, 2024, "target", {"poor_households": 318}, version=figure.version)
    assert save_figures(user=hung_yen_people["official"], plan=plan, edits=[edit]).ok
    screen = review_screen(plan, Checker(hung_yen_people["reviewer"], plan))
    changed = {part.locality.slug: len(part.changes) for part in screen.districts if part.changes}
    assert changed == {PHU_CU: 1}


def test_the_change_log_names_the_account_with_its_unit(plan, hung_yen_people):
    phu_cu = Locality.objects.get(slug=PHU_CU)
    official = hung_yen_people["official"]
    official.first_name, official.last_name = "UBND huyện", "Phù Cừ"
    official.save()
    figure = HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2024, kind="target")
    edit = FigureEdit("c", phu_cu, 2024, "target", {"poor_households": 318}, version=figure.version)
    assert save_figures(user=official, plan=plan, edits=[edit]).ok
    (entry,) = changelog.entries(changelog.change_log(plan, kind="figure"), plan)
    assert entry.user == "phucu (Huyện Phù Cừ)"


def test_the_migration_marks_an_old_seed_load_as_the_initial_load(plan):
    HouseholdFigure.history.filter(plan=plan).update(history_change_reason=None)  # as before issue 13
    assert changelog.change_log(plan, kind="figure").count() == HouseholdFigure.objects.filter(plan=plan).count()
    migration = importlib.import_module("workflow.migrations.0003_history_initial_load_marked")
    migration.mark(apps, None)
    assert changelog.change_log(plan, kind="figure").count() == 0
    assert [row["record_kind"] for row in changelog.change_log(plan)] == ["initial"]
