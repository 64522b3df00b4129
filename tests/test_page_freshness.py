"""No stale page, ever: after every kind of write, the next read of a page that shows it has the new figure.

Each test reads a page twice first (the second read is served from the page cache, so the test starts from a kept
copy), makes the write the way its path makes it, then reads again as a browser would — with the ETag it holds —
and must get the new content, not `304 Not Modified` nor the kept copy.
"""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorValue
from localities.models import Locality
from plans.models import Agency, HouseholdFigure, Plan, PlanSection, ReportingObligation
from seeding.seeds import load_seeds
from spreadsheets.changes import apply_changes
from workflow.models import ReviewState, Role, Table
from workflow.permissions import Action
from workflow.services import (
    FigureEdit,
    ValueEdit,
    reporting_obligation_mark_reported,
    review_transition,
    save_figures,
    save_indicator_values,
)

from .factories import (
    AgencyFactory,
    DistrictFactory,
    LocalitySuccessionFactory,
    PlanSectionFactory,
    ReportingObligationFactory,
    UserFactory,
    make_household_plan,
    make_indicator_plan,
    make_role_user,
)
from .helpers_b_grids import post_confirmed
from .test_editing import load
from .test_workbook_import import P01
from .workbook_factory import edited, read

pytestmark = pytest.mark.django_db

HY = "hung-yen-2023-2025"


class Reader:
    """An anonymous browser that keeps the pages it read and asks again with their ETags."""

    def __init__(self):
        self.client = Client()
        self.etags: dict[str, str] = {}

    def read(self, url: str) -> str | bytes:
        headers = {"HTTP_IF_NONE_MATCH": self.etags[url]} if url in self.etags else {}
        response = self.client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        self.etags[url] = response["ETag"]
        if response.streaming:  # a download: its bytes
            return b"".join(response.streaming_content)
        return response.content.decode()

    def kept(self, url: str) -> str:
        """Read the page until it comes from the page cache: the write that follows must replace the kept copy."""
        text = self.read(url)
        response = Client().get(url)  # another browser, so that the reader's ETag does not answer 304
        assert response["X-Page-Cache"] == "hit", url
        return text


def vi(text) -> str:
    with translation.override("vi"):
        return str(text)


@pytest.fixture
def reader():
    return Reader()


@pytest.fixture
def plan(db):
    return make_household_plan()


def districts_url(plan) -> str:
    return reverse("reports:districts", args=[plan.slug])


def first_district(plan) -> Locality:
    return plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality


# --- the write service and its callers ----------------------------------------------------------------------


def test_a_figure_saved_through_the_service_is_on_the_district_table_and_the_locality_page(reader, plan):
    district = first_district(plan)
    locality_url = reverse("reports:locality", args=[district.slug])
    assert "12.345" not in reader.kept(districts_url(plan))
    assert "12.345" not in reader.kept(locality_url)
    version = HouseholdFigure.objects.get(plan=plan, locality=district, year=2023, kind="target").version
    edit = FigureEdit(
        key="k", locality=district, year=2023, kind="target", values={"households": 12345}, version=version
    )
    assert save_figures(user=None, plan=plan, edits=[edit]).ok
    assert "12.345" in reader.read(districts_url(plan))
    assert "12.345" in reader.read(locality_url)  # a page that spans plans: the site's revision moved too


def test_a_refused_or_dry_run_save_changes_no_revision(plan):
    district = first_district(plan)
    before = Plan.objects.get(pk=plan.pk).data_revision
    edit = FigureEdit(key="k", locality=district, year=2023, kind="target", values={"households": 12345})
    save_figures(user=None, plan=plan, edits=[edit], dry_run=True)
    refused = FigureEdit(key="k", locality=district, year=2023, kind="target", values={"poor_households": 10**6})
    assert not save_figures(user=None, plan=plan, edits=[refused]).ok
    assert Plan.objects.get(pk=plan.pk).data_revision == before


