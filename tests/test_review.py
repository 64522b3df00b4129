"""Review and approval: the transition matrix through the web, refusals that change nothing, the reviewer's screen.

Every test builds its own small plan (conftest's `small_plan`: three districts, 2021–2023) and its people.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertInHTML

from plans.models import Agency, HouseholdFigure
from workflow.models import ReviewEvent, ReviewState, Table, TableReview
from workflow.permissions import Action, Checker
from workflow.services import review_transition

from .factories import DistrictFactory, PlanIndicatorFactory
from .helpers_b_html import parse
from .helpers_b_plans import change_households, with_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

SLUG = "tinh-thu-2021-2023"  # conftest's small_plan
FIRST, SECOND, PROVINCE = f"{SLUG}-huyen-1", f"{SLUG}-huyen-2", "tinh-thu"  # the official's district, another one


@pytest.fixture
def plan(small_plan):
    """The small plan, its figures' creation recorded in their history as loading a plan records it."""
    return with_history(small_plan)


@pytest.fixture
def people(plan, small_plan_people):
    """conftest's people of the small plan, the agency officer's Sở Y tế leading one of its indicators."""
    PlanIndicatorFactory(plan=plan, lead_agency=Agency.objects.get(province=plan.province, name="Sở Y tế"))
    return small_plan_people


def review_snapshot(plan):
    return (
        sorted(
            TableReview.objects.filter(plan=plan).values_list(
                "table", "locality_id", "state", "comment", "changed_by_id", "changed_at", "approved_at"
            ),
            key=str,
        ),
        sorted(ReviewEvent.objects.filter(review__plan=plan).values_list("pk", "from_state", "to_state", "comment")),
    )


def district(plan, slug):
    return plan.province.children.get(slug=slug)


def put_in_state(plan, table, locality, state):
    """Arrange a part's state directly (the precondition of the action under test)."""
    if state != ReviewState.DRAFT:
        TableReview.objects.create(plan=plan, table=table, locality=locality, state=state)


PRECONDITION = {
    Action.SUBMIT: ReviewState.DRAFT,
    Action.APPROVE: ReviewState.SUBMITTED,
    Action.RETURN: ReviewState.SUBMITTED,
    Action.REOPEN: ReviewState.APPROVED,
}
OUTCOME = {
    Action.SUBMIT: ReviewState.SUBMITTED,
    Action.APPROVE: ReviewState.APPROVED,
    Action.RETURN: ReviewState.RETURNED,
    Action.REOPEN: ReviewState.REOPENED,
}
# (role, part) → the actions allowed. Parts: the official's district, another district, the indicator table.
ALLOWED = {
    ("reviewer", FIRST): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("reviewer", SECOND): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("reviewer", "indicators"): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("official", FIRST): {Action.SUBMIT},
    ("official", SECOND): set(),
    ("official", "indicators"): set(),
    ("agency_officer", FIRST): set(),
    ("agency_officer", SECOND): set(),
    ("agency_officer", "indicators"): {Action.SUBMIT},
    ("reader", FIRST): set(),
    ("reader", SECOND): set(),
    ("reader", "indicators"): set(),
    ("other_reviewer", FIRST): set(),
}
MATRIX = [
    (role, action, part)
    for (role, part) in ALLOWED
    for action in (Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN)
]


def action_url(table, action, slug=SLUG):
    return reverse("review:review_action", args=[slug, table, action])


