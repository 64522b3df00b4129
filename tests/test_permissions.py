"""The permission matrix: every role × every writing action, allowed or refused — and unchanged when refused.

Every test works on the small plan of tests/factories.py (three districts, 2021–2023) and the people of
`small_plan_people` (tests/conftest.py), with the superuser as the administrator."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators.models import IndicatorValue
from plans.models import Agency, HouseholdFigure
from workflow.models import ReviewEvent, Table, TableReview
from workflow.permissions import Action, Checker
from workflow.services import FigureEdit, ValueEdit, review_transition, save_figures, save_indicator_values

from .factories import AgencyFactory, IndicatorValueFactory, PlanIndicatorFactory, make_household_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

YEAR = 2022  # a target year of the small plan


@pytest.fixture
def plan(small_plan):
    return small_plan


@pytest.fixture
def people(small_plan_people, superuser) -> dict:
    return {**small_plan_people, "administrator": superuser}


@pytest.fixture
def places(plan) -> dict:
    """The rows of the district table: the official's district, another district, and the province's total."""
    rows = list(plan.appendices.get().rows.order_by("order").select_related("locality"))
    return {"own district": rows[0].locality, "other district": rows[1].locality, "province": rows[-1].locality}


@pytest.fixture
def indicators(plan, people) -> dict:
    """Two indicators with a 2022 target: health, led by the agency officer's Sở Y tế; water, by another agency."""
    health_agency = Agency.objects.get(province=plan.province, name="Sở Y tế")
    water_agency = AgencyFactory(province=plan.province, name="Sở Nông nghiệp và PTNT")
    result = {}
    for order, (code, agency) in enumerate([("health", health_agency), ("water", water_agency)]):
        plan_indicator = PlanIndicatorFactory(plan=plan, order=order, lead_agency=agency)
        IndicatorValueFactory(plan_indicator=plan_indicator, year=YEAR, value=Decimal(80))
        result[code] = plan_indicator
    return result


def figure_snapshot(plan):
    return sorted(
        HouseholdFigure.objects.filter(plan=plan).values_list(
            "pk", "households", "poor_households", "published_rate", "version"
        )
    )


def value_snapshot(plan):
    return sorted(IndicatorValue.objects.filter(plan_indicator__plan=plan).values_list("pk", "value", "version"))


def target_of(plan, locality) -> HouseholdFigure:
    return HouseholdFigure.objects.get(plan=plan, locality=locality, year=YEAR, kind="target")


def edit_poor(plan, locality, poor, key="row"):
    return FigureEdit(
        key=key,
        locality=locality,
        year=YEAR,
        kind="target",
        values={"poor_households": poor},
        version=target_of(plan, locality).version,
    )


def submit(people, plan, locality):
    return review_transition(
        user=people["official"], plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=locality
    )


def approve(people, plan, locality):
    return review_transition(
        user=people["reviewer"], plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=locality
    )


# Who may change which figure: (role, locality row) → allowed?
FIGURE_MATRIX = [
    ("administrator", "own district", True),
    ("administrator", "province", True),
    ("reviewer", "own district", True),
    ("reviewer", "province", True),  # the province total row: reviewers only
    ("official", "own district", True),
    ("official", "other district", False),
    ("official", "province", False),
    ("agency_officer", "own district", False),
    ("reader", "own district", False),
    ("other_reviewer", "own district", False),  # another province's reviewer
]


@pytest.mark.parametrize(("role", "place", "allowed"), FIGURE_MATRIX)
def test_saving_a_figure(people, plan, places, role, place, allowed):
    before = figure_snapshot(plan)
    edit = edit_poor(plan, places[place], 300)
    if allowed:
        result = save_figures(user=people[role], plan=plan, edits=[edit])
        assert result.ok and result.changed == 1
        assert target_of(plan, places[place]).poor_households == 300
    else:
        with pytest.raises(PermissionDenied):
            save_figures(user=people[role], plan=plan, edits=[edit])
        assert figure_snapshot(plan) == before