def test_a_grid_save_is_on_the_district_table_at_the_next_read(client, reader):
    official = make_role_user(Role.LOCALITY_OFFICIAL, locality=Locality.objects.get(slug="hung-yen-phu-cu"))
    url = reverse("reports:districts", args=[HY])
    assert "31.480" not in reader.kept(url)
    client.force_login(official)
    grid = reverse("editing:districts_edit", args=[HY])
    values = load(client, grid)
    prefix = f"f{Locality.objects.get(slug='hung-yen-phu-cu').pk}"
    values[f"{prefix}-households"] = "31.480"
    assert post_confirmed(client, grid, values).status_code == 302  # the rate moves: confirmed
    assert "31.480" in reader.read(url)


def test_an_indicator_value_saved_is_on_the_indicator_page_at_the_next_read(reader):
    plan = make_indicator_plan()
    url = reverse("reports:indicators", args=[plan.slug])
    value = IndicatorValue.objects.filter(plan_indicator__plan=plan, kind="target").order_by("pk").first()
    assert "77,7" not in reader.kept(url)
    edit = ValueEdit(
        key="k",
        plan_indicator=value.plan_indicator,
        year=value.year,
        kind=value.kind,
        values={"value": Decimal("77.7")},
        version=value.version,
    )
    assert save_indicator_values(user=None, plan=plan, edits=[edit]).ok
    assert "77,7" in reader.read(url)


def test_an_imported_workbook_is_on_the_district_table_and_in_the_download_at_the_next_read(reader):
    url = reverse("reports:districts", args=[HY])
    download = reverse("spreadsheets:export_appendix", args=[HY, "01"])
    assert "30.109" not in reader.kept(url)
    before = reader.read(download)
    result = read(edited(HY, "01", [(P01, "Phù Cừ", "Năm 2024 — Tổng số hộ dân cư", 30109)]), HY, "01")
    assert result.ok, result.errors
    apply_changes(Plan.objects.get(slug=HY), result.changes, source="phu-luc.xlsx")
    assert "30.109" in reader.read(url)
    assert reader.read(download) != before


def test_a_figure_changed_in_the_admin_is_on_the_district_table_at_the_next_read(admin_client, reader):
    figure = HouseholdFigure.objects.get(plan__slug=HY, locality__slug="hung-yen-phu-cu", year=2025)
    url = reverse("reports:districts", args=[HY])
    assert "30.300" not in reader.kept(url)
    data = {
        "plan": figure.plan_id,
        "locality": figure.locality_id,
        "year": 2025,
        "kind": "target",
        "standard": figure.standard_id,
        "households": "30.300",
        "poor_households": "190",
        "near_poor_households": "",
        "published_rate": "0,63",
        "planned_reduction": "",
        "note": "",
        "version_seen": figure.version,
    }
    assert admin_client.post(reverse("admin:plans_householdfigure_change", args=[figure.pk]), data).status_code == 302
    assert "30.300" in reader.read(url)


def test_a_review_step_is_on_the_district_table_at_the_next_read(reader, plan):
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    url = districts_url(plan)
    assert vi(ReviewState.SUBMITTED.label) not in reader.kept(url)
    review_transition(
        user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first_district(plan)
    )
    assert vi(ReviewState.SUBMITTED.label) in reader.read(url)


def test_a_report_marked_as_sent_is_on_the_results_page_at_the_next_read(reader, plan):
    obligation = ReportingObligationFactory(plan=plan, due_date=datetime.date(2023, 12, 15))
    reviewer = make_role_user(Role.REVIEWER, province=plan.province)
    url = reverse("reports:results", args=[plan.slug])
    assert "Số 99/BC-SLĐ" not in reader.kept(url)
    reporting_obligation_mark_reported(
        user=reviewer,
        obligation=ReportingObligation.objects.get(pk=obligation.pk),
        reported_on=datetime.date(2023, 12, 10),
        note="Số 99/BC-SLĐ",
    )
    assert "10/12/2023" in reader.read(url)


# --- writes outside the service: the admin's own pages, the seed loader, localities and agencies -------------------


def test_a_section_of_the_plans_text_saved_in_the_admin_is_on_the_plan_page_at_the_next_read(reader, plan):
    section = PlanSectionFactory(plan=plan, heading="MỤC ĐÍCH, YÊU CẦU")
    url = reverse("reports:plan", args=[plan.slug])
    assert "MỤC TIÊU ĐÃ SỬA" not in reader.kept(url)
    section = PlanSection.objects.get(pk=section.pk)
    section.heading = "MỤC TIÊU ĐÃ SỬA"
    section.save()  # what the admin's save_model does
    assert "MỤC TIÊU ĐÃ SỬA" in reader.read(url)