@pytest.mark.parametrize(("role", "action", "part"), MATRIX, ids=[f"{r}-{a}-{p}" for r, a, p in MATRIX])
def test_each_role_may_take_exactly_its_review_steps_and_a_refusal_changes_nothing(
    client, people, plan, role, action, part
):
    table = Table.INDICATORS if part == "indicators" else Table.DISTRICTS
    locality = None if part == "indicators" else district(plan, part)
    put_in_state(plan, table, locality, PRECONDITION[action])
    before = review_snapshot(plan)
    client.force_login(people[role])
    data = {"comment": "Đề nghị rà soát lại số hộ nghèo."}
    if locality is not None:
        data["locality"] = locality.slug
    response = client.post(action_url(table, action), data)
    if action in ALLOWED[(role, part)]:
        assert response.status_code == 302, response.content.decode()[:500]
        review = TableReview.objects.get(plan=plan, table=table, locality=locality)
        assert review.state == OUTCOME[action]
        assert review.changed_by == people[role]
        event = review.events.get()
        assert (event.from_state, event.to_state, event.user) == (PRECONDITION[action], OUTCOME[action], people[role])
    else:
        assert response.status_code == 403
        assert review_snapshot(plan) == before
        # The reason is shown, in the permission check's own words.
        reason = Checker(people[role], plan).can_transition(action, table, locality).reason
        assert reason and escape(reason) in response.content.decode()


def test_a_review_step_answers_a_get_with_405(client, people):
    assert client.get(action_url(Table.DISTRICTS, Action.SUBMIT)).status_code == 405
    client.force_login(people["reviewer"])
    assert client.get(action_url(Table.DISTRICTS, Action.APPROVE), {"locality": FIRST}).status_code == 405


def test_an_anonymous_post_is_sent_to_log_in_and_changes_nothing(client, plan):
    before = review_snapshot(plan)
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": FIRST})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert review_snapshot(plan) == before


def test_a_locality_outside_the_plans_table_or_an_unknown_table_or_step_is_not_found(client, people, plan):
    client.force_login(people["reviewer"])
    # A locality of the province that is no row of the plan's table.
    outside = DistrictFactory(parent=plan.province)
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": outside.slug})
    assert response.status_code == 404
    assert (
        client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": "thua-thien-hue-a-luoi"}).status_code
        == 404
    )
    assert client.post(action_url("everything", Action.SUBMIT)).status_code == 404
    assert client.post(action_url(Table.INDICATORS, "delete")).status_code == 404
    assert not TableReview.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("action", [Action.RETURN, Action.REOPEN])
def test_return_and_reopen_without_a_comment_show_a_message_and_change_nothing(client, people, plan, action):
    put_in_state(plan, Table.DISTRICTS, district(plan, FIRST), PRECONDITION[action])
    before = review_snapshot(plan)
    client.force_login(people["reviewer"])
    response = client.post(action_url(Table.DISTRICTS, action), {"locality": FIRST, "comment": "   "}, follow=True)
    assert response.status_code == 200
    assert review_snapshot(plan) == before
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Huyện Số 1: {gettext('Say why: the officials will read it.')}"]


def test_a_successful_step_redirects_back_to_the_part_with_a_message(client, people, plan):
    client.force_login(people["official"])
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": FIRST})
    assert response["Location"] == reverse("review:review", args=[SLUG]) + f"#part-{FIRST}"
    (message,) = client.get(response["Location"]).context["messages"]
    assert str(message) == "Huyện Số 1 đã được gửi duyệt: không thể sửa cho đến khi người duyệt phê duyệt hoặc trả lại."


# --- the reviewer's screen --------------------------------------------------------------------------


def change_first_district_households(user, plan, households=10050, reason="Số liệu rà soát cuối năm"):
    """The first district's 2023 target: 10.000 households → `households`, through the service."""
    change_households(user, plan, households, reason=reason)


def review_page(client):
    response = client.get(reverse("review:review", args=[SLUG]))
    assert response.status_code == 200
    return parse(response)


