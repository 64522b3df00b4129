from django.urls import path

from . import views

app_name = "spreadsheets"

urlpatterns = [
    path("plans/<slug:slug>/export.xlsx", views.export_plan_workbook, name="export_plan"),
    path(
        "plans/<slug:slug>/appendices/<slug:code>/export.xlsx",
        views.export_appendix_workbook,
        name="export_appendix",
    ),
    path("plans/<slug:slug>/appendices/<slug:code>/import/", views.import_appendix, name="import_appendix"),
]
