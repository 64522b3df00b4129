from django.urls import path

from . import views

app_name = "editing"

urlpatterns = [
    path("plans/<slug:slug>/districts/edit/", views.edit_districts, name="districts_edit"),
    path("plans/<slug:slug>/indicators/edit/", views.edit_indicators, name="indicators_edit"),
    path("plans/<slug:slug>/districts/baseline/", views.fill_baseline, name="fill_baseline"),
    path("plans/<slug:slug>/districts/confirm-derived/", views.confirm_derived, name="confirm_derived"),
]