@pytest.mark.parametrize(
    ("role", "indicator", "allowed"),
    [
        ("administrator", "health", True),
        ("reviewer", "water", True),
        ("agency_officer", "health", True),  # Sở Y tế leads it
        ("agency_officer", "water", False),  # led by Sở Nông nghiệp và PTNT
        ("official", "health", False),
        ("reader", "health", False),
        ("other_reviewer", "health", False),
    ],
)
def test_saving_an_indicator_value(people, plan, indicators, role, indicator, allowed):
    before = value_snapshot(plan)
    plan_indicator = indicators[indicator]
    current = plan_indicator.values.get(year=YEAR, kind="target")
    edit = ValueEdit(
        key="v",
        plan_indicator=plan_indicator,
        year=YEAR,
        kind="target",
        values={"value": Decimal(99)},
        version=current.version,
    )
    if allowed:
        assert save_indicator_values(user=people[role], plan=plan, edits=[edit]).ok
        current.refresh_from_db()
        assert current.value == 99
    else:
        with pytest.raises(PermissionDenied):
            save_indicator_values(user=people[role], plan=plan, edits=[edit])
        assert value_snapshot(plan) == before


def review_snapshot():
    return sorted(TableReview.objects.values_list("pk", "state")), ReviewEvent.objects.count()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("official", True),
        ("reviewer", True),
        ("reader", False),
        ("agency_officer", False),
        ("other_reviewer", False),
    ],
)
def test_submitting_a_district(people, plan, places, role, allowed):
    district = places["own district"]
    before = review_snapshot()
    if allowed:
        review = review_transition(
            user=people[role], plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=district
        )
        assert review.state == "submitted"
    else:
        with pytest.raises(PermissionDenied):
            review_transition(
                user=people[role], plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=district
            )
        assert review_snapshot() == before


@pytest.mark.parametrize(
    "role", ["administrator", "reviewer", "official", "agency_officer", "reader", "other_reviewer"]
)
@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN, Action.REOPEN])
def test_approving_returning_and_reopening_are_for_the_province_reviewers(people, plan, places, role, action):
    district = places["own district"]
    submit(people, plan, district)
    if action == Action.REOPEN:
        approve(people, plan, district)
    before = review_snapshot()
    allowed = role in {"administrator", "reviewer"}
    if allowed:
        review = review_transition(
            user=people[role],
            plan=plan,
            table=Table.DISTRICTS,
            action=action,
            locality=district,
            comment="Kiểm tra lại",
        )
        assert review.state == {"approve": "approved", "return": "returned", "reopen": "reopened"}[action]
    else:
        with pytest.raises(PermissionDenied):
            review_transition(
                user=people[role], plan=plan, table=Table.DISTRICTS, action=action, locality=district, comment="x"
            )
        assert review_snapshot() == before


def test_an_approved_district_is_locked_for_everybody_until_reopened(people, plan, places):
    district = places["own district"]
    submit(people, plan, district)
    # Submitted: the official waits; the reviewer may still correct.
    with pytest.raises(PermissionDenied):
        save_figures(user=people["official"], plan=plan, edits=[edit_poor(plan, district, 310)])
    approve(people, plan, district)
    before = figure_snapshot(plan)
    for role in ("official", "reviewer", "administrator"):
        with pytest.raises(PermissionDenied, match="khóa"):
            save_figures(user=people[role], plan=plan, edits=[edit_poor(plan, district, 310)])
    assert figure_snapshot(plan) == before
    # Other districts are not locked by this district's approval.
    assert save_figures(user=people["reviewer"], plan=plan, edits=[edit_poor(plan, places["other district"], 300)]).ok
    review_transition(
        user=people["reviewer"],
        plan=plan,
        table=Table.DISTRICTS,
        action=Action.REOPEN,
        locality=district,
        comment="Sai số liệu",
    )
    refused = save_figures(user=people["official"], plan=plan, edits=[edit_poor(plan, district, 310)])
    assert not refused.ok and "lý do" in " ".join(refused.errors["row"])
    assert save_figures(
        user=people["official"], plan=plan, edits=[edit_poor(plan, district, 310)], reason="Rà soát lại"
    ).ok
    latest = target_of(plan, district).history.first()
    assert (latest.history_user, latest.history_change_reason, latest.poor_households) == (
        people["official"],
        "Rà soát lại",
        310,
    )


def test_the_second_of_two_concurrent_saves_is_refused_with_the_first_value(people, plan, places):
    district = places["own district"]
    seen = target_of(plan, district).version  # both open the figure at this version

    def edit(poor):
        return FigureEdit(
            key="row", locality=district, year=YEAR, kind="target", values={"poor_households": poor}, version=seen
        )

    assert save_figures(user=people["official"], plan=plan, edits=[edit(300)]).ok
    second = save_figures(user=people["reviewer"], plan=plan, edits=[edit(280)])
    assert not second.ok and len(second.conflicts) == 1
    assert people["official"].username in second.conflicts[0].message and "300" in second.conflicts[0].message
    assert target_of(plan, district).poor_households == 300


