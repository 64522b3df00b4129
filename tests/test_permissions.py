"""The permission matrix: every role × every writing action, allowed or refused — and unchanged when refused."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators.models import IndicatorValue, PlanIndicator
from localities.models import Locality
from plans.models import Agency, HouseholdFigure, Plan
from workflow.models import ReviewEvent, Role, RoleAssignment, Table, TableReview
from workflow.permissions import Action, Checker
from workflow.services import FigureEdit, ValueEdit, review_transition, save_figures, save_indicator_values

pytestmark = pytest.mark.django_db

HY = "hung-yen-2023-2025"


def make_user(name, role=None, *, staff=True, superuser=False, **scope):
    user = get_user_model().objects.create_user(name, password="mat-khau-an-toan-2024", is_staff=staff)
    if superuser:
        user.is_superuser = True
        user.save()
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def people():
    hung_yen = Locality.objects.get(slug="hung-yen")
    return {
        "administrator": make_user("quantri", superuser=True),
        "reviewer": make_user("ldtbxh", Role.REVIEWER, province=hung_yen),
        "official": make_user("phucu", Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug="hung-yen-phu-cu")),
        "agency_officer": make_user(
            "soyte", Role.AGENCY_OFFICER, agency=Agency.objects.get(province=hung_yen, slug="so-yt")
        ),
        "reader": make_user("docgia", Role.READER, province=hung_yen),
        "other_reviewer": make_user("hue", Role.REVIEWER, province=Locality.objects.get(slug="thua-thien-hue")),
    }


@pytest.fixture
def plan():
    return Plan.objects.get(slug=HY)


def figure_snapshot(plan):
    return sorted(
        HouseholdFigure.objects.filter(plan=plan).values_list(
            "pk", "households", "poor_households", "published_rate", "version"
        )
    )


def value_snapshot(plan):
    return sorted(IndicatorValue.objects.filter(plan_indicator__plan=plan).values_list("pk", "value", "version"))


def edit_poor(plan, locality_slug, poor):
    locality = Locality.objects.get(slug=locality_slug)
    figure = HouseholdFigure.objects.get(plan=plan, locality=locality, year=2024, kind="target")
    return FigureEdit(
        key="row", locality=locality, year=2024, kind="target", values={"poor_households": poor}, version=figure.version
    )


# Who may change which figure: (role, locality row) → allowed?
FIGURE_MATRIX = [
    ("administrator", "hung-yen-phu-cu", True),
    ("administrator", "hung-yen", True),
    ("reviewer", "hung-yen-phu-cu", True),
    ("reviewer", "hung-yen", True),  # the province total row: reviewers only
    ("official", "hung-yen-phu-cu", True),
    ("official", "hung-yen-tien-lu", False),  # another district
    ("official", "hung-yen", False),
    ("agency_officer", "hung-yen-phu-cu", False),
    ("reader", "hung-yen-phu-cu", False),
    ("other_reviewer", "hung-yen-phu-cu", False),  # another province's reviewer
]


@pytest.mark.parametrize(("role", "locality_slug", "allowed"), FIGURE_MATRIX)
def test_saving_a_figure(people, plan, role, locality_slug, allowed):
    before = figure_snapshot(plan)
    edit = edit_poor(plan, locality_slug, 300)
    if allowed:
        result = save_figures(user=people[role], plan=plan, edits=[edit])
        assert result.ok and result.changed == 1
        assert (
            HouseholdFigure.objects.get(
                plan=plan, locality__slug=locality_slug, year=2024, kind="target"
            ).poor_households
            == 300
        )
    else:
        with pytest.raises(PermissionDenied):
            save_figures(user=people[role], plan=plan, edits=[edit])
        assert figure_snapshot(plan) == before


@pytest.mark.parametrize(
    ("role", "indicator_code", "allowed"),
    [
        ("administrator", "health-insurance", True),
        ("reviewer", "clean-water", True),
        ("agency_officer", "health-insurance", True),  # Sở Y tế leads it
        ("agency_officer", "clean-water", False),  # led by Sở Nông nghiệp và PTNT
        ("official", "health-insurance", False),
        ("reader", "health-insurance", False),
        ("other_reviewer", "health-insurance", False),
    ],
)
def test_saving_an_indicator_value(people, plan, role, indicator_code, allowed):
    before = value_snapshot(plan)
    plan_indicator = PlanIndicator.objects.get(plan=plan, indicator__code=indicator_code)
    current = plan_indicator.values.get(year=2024, kind="target")
    edit = ValueEdit(
        key="v",
        plan_indicator=plan_indicator,
        year=2024,
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
    ("role", "action", "allowed"),
    [
        ("official", Action.SUBMIT, True),
        ("reviewer", Action.SUBMIT, True),
        ("reader", Action.SUBMIT, False),
        ("agency_officer", Action.SUBMIT, False),
        ("other_reviewer", Action.SUBMIT, False),
    ],
)
def test_submitting_a_district(people, plan, role, action, allowed):
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")
    before = review_snapshot()
    if allowed:
        review = review_transition(user=people[role], plan=plan, table=Table.DISTRICTS, action=action, locality=phu_cu)
        assert review.state == "submitted"
    else:
        with pytest.raises(PermissionDenied):
            review_transition(user=people[role], plan=plan, table=Table.DISTRICTS, action=action, locality=phu_cu)
        assert review_snapshot() == before


@pytest.mark.parametrize(
    "role", ["administrator", "reviewer", "official", "agency_officer", "reader", "other_reviewer"]
)
@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN, Action.REOPEN])
def test_approving_returning_and_reopening_are_for_the_province_reviewers(people, plan, role, action):
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")
    review_transition(user=people["official"], plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=phu_cu)
    if action == Action.REOPEN:
        review_transition(
            user=people["reviewer"], plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=phu_cu
        )
    before = review_snapshot()
    allowed = role in {"administrator", "reviewer"}
    if allowed:
        review = review_transition(
            user=people[role], plan=plan, table=Table.DISTRICTS, action=action, locality=phu_cu, comment="Kiểm tra lại"
        )
        assert review.state == {"approve": "approved", "return": "returned", "reopen": "reopened"}[action]
    else:
        with pytest.raises(PermissionDenied):
            review_transition(
                user=people[role], plan=plan, table=Table.DISTRICTS, action=action, locality=phu_cu, comment="x"
            )
        assert review_snapshot() == before


def test_an_approved_district_is_locked_for_everybody_until_reopened(people, plan):
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")
    review_transition(user=people["official"], plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=phu_cu)
    # Submitted: the official waits; the reviewer may still correct.
    with pytest.raises(PermissionDenied):
        save_figures(user=people["official"], plan=plan, edits=[edit_poor(plan, "hung-yen-phu-cu", 310)])
    review_transition(user=people["reviewer"], plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=phu_cu)
    before = figure_snapshot(plan)
    for role in ("official", "reviewer", "administrator"):
        with pytest.raises(PermissionDenied, match=r"khóa|locked"):
            save_figures(user=people[role], plan=plan, edits=[edit_poor(plan, "hung-yen-phu-cu", 310)])
    assert figure_snapshot(plan) == before
    # Other districts are not locked by Phù Cừ's approval.
    assert save_figures(user=people["reviewer"], plan=plan, edits=[edit_poor(plan, "hung-yen-tien-lu", 300)]).ok
    review_transition(
        user=people["reviewer"],
        plan=plan,
        table=Table.DISTRICTS,
        action=Action.REOPEN,
        locality=phu_cu,
        comment="Sai số liệu",
    )
    refused = save_figures(user=people["official"], plan=plan, edits=[edit_poor(plan, "hung-yen-phu-cu", 310)])
    assert not refused.ok and "lý do" in " ".join(refused.errors["row"])
    assert save_figures(
        user=people["official"], plan=plan, edits=[edit_poor(plan, "hung-yen-phu-cu", 310)], reason="Rà soát lại"
    ).ok
    figure = HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2024, kind="target")
    latest = figure.history.first()
    assert (latest.history_user, latest.history_change_reason, latest.poor_households) == (
        people["official"],
        "Rà soát lại",
        310,
    )


def test_the_second_of_two_concurrent_saves_is_refused_with_the_first_value(people, plan):
    seen = edit_poor(plan, "hung-yen-phu-cu", 300).version  # both open the figure at this version
    phu_cu = Locality.objects.get(slug="hung-yen-phu-cu")

    def edit(poor):
        return FigureEdit(
            key="row", locality=phu_cu, year=2024, kind="target", values={"poor_households": poor}, version=seen
        )

    assert save_figures(user=people["official"], plan=plan, edits=[edit(300)]).ok
    second = save_figures(user=people["reviewer"], plan=plan, edits=[edit(280)])
    assert not second.ok and len(second.conflicts) == 1
    assert "phucu" in second.conflicts[0].message and "300" in second.conflicts[0].message
    assert HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2024, kind="target").poor_households == 300


def test_a_batch_with_one_invalid_row_saves_nothing(people, plan):
    before = figure_snapshot(plan)
    good = edit_poor(plan, "hung-yen-phu-cu", 300)
    bad = edit_poor(plan, "hung-yen-tien-lu", 10**6)  # more poor households than households
    bad.key = "bad"
    result = save_figures(user=people["reviewer"], plan=plan, edits=[good, bad])
    assert not result.ok and "bad" in result.errors and "row" not in result.errors
    assert figure_snapshot(plan) == before


@pytest.mark.parametrize(
    ("role", "locality_slug", "allowed"),
    [
        ("administrator", "hung-yen-phu-cu", True),
        ("reviewer", "hung-yen-phu-cu", True),
        ("official", "hung-yen-phu-cu", True),
        ("official", "hung-yen-tien-lu", False),
        ("reader", "hung-yen-phu-cu", False),
        ("other_reviewer", "hung-yen-phu-cu", False),
    ],
)
def test_changing_a_figure_in_the_admin(client, people, plan, role, locality_slug, allowed):
    user = people[role]
    if not user.is_superuser:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["change_householdfigure", "view_householdfigure"])
        )
    client.force_login(user)
    figure = HouseholdFigure.objects.get(plan=plan, locality__slug=locality_slug, year=2024, kind="target")
    before = figure_snapshot(plan)
    url = reverse("admin:plans_householdfigure_change", args=[figure.pk])
    data = {
        "standard": figure.standard_id,
        "households": str(figure.households),
        "poor_households": "123",
        "published_rate": "",
        "note": "",
        "version_seen": figure.version,
        "change_reason": "",
    }
    response = client.post(url, data)
    if allowed:
        assert response.status_code == 302, response.content[:2000]
        figure.refresh_from_db()
        assert figure.poor_households == 123
    else:
        assert response.status_code in (403, 302) and figure_snapshot(plan) == before
        if response.status_code == 302:  # Django sends staff without any right on the object back to the index
            assert "/admin/" in response["Location"]


def test_staff_see_only_their_scope_in_the_admin(client, people, plan):
    from django.contrib.auth.models import Permission

    official = people["official"]
    official.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_householdfigure", "view_householdfigure"])
    )
    client.force_login(official)
    page = client.get(reverse("admin:plans_householdfigure_changelist")).content.decode()
    assert "Huyện Phù Cừ" in page and "Huyện Tiên Lữ" not in page


def test_checker_explains_a_refusal_in_vietnamese(people, plan):
    decision = Checker(people["official"], plan).can_edit_figure(Locality.objects.get(slug="hung-yen-tien-lu"))
    assert not decision and "huyện" in decision.reason.lower()


def test_edit_buttons_show_only_in_plans_of_the_users_own_province(people, plan):
    tth_plan = Plan.objects.get(slug="thua-thien-hue-2024")
    assert Checker(people["official"], plan).may_edit_anything
    assert not Checker(people["official"], tth_plan).may_edit_anything  # a Hưng Yên district official
    assert Checker(people["agency_officer"], plan).may_edit_anything
    assert not Checker(people["agency_officer"], tth_plan).may_edit_anything
    assert not Checker(people["reader"], plan).may_edit_anything