def test_a_plan_title_changed_is_on_the_home_page_at_the_next_read(reader, plan):
    assert "Kế hoạch đổi tên" not in reader.kept("/")
    plan.title = "Kế hoạch đổi tên"
    plan.save()
    assert "Kế hoạch đổi tên" in reader.read("/")


def test_a_plan_made_private_is_no_longer_served_to_an_anonymous_reader(reader, plan):
    url = districts_url(plan)
    reader.kept(url)
    plan.is_public = False
    plan.save()
    assert reader.client.get(url, HTTP_IF_NONE_MATCH=reader.etags[url]).status_code == 404
    assert Client().get(url).status_code == 404


def test_a_renamed_locality_is_on_its_page_and_the_plans_pages_at_the_next_read(reader, plan):
    district = first_district(plan)
    locality_url = reverse("reports:locality", args=[district.slug])
    assert "Huyện Đổi Tên" not in reader.kept(locality_url)
    reader.kept(districts_url(plan))
    district.name = "Huyện Đổi Tên"
    district.save()
    assert "Huyện Đổi Tên" in reader.read(locality_url)
    assert reader.read(districts_url(plan)) is not None
    assert Plan.objects.get(pk=plan.pk).data_revision != plan.data_revision  # the plans that name it moved too


def test_a_succession_recorded_is_on_the_locality_page_at_the_next_read(reader, plan):
    district = first_district(plan)
    url = reverse("reports:locality", args=[district.slug])
    assert "Huyện Kế Thừa" not in reader.kept(url)
    successor = DistrictFactory(name="Huyện Kế Thừa", parent=plan.province)
    LocalitySuccessionFactory(predecessor=district, successor=successor)
    assert "Huyện Kế Thừa" in reader.read(url)


def test_a_renamed_agency_is_on_its_page_at_the_next_read(reader, plan):
    agency = AgencyFactory(province=plan.province, name="Sở Y tế")
    url = reverse("reports:agency", args=[plan.province.slug, agency.slug])
    assert "Sở Y tế và Dân số" not in reader.kept(url)
    agency = Agency.objects.get(pk=agency.pk)
    agency.name = "Sở Y tế và Dân số"
    agency.save()
    assert "Sở Y tế và Dân số" in reader.read(url)


def test_a_renamed_reviewer_is_shown_by_their_new_name_at_the_next_read(reader, plan):
    reviewer = make_role_user(Role.REVIEWER, province=plan.province, user=UserFactory(username="ldtbxh-cu"))
    review_transition(
        user=reviewer, plan=plan, table=Table.DISTRICTS, action=Action.SUBMIT, locality=first_district(plan)
    )
    url = districts_url(plan)
    assert "ldtbxh-moi" not in reader.kept(url)
    reviewer.username = "ldtbxh-moi"
    reviewer.save()
    assert "ldtbxh-moi" in reader.read(url)


def test_reloading_the_seed_plans_renders_their_pages_anew(reader):
    url = reverse("reports:districts", args=[HY])
    reader.kept(url)
    before = Plan.objects.get(slug=HY).data_revision
    HouseholdFigure.objects.filter(plan__slug=HY, locality__slug="hung-yen-phu-cu", year=2025).update(households=99999)
    load_seeds(replace=True)  # the seed's own figure comes back, in a plan with a new revision
    assert Plan.objects.get(slug=HY).data_revision != before
    assert "30.209" in reader.read(url)


def test_generating_the_demo_data_is_on_the_home_page_at_the_next_read(reader):
    from seeding.demo_data import DemoSize, generate_demo_data, remove_demo_data

    assert "dữ liệu mẫu" not in reader.kept("/")
    generate_demo_data(DemoSize(provinces=1, scale=0.1))
    assert "dữ liệu mẫu" in reader.read("/")
    remove_demo_data()
    assert "dữ liệu mẫu" not in reader.read("/")
