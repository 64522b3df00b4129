"""Coordinating agencies of another province than the plan's are refused on the server, as the lead agency is:
in the model's clean(), in the admin's forms (the plan's inline and the rows' own pages) and whichever code adds them
(the m2m guard), with a Vietnamese message naming the agency."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from indicators.models import PlanIndicator
from plans.models import PolicyTask

from .factories import AgencyFactory, PlanFactory, PlanIndicatorFactory, PolicyTaskFactory

pytestmark = pytest.mark.django_db


def _other_province_agency():
    return AgencyFactory(name="Sở Y tế", province__name="Tỉnh Khác Thử Nghiệm", province__slug="thu-tinh-khac")


def test_adding_a_coordinating_agency_of_another_province_to_a_policy_task_is_refused_and_nothing_is_added(
    vietnamese,
):
    task = PolicyTaskFactory()
    stranger = _other_province_agency()
    with pytest.raises(ValidationError) as refusal, transaction.atomic():
        task.coordinating_agencies.add(stranger)
    assert "thuộc tỉnh khác với tỉnh của kế hoạch" in str(refusal.value)
    assert "Sở Y tế — Tỉnh Khác Thử Nghiệm" in str(refusal.value)
    assert not task.coordinating_agencies.exists()


def test_adding_an_indicator_to_another_province_s_agency_from_the_agency_side_is_refused():
    indicator = PlanIndicatorFactory()
    stranger = _other_province_agency()
    with pytest.raises(ValidationError), transaction.atomic():
        stranger.coordinated_indicators.add(indicator)
    assert not indicator.coordinating_agencies.exists()


def test_an_agency_of_the_plan_s_own_province_is_accepted_as_coordinating():
    task = PolicyTaskFactory()
    own = AgencyFactory(province=task.plan.province)
    task.coordinating_agencies.add(own)
    task.full_clean()
    assert list(task.coordinating_agencies.all()) == [own]


def test_moving_an_indicator_to_another_province_s_plan_is_refused_by_clean_because_of_its_coordinating_agencies(
    vietnamese,
):
    indicator = PlanIndicatorFactory(lead_agency=None)
    indicator.coordinating_agencies.add(AgencyFactory(province=indicator.plan.province))
    indicator.plan = PlanFactory()
    with pytest.raises(ValidationError) as refusal:
        indicator.full_clean()
    assert "coordinating_agencies" in refusal.value.message_dict


def _post_data(obj, **changes):
    data = {key: value for key, value in model_to_dict(obj).items() if value is not None}
    data["coordinating_agencies"] = [agency.pk for agency in data.get("coordinating_agencies", [])]
    data.update(changes)
    return data


def test_the_policy_task_admin_page_refuses_another_province_s_coordinating_agency_with_a_message_under_the_field(
    admin_client, vietnamese
):
    task = PolicyTaskFactory()
    stranger = _other_province_agency()
    response = admin_client.post(
        f"/admin/plans/policytask/{task.pk}/change/",
        _post_data(task, coordinating_agencies=[stranger.pk], text="Văn bản mới"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "thuộc tỉnh khác với tỉnh của kế hoạch" in " ".join(errors["coordinating_agencies"])
    task.refresh_from_db()
    assert task.text != "Văn bản mới" and not task.coordinating_agencies.exists()


def test_the_plan_indicator_admin_page_refuses_another_province_s_coordinating_agency(admin_client, vietnamese):
    indicator = PlanIndicatorFactory()
    stranger = _other_province_agency()
    data = _post_data(indicator, coordinating_agencies=[stranger.pk])
    for prefix in ("values",):  # the yearly values' inline (workflow.admin): none added
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(f"/admin/indicators/planindicator/{indicator.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "coordinating_agencies" in errors
    assert not PlanIndicator.objects.get(pk=indicator.pk).coordinating_agencies.exists()


def test_the_plan_s_policy_task_inline_refuses_another_province_s_coordinating_agency(vietnamese):
    from django.contrib import admin
    from django.test import RequestFactory

    from plans.admin import PolicyTaskInline
    from plans.models import Plan

    task = PolicyTaskFactory()
    stranger = _other_province_agency()
    inline = PolicyTaskInline(Plan, admin.site)
    request = RequestFactory().get("/")
    request.user = type("U", (), {"has_perm": lambda *a: True})()
    FormSet = inline.get_formset(request, task.plan)
    prefix = FormSet.get_default_prefix()
    row = _post_data(task, coordinating_agencies=[stranger.pk])
    data = {f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-INITIAL_FORMS": 1}
    data.update({f"{prefix}-0-{key}": value for key, value in row.items() if key != "plan"})
    data[f"{prefix}-0-id"] = task.pk
    formset = FormSet(data, instance=task.plan, prefix=prefix)
    assert not formset.is_valid()
    assert "coordinating_agencies" in formset.forms[0].errors
    assert not PolicyTask.objects.get(pk=task.pk).coordinating_agencies.exists()
