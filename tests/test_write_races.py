"""Races and stale posts meet the same rules as a careful user: a post without its version is refused as stale,
two people creating the same figure get one winner and one conflict naming the winner's value (never a 500),
and a save and an approval of the same rows are serialised.

The PostgreSQL tests use two real connections (two threads); they run when the suite runs on PostgreSQL
(`DATABASE_URL`, as in CI), where concurrent transactions really interleave.
"""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

import workflow.services as services
from plans.models import HouseholdFigure
from tests.factories import make_household_plan, make_role_user
from workflow.models import ReviewState, Role, Table, TableReview
from workflow.permissions import Action
from workflow.services import EditForbidden, FigureEdit, review_transition, save_figures

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections interleave only on PostgreSQL (CI runs it there)"
)


def first_district(plan):
    return plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality


@pytest.mark.django_db
def test_a_grid_post_without_its_version_fields_is_refused_as_stale_and_saves_nothing(client, small_plan):
    district = first_district(small_plan)
    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=district)
    client.force_login(official)
    url = reverse("editing:districts_edit", args=[small_plan.slug]) + "?kind=target&year=2023"
    from .helpers_b_grids import FormInputs

    parser = FormInputs()
    parser.feed(client.get(url).content.decode())
    values = {name: value for name, value in parser.values.items() if not name.endswith("-version")}
    values[f"f{district.pk}-poor_households"] = "401"
    before = HouseholdFigure.objects.get(plan=small_plan, locality=district, year=2023)
    response = client.post(url, values)
    assert response.status_code == 200  # the grid again, with the conflict, not a redirect after saving
    after = HouseholdFigure.objects.get(plan=small_plan, locality=district, year=2023)
    assert (after.poor_households, after.version) == (before.poor_households, before.version)


@pytest.mark.django_db
def test_an_edit_that_does_not_say_what_it_read_cannot_overwrite_a_stored_figure(small_plan):
    district = first_district(small_plan)
    edit = FigureEdit("x", district, 2023, "target", {"poor_households": 1})
    result = save_figures(user=None, plan=small_plan, edits=[edit])
    assert not result.ok and [c.key for c in result.conflicts] == ["x"]


@pytest.mark.django_db
def test_a_figure_created_by_someone_else_between_check_and_save_is_a_conflict_with_their_value(
    small_plan, monkeypatch
):
    """As on PostgreSQL when two transactions create the same figure: the database refuses the second insert."""
    district = first_district(small_plan)
    HouseholdFigure.objects.filter(plan=small_plan, locality=district, year=2023).delete()  # not entered yet
    save_or_conflict = services._save_or_conflict

    def someone_else_first(*args):
        HouseholdFigure.objects.create(
            plan=small_plan, locality=district, year=2023, kind="target", households=9000, poor_households=321
        )
        return save_or_conflict(*args)

    monkeypatch.setattr(services, "_save_or_conflict", someone_else_first)
    edit = FigureEdit("new", district, 2023, "target", {"households": 9000, "poor_households": 300}, version=0)
    result = save_figures(user=None, plan=small_plan, edits=[edit])
    assert not result.ok and len(result.conflicts) == 1
    assert "321" in result.conflicts[0].message  # the winner's value is what the loser is shown


# --- two real connections on PostgreSQL -----------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("poverty_standards")
def test_two_people_creating_the_same_figure_at_once_one_wins_and_the_other_sees_the_winners_value():
    plan = make_household_plan(years=(2021, 2022, 2023), slug="dua-tao-moi")
    district = first_district(plan)
    HouseholdFigure.objects.filter(plan=plan, locality=district, year=2023).delete()  # not entered yet
    inserted, release = threading.Event(), threading.Event()
    original = services._save_all
    results = {}

    def slow_save_all(checker, objects, reason, origin):
        count = original(checker, objects, reason, origin)
        if threading.current_thread().name == "first":
            inserted.set()
            release.wait(10)  # hold the transaction open: the second insert waits on the unique index
        return count

    services._save_all = slow_save_all
    try:

        def save(poor):
            edit = FigureEdit("new", district, 2023, "target", {"households": 9000, "poor_households": poor}, version=0)
            return save_figures(user=None, plan=plan, edits=[edit])

        first = threading.Thread(target=lambda: results.__setitem__("first", _guard(save, 321)), name="first")
        first.start()
        assert inserted.wait(10)
        second = threading.Thread(target=lambda: results.__setitem__("second", _guard(save, 300)), name="second")
        second.start()
        second.join(1)  # blocked on the first one's uncommitted row
        release.set()
        first.join(10)
        second.join(10)
    finally:
        services._save_all = original
    assert results["first"].ok, results["first"]
    loser = results["second"]
    assert not isinstance(loser, Exception), loser
    assert not loser.ok and "321" in loser.conflicts[0].message
    assert HouseholdFigure.objects.get(plan=plan, locality=district, year=2023).poor_households == 321


def _guard(work, *args):
    try:
        return work(*args)
    except Exception as error:
        return error
    finally:
        connection.close()


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("poverty_standards")
def test_a_save_that_starts_while_a_reviewer_approves_waits_and_then_meets_the_lock():
    plan = make_household_plan(years=(2021, 2022, 2023), slug="duyet-dong-thoi")
    district = first_district(plan)
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=district)
    figure = HouseholdFigure.objects.get(plan=plan, locality=district, year=2023)
    approving, release = threading.Event(), threading.Event()
    results = {}

    def approve():
        with transaction.atomic():
            review = review_transition(
                user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=district
            )
            approving.set()
            release.wait(10)  # the approval holds the review row's lock
            return review

    def save():
        edit = FigureEdit("f", district, 2023, "target", {"poor_households": 1}, version=figure.version)
        return save_figures(user=reviewer, plan=plan, edits=[edit])

    first = threading.Thread(target=lambda: results.__setitem__("approve", _guard(approve)))
    first.start()
    assert approving.wait(10)
    second = threading.Thread(target=lambda: results.__setitem__("save", _guard(save)))
    second.start()
    second.join(1)
    assert second.is_alive()  # waiting for the approval's lock
    release.set()
    first.join(10)
    second.join(10)
    assert TableReview.objects.get(plan=plan, locality=district).state == ReviewState.APPROVED
    saved = results["save"]
    assert isinstance(saved, EditForbidden), saved  # the approval's lock, met after waiting for it
    assert HouseholdFigure.objects.get(pk=figure.pk).poor_households == figure.poor_households
