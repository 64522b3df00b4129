"""The change log and the history of one record: who, when, old → new, why; filters; never editable.

Every test builds its own small plan (conftest's `small_plan`, its figures' creation recorded in their history).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from plans.models import HouseholdFigure
from workflow import changelog as history

from .factories import (
    DutyFactory,
    HouseholdFigureFactory,
    IndicatorValueFactory,
    PolicyTaskFactory,
    make_household_plan,
)
from .helpers_b_html import parse
from .helpers_b_plans import change_households, district, with_history

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

REASON = "Số liệu rà soát cuối năm"


@pytest.fixture
def plan(small_plan):
    return with_history(small_plan)


@pytest.fixture
def people(small_plan_people):
    return small_plan_people


@pytest.fixture
def changed(plan, people):
    """The official changed their district's 2023 households, 10.000 → 10.050, with a reason."""
    change_households(people["official"], plan, 10050, reason=REASON)
    return plan


def log_page(client, plan, **params):
    response = client.get(reverse("review:history", args=[plan.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def main(response):
    return parse(response).find("main")


def test_a_save_through_the_service_appears_in_the_change_log_with_user_old_new_and_reason(client, people, changed):
    client.force_login(people["reviewer"])
    newest = main(log_page(client, changed)).find("tbody").find("tr")  # newest first
    assert f"{people['official'].username} (Huyện Số 1)" in newest.text  # the account, with its unit
    assert "Huyện Số 1 — 2023" in newest.text
    assertInHTML("<del>10.000</del>", newest.html)
    assertInHTML("<ins>10.050</ins>", newest.html)
    assert "10.000 → 10.050" in newest.text
    assert REASON in newest.text


def test_the_change_log_carries_the_history_of_every_kind_of_record(plan):
    value = IndicatorValueFactory(plan_indicator__plan=plan)
    duty = DutyFactory(responsibility__plan=plan)
    task = PolicyTaskFactory(plan=plan)
    rows = list(history.change_log(plan)[:500])
    assert {row["record_kind"] for row in rows} == {"figure", "value", "duty", "task"}
    entries = history.entries(rows)
    assert [e.history_id for e in entries] == [row["history_id"] for row in rows]
    assert {(e.kind.code, e.object_id) for e in entries} >= {("value", value.pk), ("duty", duty.pk), ("task", task.pk)}


def test_the_change_log_filters_by_kind_user_locality_and_dates(client, people, changed):
    plan, official = changed, people["official"]
    client.force_login(people["reviewer"])
    today = timezone.localdate()

    assert REASON in log_page(client, plan, kind="figure")
    assert REASON not in log_page(client, plan, kind="value")
    only_official = client.get(reverse("review:history", args=[plan.slug]), {"user": official.pk})
    assert only_official.context["page"].paginator.count == 1 and REASON in only_official.content.decode()
    assert REASON not in log_page(client, plan, user="none")
    assert REASON in log_page(client, plan, locality=district(plan, 1).slug)
    assert REASON not in log_page(client, plan, locality=district(plan, 2).slug)
    assert REASON in log_page(client, plan, date_from=today.strftime("%d/%m/%Y"), date_to=today.strftime("%d/%m/%Y"))
    assert REASON not in log_page(client, plan, date_from=(today + datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    assert REASON not in log_page(client, plan, date_to=(today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    # The selector agrees: one record by the official, none of them outside their district.
    assert history.change_log(plan, user=official.pk).count() == 1
    assert history.change_log(plan, user=official.pk, locality=district(plan, 2)).count() == 0


def test_a_filter_that_is_not_understood_is_ignored_with_a_message(client, people, changed):
    client.force_login(people["reviewer"])
    page = main(log_page(client, changed, date_from="2024-31-12"))
    assert REASON in page.text
    assert page.find_all(class_="error")


def test_the_change_log_pages_and_keeps_the_filters_in_the_page_links(client, admin_client):
    plan = with_history(make_household_plan(districts=17, slug="thu-nhieu-huyen"))  # 18 rows × 3 years: 54 records
    total = history.change_log(plan, kind="figure").count()
    assert total == 54
    first = main(log_page(admin_client, plan, kind="figure"))
    assert first.find("a", href="?kind=figure&page=2")
    assert len(first.find("tbody").find_all("tr")) == 50
    second = main(log_page(admin_client, plan, kind="figure", page=2))
    assert len(second.find("tbody").find_all("tr")) == total - 50


def test_the_change_log_runs_a_bounded_number_of_queries(client, people, changed, django_assert_max_num_queries):
    client.force_login(people["reviewer"])
    with django_assert_max_num_queries(20):
        log_page(client, changed)


def test_history_pages_need_a_login(client, plan):
    figure = HouseholdFigure.objects.filter(plan=plan).first()
    for url in (
        reverse("review:history", args=[plan.slug]),
        reverse("review:object_history", args=[plan.slug, "figure", figure.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_history_of_one_figure_shows_every_version_and_no_form(client, people, changed):
    plan = changed
    figure = HouseholdFigure.objects.get(plan=plan, locality=district(plan, 1), year=2023, kind="target")
    client.force_login(people["reader"])
    response = client.get(reverse("review:object_history", args=[plan.slug, "figure", figure.pk]))
    assert response.status_code == 200
    content = main(response)
    assert not content.find_all("form") and not content.find_all("input") and not content.find_all("textarea")
    assert "10.000 → 10.050" in content.text and REASON in content.text
    assert f"{people['official'].username} (Huyện Số 1)" in content.text
    assertInHTML("<ins>10.000</ins>", content.html)  # the version the plan was created with
    assert [e.action for e in response.context["entries"]] == ["~", "+"]  # newest first


def test_the_history_of_each_kind_of_record_answers_and_another_plans_records_are_not_found(client, people, plan):
    client.force_login(people["reviewer"])
    value = IndicatorValueFactory(plan_indicator__plan=plan)
    duty = DutyFactory(responsibility__plan=plan)
    task = PolicyTaskFactory(plan=plan)
    for kind, pk in (("value", value.pk), ("duty", duty.pk), ("task", task.pk)):
        assert client.get(reverse("review:object_history", args=[plan.slug, kind, pk])).status_code == 200, kind
    other = HouseholdFigureFactory()  # a figure of another plan
    assert client.get(reverse("review:object_history", args=[plan.slug, "figure", other.pk])).status_code == 404
    assert client.get(reverse("review:object_history", args=[plan.slug, "plan", plan.pk])).status_code == 404


def test_a_deleted_record_keeps_its_history(client, people, plan):
    figure = HouseholdFigure.objects.get(plan=plan, locality=district(plan, 1), year=2021, kind="result")
    pk = figure.pk
    figure.delete()
    client.force_login(people["reviewer"])
    response = client.get(reverse("review:object_history", args=[plan.slug, "figure", pk]))
    assert response.status_code == 200
    assert [e.action for e in response.context["entries"]] == ["-", "+"]
    assertInHTML("<del>500</del>", main(response).html)  # its 500 poor households, shown as removed
