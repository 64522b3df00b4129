"""No way around the write service in the admin: saves and deletions of figures and values — on their own pages and
in the inlines of plans — meet the same scope, lock, reason and history as the grids."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

from plans.models import HouseholdFigure
from workflow.models import ReviewState, Table, TableReview

from .factories import make_household_plan

pytestmark = pytest.mark.django_db


class AdminForm(HTMLParser):
    """The name → value pairs a browser sends for the admin's change form (inputs, selects, text areas)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None
        self._multiple = False
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self._multiple = "multiple" in attrs
            if self._multiple:
                self.values.setdefault(name, [])
            else:
                self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            if self._multiple:
                self.values[self._select].append(attrs.get("value", ""))
            else:
                self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_values(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    parser = AdminForm()
    parser.feed(response.content.decode())
    return parser.values


def first_district(plan):
    return plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality


def set_state(plan, locality, state):
    TableReview.objects.update_or_create(plan=plan, table=Table.DISTRICTS, locality=locality, defaults={"state": state})


def history_models():
    return [model for model in admin.site._registry if hasattr(model, "history")]


def test_every_model_with_history_deleted_in_the_admin_leaves_a_history_entry_naming_the_user(admin_client, superuser):
    """Fails for any model with history that the admin can delete without the history recording who did it."""
    make_household_plan()
    models = history_models()
    assert HouseholdFigure in models and len(models) >= 2
    for model in models:
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk])
        response = admin_client.post(url, {"post": "yes", "change_reason": "nhập trùng"})
        assert response.status_code in (302, 403), (model, response.status_code)
        if model.objects.filter(pk=obj.pk).exists():
            continue  # refused: nothing changed, nothing to record
        record = model.history.filter(id=obj.pk, history_type="-").get()
        assert record.history_user == superuser, model


def test_every_model_with_history_changed_in_the_admin_leaves_a_history_entry(admin_client, superuser):
    plan = make_household_plan()
    for model in history_models():
        obj = model.objects.order_by("pk").first()
        if obj is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        values = form_values(admin_client, url)
        editable = next((name for name in ("note", "text", "value_as_written") if name in values), None)
        if editable is None:
            continue
        values[editable] = (values[editable] or "") + " (sửa)"
        before = model.history.filter(id=obj.pk).count()
        response = admin_client.post(url, values)
        assert response.status_code == 302, (model, response.context and response.context["adminform"].form.errors)
        assert model.history.filter(id=obj.pk).count() == before + 1, model
        assert model.history.filter(id=obj.pk).latest("history_date").history_user == superuser
    assert plan


def test_a_figure_of_an_approved_district_cannot_be_deleted_in_the_admin(admin_client):
    plan = make_household_plan()
    district = first_district(plan)
    set_state(plan, district, ReviewState.APPROVED)
    figure = HouseholdFigure.objects.filter(plan=plan, locality=district).first()
    url = reverse("admin:plans_householdfigure_delete", args=[figure.pk])
    assert admin_client.post(url, {"post": "yes", "change_reason": "x"}).status_code == 403
    assert HouseholdFigure.objects.filter(pk=figure.pk).exists()


def test_deleting_a_figure_of_a_reopened_district_needs_a_reason_which_the_history_keeps(admin_client):
    plan = make_household_plan()
    district = first_district(plan)
    set_state(plan, district, ReviewState.REOPENED)
    figure = HouseholdFigure.objects.filter(plan=plan, locality=district).first()
    url = reverse("admin:plans_householdfigure_delete", args=[figure.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert HouseholdFigure.objects.filter(pk=figure.pk).exists()  # refused: the reason is missing
    admin_client.post(url, {"post": "yes", "change_reason": "nhập nhầm năm"})
    assert not HouseholdFigure.objects.filter(pk=figure.pk).exists()
    assert HouseholdFigure.history.get(id=figure.pk, history_type="-").history_change_reason == "nhập nhầm năm"


def inline_prefix(values: dict, figure) -> str:
    return next(
        name.removesuffix("-id") for name, value in values.items() if name.endswith("-id") and value == str(figure.pk)
    )


def test_an_inline_deletion_in_an_approved_district_is_refused_and_nothing_of_the_page_is_saved(admin_client):
    plan = make_household_plan()
    district = first_district(plan)
    set_state(plan, district, ReviewState.APPROVED)
    figure = HouseholdFigure.objects.filter(plan=plan, locality=district).first()
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    values = form_values(admin_client, url)
    values[f"{inline_prefix(values, figure)}-DELETE"] = "on"
    values["title"] = values.get("title", "") + " (sửa)"
    response = admin_client.post(url, values)
    assert response.status_code == 200, response.content.decode()[:3000]  # the page again, with the refusal
    assert HouseholdFigure.objects.filter(pk=figure.pk).exists()
    plan.refresh_from_db()
    assert not plan.title.endswith("(sửa)")


def test_an_inline_change_goes_through_the_service_with_its_reason_and_version(admin_client, superuser):
    plan = make_household_plan()
    district = first_district(plan)
    figure = HouseholdFigure.objects.filter(plan=plan, locality=district, year=2022).get()
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    values = form_values(admin_client, url)
    prefix = inline_prefix(values, figure)
    values[f"{prefix}-poor_households"] = "444"
    values[f"{prefix}-change_reason"] = "rà soát giữa kỳ"
    assert admin_client.post(url, values).status_code == 302
    figure.refresh_from_db()
    assert (figure.poor_households, figure.version) == (444, 2)
    record = figure.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (superuser, "rà soát giữa kỳ")
    # The same page posted again, with the version it was shown, is now stale: refused, nothing saved.
    values[f"{prefix}-poor_households"] = "445"
    assert admin_client.post(url, values).status_code == 200
    figure.refresh_from_db()
    assert figure.poor_households == 444