def test_the_review_screen_lists_the_submitted_district_with_its_changes_and_the_findings(client, people, plan):
    # The province total's 2022 poor households disagree with the districts' sum (1.353): a finding.
    HouseholdFigure.objects.filter(plan=plan, locality=plan.province, year=2022).update(poor_households=1360)
    change_first_district_households(people["official"], plan)
    client.force_login(people["official"])
    client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": FIRST, "comment": "Đã rà soát."})

    client.force_login(people["reviewer"])
    page = review_page(client)
    waiting = page.by_id("awaiting")
    assert "Huyện Số 1" in waiting.text and "Huyện Số 2" not in waiting.text
    assert people["official"].username in waiting.text

    row = page.by_id(f"part-{FIRST}")
    changes = row.find("td", class_="changes-cell")
    assertInHTML("<del>10.000</del>", changes.html)  # old → new, formatted the Vietnamese way
    assertInHTML("<ins>10.050</ins>", changes.html)
    assert "10.000 → 10.050" in changes.text
    assert "Số liệu rà soát cuối năm" in changes.text  # the reason
    assert "Đã rà soát." in row.text  # the official's comment
    # The reviewer may approve or return it; the submit step is not offered again.
    actions = {form.attrs["action"] for form in row.find_all("form")}
    assert actions == {action_url(Table.DISTRICTS, Action.APPROVE), action_url(Table.DISTRICTS, Action.RETURN)}

    # The data-quality finding of the 2022 total sits on the total row, with the published and computed sums.
    total = page.by_id(f"part-{PROVINCE}")
    assert "Tổng cộng" in total.text
    findings = total.find("td", class_="findings-cell").text
    assert "1.360" in findings and "1.353" in findings


def test_the_changes_since_the_last_approval_leave_out_what_was_approved(client, people, plan):
    reviewer, official, first = people["reviewer"], people["official"], district(plan, FIRST)
    change_first_district_households(official, plan, households=10020, reason="Trước khi duyệt")
    review_transition(user=official, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=first)
    client.force_login(reviewer)
    row = review_page(client).by_id(f"part-{FIRST}")
    lock = row.find("div", class_="lock")
    assert reviewer.username in lock.text  # the lock, and who set it
    changes = row.find("td", class_="changes-cell")
    assert not changes.find_all("details")  # the change before the approval is not listed
    assert changes.text == gettext("no change since the approval")

    review_transition(
        user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.REOPEN, locality=first, comment="Sửa số hộ."
    )
    change_first_district_households(official, plan, households=10050, reason="Theo rà soát bổ sung")
    changes = review_page(client).by_id(f"part-{FIRST}").find("td", class_="changes-cell")
    # One entry: the households and the rate that follows them (issue 13); the one before approval is not listed.
    assert len(changes.find_all("li")) == 3
    assert "Theo rà soát bổ sung" in changes.text and "10.020 → 10.050" in changes.text
    assert "Trước khi duyệt" not in changes.text


def test_readers_see_the_screen_without_buttons_and_anonymous_visitors_are_sent_to_log_in(client, people, plan):
    url = reverse("review:review", args=[SLUG])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(people["reader"])
    page = review_page(client)
    assert "Huyện Số 1" in page.by_id(f"part-{FIRST}").text
    assert not page.find_all("form", class_="review-form")


def test_an_official_sees_only_the_submit_button_of_their_own_district(client, people):
    client.force_login(people["official"])
    page = review_page(client)
    assert [form.attrs["action"] for form in page.find_all("form", class_="review-form")] == [
        action_url(Table.DISTRICTS, Action.SUBMIT)
    ]
    assert page.by_id(f"part-{FIRST}").find("form", class_="review-form")
    assert not page.by_id(f"part-{SECOND}").find_all("form")


def test_a_plan_the_user_may_not_view_is_not_found(client, people, plan):
    plan.is_public = False
    plan.save()
    client.force_login(people["other_reviewer"])  # a reviewer of another province
    assert client.get(reverse("review:review", args=[SLUG])).status_code == 404
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": FIRST})
    assert response.status_code == 404
    assert not TableReview.objects.filter(plan=plan).exists()


def test_the_review_screen_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    client.force_login(people["reviewer"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("review:review", args=[SLUG])).status_code == 200
