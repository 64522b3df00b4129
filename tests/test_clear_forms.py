"""Issue 14, points 4, 6 and 8: a confirmation after each review step, approving and returning as separate labelled
acts, no save button where nothing can be saved, the conflict banner only after a conflict, grid cells that ask a
tablet for its numeric keypad, and "leads DA1" badges explained in text."""

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorValue
from plans.models import HouseholdFigure
from workflow.models import Role, Table
from workflow.permissions import Action
from workflow.services import FigureEdit, review_transition, save_figures

from .factories import DutyFactory, ProgramProjectFactory, make_indicator_plan, make_role_user
from .helpers_a_html import parse

pytestmark = pytest.mark.django_db

CONFIRMED = {
    "vi": {
        Action.SUBMIT: "Huyện Số 1 đã được gửi duyệt: không thể sửa cho đến khi người duyệt phê duyệt hoặc trả lại.",
        Action.RETURN: "Huyện Số 1 đã được trả lại để sửa, kèm nhận xét của bạn: có thể sửa lại.",
        Action.APPROVE: "Huyện Số 1 đã được phê duyệt và khóa: không ai sửa được cho đến khi người duyệt mở lại.",
        Action.REOPEN: "Huyện Số 1 đã được mở lại: có thể sửa lại, và mỗi thay đổi cần ghi lý do.",
    },
    "en": {
        Action.SUBMIT: (
            "Huyện Số 1 submitted for review: it cannot be changed until a reviewer approves it or returns it."
        ),
        Action.RETURN: "Huyện Số 1 returned for changes, with your comment: it can be edited again.",
        Action.APPROVE: "Huyện Số 1 approved and locked: nobody can change it until a reviewer reopens it.",
        Action.REOPEN: "Huyện Số 1 reopened: it can be edited again, and every change needs a reason.",
    },
}


def first_district(plan):
    return plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality


def step(client, plan, action, comment=""):
    url = reverse("review:review_action", args=[plan.slug, Table.DISTRICTS, action])
    response = client.post(url, {"locality": first_district(plan).slug, "comment": comment}, follow=True)
    assert response.status_code == 200
    return response


def shown_messages(response) -> list[str]:
    region = parse(response.content.decode()).find("div", role="status")
    return [item.text for item in region.find_all("li")]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_review_step_is_confirmed_on_the_page_in_the_users_language(
    client, small_plan, small_plan_people, language
):
    if language == "en":
        client.cookies["django_language"] = "en"
    official, reviewer = small_plan_people["official"], small_plan_people["reviewer"]
    client.force_login(official)
    assert shown_messages(step(client, small_plan, Action.SUBMIT)) == [CONFIRMED[language][Action.SUBMIT]]
    client.force_login(reviewer)
    response = step(client, small_plan, Action.RETURN, "Kiểm tra lại số hộ")
    assert shown_messages(response) == [CONFIRMED[language][Action.RETURN]]
    client.force_login(official)
    step(client, small_plan, Action.SUBMIT)
    client.force_login(reviewer)
    assert shown_messages(step(client, small_plan, Action.APPROVE)) == [CONFIRMED[language][Action.APPROVE]]
    response = step(client, small_plan, Action.REOPEN, "Số liệu rà soát mới")
    assert shown_messages(response) == [CONFIRMED[language][Action.REOPEN]]


def test_approve_and_return_are_separate_forms_each_with_its_own_labelled_comment(
    client, small_plan, small_plan_people
):
    review_transition(
        user=small_plan_people["official"],
        plan=small_plan,
        table=Table.DISTRICTS,
        action=Action.SUBMIT,
        locality=first_district(small_plan),
    )
    client.force_login(small_plan_people["reviewer"])
    page = parse(client.get(reverse("review:review", args=[small_plan.slug])).content.decode())
    row = page.find("tr", id=f"part-{first_district(small_plan).slug}")
    forms = row.find_all("form")
    assert [form.find("button").text for form in forms] == ["Duyệt và khóa", "Trả lại để sửa"]
    labels = []
    for form in forms:
        textarea = form.find("textarea")
        label = form.find("label")
        assert label["for"] == textarea["id"]  # each box named by its own label
        labels.append(label.text)
    assert labels == ["Nhận xét khi phê duyệt (không bắt buộc)", "Những gì cần sửa (bắt buộc)"]
    assert "required" in forms[1].find("textarea").attrs and "required" not in forms[0].find("textarea").attrs
    # Returning is folded beside approving: a disclosure the reviewer opens, not a second box stacked under the first.
    assert row.find("details", class_="review-step").find("summary").text == "Trả lại để sửa…"


