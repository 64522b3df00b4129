from django.urls import path

from .views import editing, pages, quality, review, workbooks

app_name = "reports"

urlpatterns = [
    path("", pages.home, name="home"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan"),
    path("plans/<slug:slug>/districts/", pages.district_table, name="districts"),
    path("plans/<slug:slug>/districts.csv", pages.district_table_csv, name="districts_csv"),
    path("plans/<slug:slug>/indicators/", pages.indicator_table, name="indicators"),
    path("plans/<slug:slug>/tasks/", pages.task_table, name="tasks"),
    path("plans/<slug:slug>/quality/", quality.quality_report, name="quality"),
    path("plans/<slug:slug>/export.xlsx", workbooks.export_plan_workbook, name="export_plan"),
    path(
        "plans/<slug:slug>/appendices/<slug:code>/export.xlsx",
        workbooks.export_appendix_workbook,
        name="export_appendix",
    ),
    path("plans/<slug:slug>/appendices/<slug:code>/import/", workbooks.import_appendix, name="import_appendix"),
    path("plans/<slug:slug>/districts/edit/", editing.edit_districts, name="districts_edit"),
    path("plans/<slug:slug>/indicators/edit/", editing.edit_indicators, name="indicators_edit"),
    path("plans/<slug:slug>/review/", review.review_overview, name="review"),
    path("plans/<slug:slug>/review/<slug:table>/<slug:action>/", review.review_action, name="review_action"),
    path("plans/<slug:slug>/history/", review.change_log, name="history"),
    path("plans/<slug:slug>/history/<slug:model>/<int:pk>/", review.object_history, name="object_history"),
    path("plans/<slug:slug>/results/", review.results, name="results"),
    path("plans/<slug:slug>/reporting/<int:pk>/reported/", review.mark_reported, name="mark_reported"),
    path("localities/<slug:slug>/", pages.locality_detail, name="locality"),
    path("agencies/<slug:province>/<slug:slug>/", pages.agency_detail, name="agency"),
]
