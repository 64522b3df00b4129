"""The layout keeps its promises: one admin class per model, registered once and extended only through the hook
its owner offers; servers started from wsgi.py or asgi.py run the production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from indicators.models import IndicatorValue, PlanIndicator
from localities.models import Locality
from plans.models import HouseholdFigure, LegalBasis, Plan
from workflow.admin import HouseholdFigureAdmin, IndicatorValueAdmin

from .factories import make_household_plan, make_indicator_plan

ROOT = Path(__file__).resolve().parent.parent
OUR_APPS = [
    "kernel",
    "localities",
    "plans",
    "indicators",
    "workflow",
    "plan_tables",
    "analysis",
    "reports",
    "editing",
    "review",
    "spreadsheets",
    "accounts",
    "seeding",
    "backup",
    "povertyplan",
]


def test_no_app_unregisters_another_apps_admin():
    offenders = [
        str(path.relative_to(ROOT))
        for app in OUR_APPS
        for path in (ROOT / app).rglob("*.py")
        if "site.unregister(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_figures_and_values_are_administered_by_the_write_services_admin():
    # Their behaviour (every write through workflow.services) is the workflow app's: registered there, once.
    assert type(admin.site._registry[HouseholdFigure]) is HouseholdFigureAdmin
    assert type(admin.site._registry[IndicatorValue]) is IndicatorValueAdmin


def inline_models(admin_client, url) -> list:
    response = admin_client.get(url)
    assert response.status_code == 200
    return [formset.formset.model for formset in response.context["inline_admin_formsets"]]


@pytest.mark.django_db
def test_the_plan_page_shows_the_inlines_other_apps_contribute_in_the_documents_order(admin_client):
    plan = make_indicator_plan()
    models = inline_models(admin_client, reverse("admin:plans_plan_change", args=[plan.pk]))
    # Legal bases first, then the indicator targets (indicators app), then the figures (workflow app), as before.
    assert models[:3] == [LegalBasis, PlanIndicator, HouseholdFigure]
    assert models.count(HouseholdFigure) == 1 and models.count(PlanIndicator) == 1
    assert inline_models(admin_client, reverse("admin:plans_plan_change", args=[plan.pk])) == models


@pytest.mark.django_db
def test_a_localitys_page_shows_its_figures_and_a_plan_indicators_page_its_values(admin_client):
    plan = make_household_plan()
    district = plan.appendices.get().rows.filter(is_total=False).first().locality
    assert HouseholdFigure in inline_models(
        admin_client, reverse("admin:localities_locality_change", args=[district.pk])
    )
    plan_indicator = make_indicator_plan(slug="thu-chi-tieu-layout").indicators.first()
    assert inline_models(admin_client, reverse("admin:indicators_planindicator_change", args=[plan_indicator.pk])) == [
        IndicatorValue
    ]
    assert Locality in admin.site._registry and Plan in admin.site._registry


@pytest.mark.parametrize("module", ["povertyplan.wsgi", "povertyplan.asgi"])
def test_a_server_loading_wsgi_or_asgi_runs_the_production_settings(module):
    # Production settings refuse to start without SECRET_KEY: the refusal names them, so they were the ones loaded.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "povertyplan.settings.production" in done.stderr
