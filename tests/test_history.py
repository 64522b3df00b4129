"""The change log and the history of one record: who, when, old → new, why; filters; never editable."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from indicators.models import IndicatorValue
from localities.models import Locality
from plans.models import Duty, HouseholdFigure, Plan
from workflow import changelog as history
from workflow.services import FigureEdit, save_figures

from .test_review import HY, PHU_CU, change_phu_cu_households, hung_yen_people

pytestmark = pytest.mark.django_db


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


REASON = "Số liệu rà soát cuối năm"


def log_page(client, **params):
    response = client.get(reverse("review:history", args=[HY]), params)
    assert response.status_code == 200
    return response.content.decode()


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_save_through_the_service_appears_in_the_change_log_with_user_old_new_and_reason(client, people, plan):
    change_phu_cu_households(people["official"], plan, reason=REASON)
    client.force_login(people["reviewer"])
    html = log_page(client)
    newest = main(html).split("<tbody>", 1)[1].split("</tr>", 1)[0]  # newest first
    assert "phucu" in newest
    assert "Huyện Phù Cừ — 2023" in newest
    assert "29.609</del> → <ins>29.650" in newest
    assert REASON in newest


def test_the_change_log_entries_carry_the_history_of_every_kind_of_record(people, plan):
    # Issue 13: the seeds' records of all four kinds are one entry, the initial load, which counts each kind.
    rows = list(history.change_log(plan)[:500])
    assert [row["record_kind"] for row in rows] == ["initial"]
    (entry,) = history.entries(rows, plan)
    assert [change.label for change in entry.changes] == [str(kind.label) for kind in history.KINDS.values()]
    change_phu_cu_households(people["official"], plan, reason=REASON)
    rows = list(history.change_log(plan)[:500])
    entries = history.entries(rows, plan)
    assert [e.history_id for e in entries] == [row["history_id"] for row in rows]


def test_the_change_log_filters_by_kind_user_locality_and_dates(client, people, plan):
    change_phu_cu_households(people["official"], plan, reason=REASON)
    client.force_login(people["reviewer"])
    official = people["official"]
    today = timezone.localdate()

    assert REASON in log_page(client, kind="figure")
    assert REASON not in log_page(client, kind="value")
    only_official = client.get(reverse("review:history", args=[HY]), {"user": official.pk})
    assert only_official.context["page"].paginator.count == 1 and REASON in only_official.content.decode()
    assert REASON not in log_page(client, user="none")
    assert REASON in log_page(client, locality=PHU_CU)
    assert REASON not in log_page(client, locality="hung-yen-tien-lu")
    assert REASON in log_page(client, date_from=today.strftime("%d/%m/%Y"), date_to=today.strftime("%d/%m/%Y"))
    assert REASON not in log_page(client, date_from=(today + datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    assert REASON not in log_page(client, date_to=(today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    # The selector agrees: one record by the official, none of them outside Phù Cừ.
    assert history.change_log(plan, user=official.pk).count() == 1
    assert (
        history.change_log(plan, user=official.pk, locality=Locality.objects.get(slug="hung-yen-tien-lu")).count() == 0
    )


def test_a_filter_that_is_not_understood_is_ignored_with_a_message(client, people, plan):
    change_phu_cu_households(people["official"], plan, reason=REASON)
    client.force_login(people["reviewer"])
    html = log_page(client, date_from="2024-31-12")
    assert REASON in html and 'class="error"' in html


def test_the_change_log_pages_and_keeps_the_filters_in_the_page_links(client, people, plan):
    # More than a page of changes (the seeds' load is one entry since issue 13): 60 saves of Phù Cừ's figure.
    phu_cu = Locality.objects.get(slug=PHU_CU)
    for number in range(60):
        figure = HouseholdFigure.objects.get(plan=plan, locality=phu_cu, year=2023, kind="target")
        edit = FigureEdit("c", phu_cu, 2023, "target", {"households": 29600 + number}, version=figure.version)
        assert save_figures(user=people["official"], plan=plan, edits=[edit], reason=REASON).ok
    client.force_login(people["reviewer"])
    html = log_page(client, kind="figure")
    total = history.change_log(plan, kind="figure").count()
    assert total > 50
    assert "?kind=figure&amp;page=2" in html
    assert log_page(client, kind="figure", page=2).count("<tr>") == total - 50 + 1  # the rows and the header


def test_the_change_log_runs_a_bounded_number_of_queries(client, people, plan, django_assert_max_num_queries):
    change_phu_cu_households(people["official"], plan, reason=REASON)
    client.force_login(people["reviewer"])
    with django_assert_max_num_queries(20):
        log_page(client)


def test_history_pages_need_a_login(client, plan):
    figure = HouseholdFigure.objects.filter(plan=plan).first()
    for url in (
        reverse("review:history", args=[HY]),
        reverse("review:object_history", args=[HY, "figure", figure.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_history_of_one_figure_shows_every_version_and_no_form(client, people, plan):
    change_phu_cu_households(people["official"], plan, reason=REASON)
    figure = HouseholdFigure.objects.get(plan=plan, locality__slug=PHU_CU, year=2023, kind="target")
    client.force_login(people["reader"])
    response = client.get(reverse("review:object_history", args=[HY, "figure", figure.pk]))
    assert response.status_code == 200
    content = main(response.content.decode())
    assert "<form" not in content and "<input" not in content and "<textarea" not in content
    assert "29.609</del> → <ins>29.650" in content and REASON in content and "phucu" in content
    assert "<ins>29.609</ins>" in content  # the version the seeds created
    assert [e.action for e in response.context["entries"]] == ["~", "+"]  # newest first


def test_object_history_of_each_kind_answers_and_other_plans_records_are_not_found(client, people, plan):
    client.force_login(people["reviewer"])
    value = IndicatorValue.objects.filter(plan_indicator__plan=plan).first()
    duty = Duty.objects.filter(responsibility__plan=plan).first()
    task = plan.policy_tasks.first()
    for kind, pk in (("value", value.pk), ("duty", duty.pk), ("task", task.pk)):
        assert client.get(reverse("review:object_history", args=[HY, kind, pk])).status_code == 200, kind
    other = HouseholdFigure.objects.exclude(plan=plan).first()
    assert client.get(reverse("review:object_history", args=[HY, "figure", other.pk])).status_code == 404
    assert client.get(reverse("review:object_history", args=[HY, "plan", plan.pk])).status_code == 404


def test_a_deleted_record_keeps_its_history(client, people, plan):
    figure = HouseholdFigure.objects.get(plan=plan, locality__slug=PHU_CU, year=2021, kind="result")
    pk = figure.pk
    figure.delete()
    client.force_login(people["reviewer"])
    response = client.get(reverse("review:object_history", args=[HY, "figure", pk]))
    assert response.status_code == 200
    assert [e.action for e in response.context["entries"]] == ["-", "+"]
    assert "<del>946</del>" in main(response.content.decode())
