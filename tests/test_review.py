"""Review and approval: the transition matrix through the web, refusals that change nothing, the reviewer's screen."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from localities.models import Locality
from plans.models import Agency, HouseholdFigure, Plan
from workflow.models import ReviewEvent, ReviewState, Role, RoleAssignment, Table, TableReview
from workflow.permissions import Action, Checker
from workflow.services import FigureEdit, review_transition, save_figures

pytestmark = pytest.mark.django_db

HY = "hung-yen-2023-2025"
PHU_CU, TIEN_LU = "hung-yen-phu-cu", "hung-yen-tien-lu"


def user_with_role(username, role=None, **scope):
    user = get_user_model().objects.create_user(username, password="mat-khau-an-toan-2024")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def hung_yen_people() -> dict:
    province = Locality.objects.get(slug="hung-yen")
    return {
        "reviewer": user_with_role("ldtbxh", Role.REVIEWER, province=province),
        "official": user_with_role("phucu", Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug=PHU_CU)),
        # Sở Y tế leads indicators of Hưng Yên's Phụ lục 02 (looked up by name: the slug is the seeds' business).
        "agency_officer": user_with_role(
            "soyte", Role.AGENCY_OFFICER, agency=Agency.objects.get(province=province, name="Sở Y tế")
        ),
        "reader": user_with_role("docgia", Role.READER, province=province),
    }


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def people():
    return hung_yen_people()


@pytest.fixture
def plan():
    return Plan.objects.get(slug=HY)


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
# (role, action, part) → allowed. Parts: Phù Cừ's rows, Tiên Lữ's rows (not the official's), the indicator table.
ALLOWED = {
    ("reviewer", PHU_CU): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("reviewer", TIEN_LU): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("reviewer", "indicators"): {Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN},
    ("official", PHU_CU): {Action.SUBMIT},
    ("official", TIEN_LU): set(),
    ("official", "indicators"): set(),
    ("agency_officer", PHU_CU): set(),
    ("agency_officer", TIEN_LU): set(),
    ("agency_officer", "indicators"): {Action.SUBMIT},
    ("reader", PHU_CU): set(),
    ("reader", TIEN_LU): set(),
    ("reader", "indicators"): set(),
}
MATRIX = [
    (role, action, part)
    for (role, part) in ALLOWED
    for action in (Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REOPEN)
]


def action_url(table, action):
    return reverse("review:review_action", args=[HY, table, action])


@pytest.mark.parametrize(("role", "action", "part"), MATRIX, ids=[f"{r}-{a}-{p}" for r, a, p in MATRIX])
def test_transition_matrix_allows_or_refuses_and_refusal_changes_nothing(client, people, plan, role, action, part):
    table = Table.INDICATORS if part == "indicators" else Table.DISTRICTS
    locality = None if part == "indicators" else Locality.objects.get(slug=part)
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


def test_review_action_refuses_a_get_with_405(client, people):
    assert client.get(action_url(Table.DISTRICTS, Action.SUBMIT)).status_code == 405
    client.force_login(people["reviewer"])
    assert client.get(action_url(Table.DISTRICTS, Action.APPROVE), {"locality": PHU_CU}).status_code == 405


def test_anonymous_post_is_sent_to_log_in_and_changes_nothing(client, plan):
    before = review_snapshot(plan)
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": PHU_CU})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert review_snapshot(plan) == before


def test_a_locality_outside_the_plans_table_is_not_found(client, people, plan):
    client.force_login(people["reviewer"])
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": "thua-thien-hue-a-luoi"})
    assert response.status_code == 404
    assert client.post(action_url("everything", Action.SUBMIT)).status_code == 404
    assert client.post(action_url(Table.INDICATORS, "delete")).status_code == 404


@pytest.mark.parametrize("action", [Action.RETURN, Action.REOPEN])
def test_return_and_reopen_without_a_comment_show_a_message_and_change_nothing(client, people, plan, action):
    phu_cu = Locality.objects.get(slug=PHU_CU)
    put_in_state(plan, Table.DISTRICTS, phu_cu, PRECONDITION[action])
    before = review_snapshot(plan)
    client.force_login(people["reviewer"])
    response = client.post(action_url(Table.DISTRICTS, action), {"locality": PHU_CU, "comment": "   "}, follow=True)
    assert response.status_code == 200
    assert review_snapshot(plan) == before
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"Phù Cừ: {gettext('Say why: the officials will read it.')}"]


def test_successful_step_redirects_back_to_the_part_with_a_message(client, people, plan):
    client.force_login(people["official"])
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": PHU_CU})
    assert response["Location"] == reverse("review:review", args=[HY]) + "#part-hung-yen-phu-cu"
    (message,) = client.get(response["Location"]).context["messages"]
    assert str(message) == ("Phù Cừ đã được gửi duyệt: không thể sửa cho đến khi người duyệt phê duyệt hoặc trả lại.")


# --- the reviewer's screen --------------------------------------------------------------------------


def part_row(html: str, anchor: str) -> str:
    match = re.search(rf'<tr id="{anchor}"[^>]*>(.*?)</tr>\s*(?=<tr id=|</tbody>)', html, re.S)
    assert match, f"no row {anchor}"
    return match.group(1)


def change_phu_cu_households(official, plan, reason="Số liệu rà soát cuối năm"):
    phu_cu = Locality.objects.get(slug=PHU_CU)
    figure = HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2023, kind="target")
    result = save_figures(
        user=official,
        plan=plan,
        edits=[FigureEdit("c", phu_cu, 2023, "target", {"households": 29650}, version=figure.version)],
        reason=reason,
    )
    assert result.ok, result.errors


def test_review_screen_lists_the_submitted_district_with_its_changes_and_the_findings(client, people, plan):
    change_phu_cu_households(people["official"], plan)
    client.force_login(people["official"])
    client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": PHU_CU, "comment": "Đã rà soát."})

    client.force_login(people["reviewer"])
    html = client.get(reverse("review:review", args=[HY])).content.decode()
    waiting = html.split('<section id="awaiting">', 1)[1].split("</section>", 1)[0]
    assert "Phù Cừ" in waiting and "Tiên Lữ" not in waiting
    assert "phucu" in waiting

    row = part_row(html, "part-hung-yen-phu-cu")
    assert "29.609</del> → <ins>29.650" in row  # old → new, formatted the Vietnamese way
    assert "Số liệu rà soát cuối năm" in row  # the reason
    assert "Đã rà soát." in row  # the official's comment
    # The reviewer may approve or return it; the submit step is not offered again.
    assert 'action="/plans/hung-yen-2023-2025/review/districts/approve/"' in row
    assert 'action="/plans/hung-yen-2023-2025/review/districts/return/"' in row
    assert "/review/districts/submit/" not in row

    # The data-quality finding of the 2024 total sits on the total row, with the published and computed sums.
    total = part_row(html, "part-hung-yen")
    assert "Tổng cộng" in total
    assert "2.954" in total and "2.963" in total


def test_changes_since_the_last_approval_leave_out_what_was_approved(client, people, plan):
    reviewer, phu_cu = people["reviewer"], Locality.objects.get(slug=PHU_CU)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=phu_cu)
    review_transition(user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.APPROVE, locality=phu_cu)
    client.force_login(reviewer)
    row = part_row(client.get(reverse("review:review", args=[HY])).content.decode(), "part-hung-yen-phu-cu")
    assert 'class="lock"' in row and "ldtbxh" in row  # the lock, and who set it
    assert "<details" not in row.split("</td>", 3)[2]  # no change since the approval

    review_transition(
        user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.REOPEN, locality=phu_cu, comment="Sửa số hộ."
    )
    change_phu_cu_households(people["official"], plan, reason="Theo rà soát bổ sung")
    row = part_row(client.get(reverse("review:review", args=[HY])).content.decode(), "part-hung-yen-phu-cu")
    changes = row.split("</td>", 3)[2]
    assert changes.count("<li>") == 2  # one entry with one changed field: the seeds' records are not listed
    assert "Theo rà soát bổ sung" in changes and "29.650" in changes


def test_readers_see_the_screen_without_buttons_and_anonymous_visitors_are_sent_to_log_in(client, people, plan):
    url = reverse("review:review", args=[HY])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(people["reader"])
    html = client.get(url).content.decode()
    assert "Phù Cừ" in html and "/review/districts/" not in html and "/review/indicators/" not in html


def test_an_official_sees_only_the_submit_button_of_their_own_district(client, people):
    client.force_login(people["official"])
    html = client.get(reverse("review:review", args=[HY])).content.decode()
    assert "/review/districts/submit/" in part_row(html, "part-hung-yen-phu-cu")
    assert "/review/districts/" not in part_row(html, "part-hung-yen-tien-lu")
    assert "/review/districts/approve/" not in html and "/review/indicators/" not in html


def test_a_plan_the_user_may_not_view_is_not_found(client, people, plan):
    plan.is_public = False
    plan.save()
    outsider = user_with_role("hue", Role.REVIEWER, province=Locality.objects.get(slug="thua-thien-hue"))
    client.force_login(outsider)
    assert client.get(reverse("review:review", args=[HY])).status_code == 404
    response = client.post(action_url(Table.DISTRICTS, Action.SUBMIT), {"locality": PHU_CU})
    assert response.status_code == 404
    assert not TableReview.objects.filter(plan=plan).exists()


def test_review_screen_runs_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    client.force_login(people["reviewer"])
    with django_assert_max_num_queries(40):
        assert client.get(reverse("review:review", args=[HY])).status_code == 200