def grid_url(plan):
    return reverse("editing:districts_edit", args=[plan.slug])


def test_a_grid_where_no_row_can_be_changed_has_no_save_button_and_says_why(client, small_plan, small_plan_people):
    official = small_plan_people["official"]
    client.force_login(official)
    page = parse(client.get(grid_url(small_plan)).content.decode())
    assert page.find("form", class_="grid-form").find_all("button", type="submit")
    review_transition(
        user=official, plan=small_plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first_district(small_plan)
    )
    page = parse(client.get(grid_url(small_plan)).content.decode())
    assert page.find("form", class_="grid-form").find_all("button", type="submit") == []
    assert "nên không có gì để lưu" in page.find("p", class_="grid-readonly-note").text
    assert not page.find_all("input", class_="cell-input")


def grid_inputs(page) -> dict[str, str]:
    form = page.find("form", class_="grid-form")
    return {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}


def test_the_grid_banner_speaks_of_others_changes_only_after_a_conflict(client, small_plan, small_plan_people):
    official, reviewer = small_plan_people["official"], small_plan_people["reviewer"]
    district = first_district(small_plan)
    client.force_login(official)
    data = grid_inputs(parse(client.get(grid_url(small_plan)).content.decode()))
    households = f"f{district.pk}-households"

    # A mistake of the official's own: the banner asks to correct the cells, and says nothing of others.
    banner = parse(client.post(grid_url(small_plan), {**data, households: "-5"}).content.decode()).find(
        "div", class_="grid-alert"
    )
    assert "sửa các ô được đánh dấu" in banner.text and "trong lúc đó" not in banner.text
    assert not banner.find_all("ul")

    # The reviewer saves the same row meanwhile: now the banner names the other change.
    figure = HouseholdFigure.objects.get(plan=small_plan, locality=district, year=2023)
    edit = FigureEdit(
        key="r", locality=district, year=2023, kind=figure.kind, values={"households": 10050}, version=figure.version
    )
    assert save_figures(user=reviewer, plan=small_plan, edits=[edit]).ok
    banner = parse(client.post(grid_url(small_plan), {**data, households: "10.070"}).content.decode()).find(
        "div", class_="grid-alert"
    )
    assert banner["role"] == "alert" and len(banner.find("ul").find_all("li")) == 1


def test_grid_cells_ask_a_tablet_for_its_numeric_keypad(client, small_plan, small_plan_people):
    client.force_login(small_plan_people["reviewer"])
    page = parse(client.get(grid_url(small_plan), {"year": 2021, "kind": "result"}).content.decode())
    district = first_district(small_plan)
    households = page.find("input", name=f"f{district.pk}-households")
    assert households["inputmode"] == "numeric" and households["enterkeyhint"] == "next"
    assert households["type"] == "text"  # "7.540" is a number here: a browser's number input would refuse it


def test_a_led_project_badge_has_the_projects_name_written_beside_it(client, small_plan):
    project = ProgramProjectFactory(code="THU-DA1", name="Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng")
    duty = DutyFactory(responsibility__plan=small_plan, marker="a", led_projects=[project])
    with translation.override("vi"):
        agency_url = duty.responsibility.agency.get_absolute_url()
    for url in (reverse("reports:tasks", args=[small_plan.slug]), agency_url):
        page = parse(client.get(url).content.decode())
        badge = page.find("span", class_="led-project")
        explanation = page.find("span", id=badge["aria-describedby"])
        assert badge.text == "chủ trì THU-DA1"
        assert explanation.text == "(Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng)"
        assert "title" not in badge.attrs


def test_the_indicator_grid_and_results_write_a_values_own_wording_beside_it_not_in_a_tooltip(client):
    plan = make_indicator_plan(slug="thu-cach-viet", dimensions=1, indicators_per_dimension=1)
    target = IndicatorValue.objects.filter(plan_indicator__plan=plan, kind="target").order_by("year").first()
    IndicatorValue.objects.filter(pk=target.pk).update(value_as_written="giảm từ 3% trở lên")
    client.force_login(make_role_user(Role.REVIEWER, province=plan.province))
    for url in (reverse("editing:indicators_edit", args=[plan.slug]), reverse("reports:results", args=[plan.slug])):
        page = parse(client.get(url).content.decode())
        assert any("giảm từ 3% trở lên" in span.text for span in page.find_all("span", class_="explain")), url
        assert not [cell for cell in page.find_all("td") if "title" in cell.attrs], url
