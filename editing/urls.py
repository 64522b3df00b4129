from django.urls import path

from . import views

app_name = "editing"

urlpatterns = [
    path("plans/<slug:slug>/districts/edit/", views.edit_districts, name="districts_edit"),
    path("plans/<slug:slug>/indicators/edit/", views.edit_indicators, name="indicators_edit"),
]