def test_a_batch_with_one_invalid_row_saves_nothing(people, plan, places):
    before = figure_snapshot(plan)
    good = edit_poor(plan, places["own district"], 300)
    bad = edit_poor(plan, places["other district"], 10**6, key="bad")  # more poor households than households
    result = save_figures(user=people["reviewer"], plan=plan, edits=[good, bad])
    assert not result.ok and "bad" in result.errors and "row" not in result.errors
    assert figure_snapshot(plan) == before


def as_staff_with_figure_rights(user):
    """A role holder made staff with the model rights the admin asks for; the scope is then the role's."""
    if not user.is_superuser:
        user.is_staff = True
        user.save()
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_householdfigure", "view_householdfigure"])
        )
    return user


# (role, row) → the answer to a change posted in the admin: 302 to the changelist when saved; 302 to the admin's
# index for a figure outside the user's scope (the admin does not show it, as if it did not exist); 403 for a
# figure within it that the user may not change (an approved district).
ADMIN_MATRIX = [
    ("administrator", "own district", True, None),
    ("reviewer", "own district", True, None),
    ("official", "own district", True, None),
    ("official", "other district", False, 302),
    ("reader", "own district", False, 302),
    ("other_reviewer", "own district", False, 302),
]


@pytest.mark.parametrize(("role", "place", "allowed", "refusal"), ADMIN_MATRIX)
def test_changing_a_figure_in_the_admin(client, people, plan, places, role, place, allowed, refusal):
    client.force_login(as_staff_with_figure_rights(people[role]))
    figure = target_of(plan, places[place])
    before = figure_snapshot(plan)
    response = client.post(reverse("admin:plans_householdfigure_change", args=[figure.pk]), admin_data(figure))
    assert response.status_code == 302
    if allowed:
        assert response["Location"] == reverse("admin:plans_householdfigure_changelist")
        figure.refresh_from_db()
        assert figure.poor_households == 123
    else:
        assert response["Location"] == reverse("admin:index")
        assert figure_snapshot(plan) == before


def test_a_locked_figure_within_the_scope_is_refused_in_the_admin_with_403(client, people, plan, places):
    district = places["own district"]
    submit(people, plan, district)
    approve(people, plan, district)
    client.force_login(as_staff_with_figure_rights(people["official"]))
    figure = target_of(plan, district)
    before = figure_snapshot(plan)
    response = client.post(reverse("admin:plans_householdfigure_change", args=[figure.pk]), admin_data(figure))
    assert response.status_code == 403
    assert figure_snapshot(plan) == before


def admin_data(figure) -> dict:
    return {
        "standard": figure.standard_id,
        "households": str(figure.households),
        "poor_households": "123",
        "published_rate": "",
        "note": "",
        "version_seen": figure.version,
        "change_reason": "",
    }


def test_staff_see_only_their_scope_in_the_admin(client, people, places):
    client.force_login(as_staff_with_figure_rights(people["official"]))
    response = client.get(reverse("admin:plans_householdfigure_changelist"))
    page = response.content.decode()
    assert places["own district"].name in page and places["other district"].name not in page
    assert {figure.locality for figure in response.context["cl"].result_list} == {places["own district"]}


def test_checker_explains_a_refusal_in_vietnamese(people, plan, places):
    decision = Checker(people["official"], plan).can_edit_figure(places["other district"])
    assert not decision
    assert decision.reason == "Bạn chỉ được sửa số liệu của đơn vị mình, không được sửa số liệu của Huyện Số 2."
    # What a grid says once, above all the rows refused alike, names no unit.
    assert decision.note == "Bạn chỉ sửa được dòng của đơn vị mình; các dòng khác chỉ xem."


def test_edit_buttons_show_only_in_plans_of_the_users_own_province(people, plan):
    other_plan = make_household_plan(
        slug="tinh-khac-2021-2023", province=people["other_reviewer"].role_assignments.get().province
    )
    assert Checker(people["official"], plan).may_edit_anything
    assert not Checker(people["official"], other_plan).may_edit_anything  # a district official of another province
    assert Checker(people["agency_officer"], plan).may_edit_anything
    assert not Checker(people["agency_officer"], other_plan).may_edit_anything
    assert not Checker(people["reader"], plan).may_edit_anything
    assert Checker(people["reviewer"], plan).may_edit_anything
    assert not Checker(people["reviewer"], other_plan).may_edit_anything
