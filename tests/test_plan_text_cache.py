"""The plan page keeps its rendering of the plan's text in a cache under `Plan.text_revision`: never stale.

Each change to a part of the text — through the admin, the seed loader or the shell, all of which save models —
gives the plan a new revision, so the next view shows it. The figures and indicator values are not in the cached
part: they are read on each view.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plan_tables.household import household_table
from plans.models import (
    Agency,
    AgencyResponsibility,
    Duty,
    Plan,
    PlanSection,
    PolicyTask,
    ProgramProject,
    Recipient,
    ReportingObligation,
)
from workflow.services import FigureEdit, save_figures

pytestmark = pytest.mark.django_db

HY, TTH = "hung-yen-2023-2025", "thua-thien-hue-2024"


def plan_page(client, slug=HY) -> str:
    response = client.get(reverse("reports:plan", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def document(html: str) -> str:
    """The page's document (the form tokens above it change at each view)."""
    return html.split('class="document"')[1]


def counted_view(client, slug=HY) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = plan_page(client, slug)
    return len(captured.captured_queries), html


def test_a_second_view_reads_the_text_from_the_cache_within_ten_queries(client):
    plan_page(client, TTH)  # the session, the translations: loaded once per test
    first, first_html = counted_view(client)
    second, second_html = counted_view(client)
    assert second <= 10 < first
    assert document(second_html) == document(first_html)


# (the part of the Hưng Yên plan's text to change, its field): each kind of part the cached text shows.
TEXT_PARTS = {
    "section": (lambda: PlanSection.objects.filter(plan__slug=HY).exclude(body="").order_by("order").first(), "body"),
    "duty": (lambda: Duty.objects.filter(responsibility__plan__slug=HY).order_by("pk").first(), "text"),
    "responsibility": (lambda: AgencyResponsibility.objects.filter(plan__slug=HY).order_by("order").last(), "heading"),
    "policy task": (lambda: PolicyTask.objects.filter(plan__slug=HY).order_by("order").first(), "text"),
    "reporting": (lambda: ReportingObligation.objects.filter(plan__slug=HY).order_by("order").first(), "text"),
    "the plan itself": (lambda: Plan.objects.get(slug=HY), "signer_name"),
}


@pytest.mark.parametrize("part", TEXT_PARTS)
def test_a_changed_part_of_the_text_shows_at_once(client, part):
    find, field = TEXT_PARTS[part]
    plan_page(client)
    record = find()
    old = getattr(record, field)
    setattr(record, field, "Văn bản đã sửa trong trang quản trị")
    record.save()
    html = plan_page(client)
    assert "Văn bản đã sửa trong trang quản trị" in html and old not in html


def test_an_added_and_a_deleted_recipient_show_at_once(client):
    plan = Plan.objects.get(slug=HY)
    plan_page(client)
    recipient = Recipient.objects.create(plan=plan, order=99, text="Văn phòng Chính phủ (để báo cáo);")
    assert "Văn phòng Chính phủ (để báo cáo);" in plan_page(client)
    recipient.delete()
    assert "Văn phòng Chính phủ (để báo cáo);" not in plan_page(client)


def test_a_project_given_to_a_duty_shows_at_once(client):
    plan_page(client)
    duty = Duty.objects.filter(responsibility__plan__slug=HY).order_by("pk").first()
    project = ProgramProject.objects.create(program="Chương trình thử", code="DA-THU-9", name="Dự án thử", order=99)
    duty.led_projects.add(project)
    assert "DA-THU-9" in plan_page(client)
    project.code = "DA-THU-10"
    project.save()
    html = plan_page(client)
    assert "DA-THU-10" in html and "DA-THU-9" not in html
    duty.led_projects.remove(project)
    assert "DA-THU-10" not in plan_page(client)


def test_a_renamed_agency_address_changes_its_links_at_once(client):
    plan_page(client)
    agency = AgencyResponsibility.objects.filter(plan__slug=HY).order_by("order").first().agency
    agency.slug = "so-da-doi-ten"
    agency.save()
    html = plan_page(client)
    assert 'id="agency-so-da-doi-ten"' in html  # the organisation section, in the cached text
    assert reverse("reports:agency", args=[agency.province.slug, "so-da-doi-ten"]) in html


def test_each_language_has_its_own_rendering(client):
    assert "chủ trì DA1" in document(plan_page(client, TTH))  # a duty leading a programme project
    client.cookies["django_language"] = "en"
    english = document(plan_page(client, TTH))
    assert "leads DA1" in english and "chủ trì DA1" not in english


def test_figures_are_read_on_each_view_not_cached(client):
    plan = Plan.objects.get(slug=HY)
    table = household_table(plan.appendices.get(code="01"))
    column = next(c for c in table.columns if c.field == "poor_households")
    figure = table.rows[0].figures[column.year, column.kind]
    new_text = f"{figure.poor_households + 1:,}".replace(",", ".")
    assert f">{new_text}<" not in plan_page(client)
    edit = FigureEdit(
        "1", figure.locality, column.year, column.kind, {"poor_households": figure.poor_households + 1}, figure.version
    )
    assert save_figures(user=None, plan=plan, edits=[edit], reason="kiểm tra bộ nhớ đệm").ok
    assert f">{new_text}<" in plan_page(client)


def test_a_change_renews_its_own_plan_only():
    hung_yen, hue = Plan.objects.get(slug=HY), Plan.objects.get(slug=TTH)
    PlanSection.objects.filter(plan=hung_yen).order_by("order").first().save()
    assert Plan.objects.get(slug=HY).text_revision != hung_yen.text_revision
    assert Plan.objects.get(slug=TTH).text_revision == hue.text_revision


def test_an_agency_saved_renews_only_its_provinces_plans():
    hung_yen = Plan.objects.get(slug=HY)
    hue = Plan.objects.get(slug=TTH)
    revisions = {hung_yen.pk: hung_yen.text_revision, hue.pk: hue.text_revision}
    Agency.objects.filter(province=hung_yen.province).first().save()
    hung_yen.refresh_from_db()
    hue.refresh_from_db()
    assert hung_yen.text_revision != revisions[hung_yen.pk]
    assert hue.text_revision == revisions[hue.pk]


def test_a_section_corrected_in_the_admin_shows_at_once(admin_client, client):
    plan_page(client)
    section = PlanSection.objects.filter(plan__slug=HY).exclude(body="").order_by("order").first()
    url = reverse("admin:plans_plansection_change", args=[section.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["lead_agencies"] = [agency.pk for agency in section.lead_agencies.all()]
    data["body"] = "Nội dung sửa qua trang quản trị."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Nội dung sửa qua trang quản trị." in plan_page(client)


def test_a_plan_saved_with_named_fields_still_gets_a_new_revision(client):
    plan = Plan.objects.get(slug=HY)
    plan_page(client)
    plan.signer_name = "Người ký ghi riêng trường"
    plan.save(update_fields=["signer_name"])
    assert "Người ký ghi riêng trường" in plan_page(client)
