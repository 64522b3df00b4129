"""The admin fit for a new user: an appendix's columns chosen from lists, not typed as JSON; a plan's legal bases and
its indicators outside the appendices printed in the plan document."""

import pytest
from django.urls import reverse

from indicators.models import PlanIndicator
from plans.models import Appendix, AppendixKind, LegalBasis

from .factories import PlanFactory, PlanIndicatorFactory

pytestmark = pytest.mark.django_db


def appendix_post(plan, rows: list[tuple[str, str, str, str]]) -> dict:
    data = {
        "plan": plan.pk,
        "code": "01",
        "order": "0",
        "kind": AppendixKind.HOUSEHOLD_FIGURES,
        "title": "Phụ lục 01\nSỐ LIỆU HỘ NGHÈO THEO PHƯỜNG",
        "note": "",
        "number_header": "STT",
        "label_header": "Phường, xã",
        "in_source": "on",
        "rows-TOTAL_FORMS": "0",
        "rows-INITIAL_FORMS": "0",
        "_save": "Lưu",
    }
    for index, (field, kind, year, header) in enumerate([*rows, ("", "", "", "")]):
        data.update(
            {
                f"columns-{index}-field": field,
                f"columns-{index}-kind": kind,
                f"columns-{index}-year": year,
                f"columns-{index}-header": header,
                f"columns-{index}-group": "",
            }
        )
    return data


def test_an_appendix_s_columns_are_chosen_from_lists_with_the_usual_headers(admin_client):
    plan = PlanFactory(first_year=2026, last_year=2030)
    page = admin_client.get(reverse("admin:plans_appendix_add")).content.decode()
    assert 'class="columns-chooser"' in page and 'name="columns-0-field"' in page
    response = admin_client.post(
        reverse("admin:plans_appendix_add"),
        appendix_post(
            plan,
            [
                ("households", "result", "2025", ""),
                ("poor_households", "result", "2025", ""),
                ("poverty_rate", "target", "2026", "Tỷ lệ 2026"),
            ],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Appendix.objects.get(plan=plan).columns == [
        {
            "header": "Tổng số hộ dân cư",
            "group": "Kết quả năm 2025",
            "year": 2025,
            "kind": "result",
            "field": "households",
        },
        {
            "header": "Tổng số hộ nghèo",
            "group": "Kết quả năm 2025",
            "year": 2025,
            "kind": "result",
            "field": "poor_households",
        },
        {"header": "Tỷ lệ 2026", "group": "Chỉ tiêu năm 2026", "year": 2026, "kind": "target", "field": "poverty_rate"},
    ]


def test_a_column_without_a_year_is_refused_with_the_model_s_message(admin_client, vietnamese):
    plan = PlanFactory()
    response = admin_client.post(
        reverse("admin:plans_appendix_add"), appendix_post(plan, [("households", "result", "", "")])
    )
    assert response.status_code == 200
    assert "columns" in response.context["adminform"].form.errors


def test_legal_bases_and_indicators_outside_the_appendices_are_printed_in_the_plan(client):
    plan = PlanFactory(preamble="")
    LegalBasis.objects.create(
        plan=plan,
        order=1,
        document_type="Nghị quyết",
        number="202/2025/QH15",
        summary="về việc sắp xếp đơn vị hành chính",
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Căn cứ Nghị quyết số 202/2025/QH15" in page
    indicator = PlanIndicatorFactory(plan=plan, appendix=None, text="Tỷ lệ hộ nghèo đa chiều giảm")
    assert PlanIndicator.objects.filter(plan=plan, appendix=None).exists()
    assert indicator.text in client.get(plan.get_absolute_url()).content.decode()
