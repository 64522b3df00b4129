from django.urls import path

from .views import pages, quality, results

app_name = "reports"

urlpatterns = [
    path("", pages.home, name="home"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan"),
    path("plans/<slug:slug>/districts/", pages.district_table, name="districts"),
    path("plans/<slug:slug>/districts.csv", pages.district_table_csv, name="districts_csv"),
    path("plans/<slug:slug>/districts.xlsx", pages.district_table_xlsx, name="districts_xlsx"),
    path("plans/<slug:slug>/districts/today/", pages.district_table_today, name="districts_today"),
    path("plans/<slug:slug>/indicators/", pages.indicator_table, name="indicators"),
    path("plans/<slug:slug>/indicators.csv", pages.indicator_table_csv, name="indicators_csv"),
    path("plans/<slug:slug>/indicators.xlsx", pages.indicator_table_xlsx, name="indicators_xlsx"),
    path("plans/<slug:slug>/tasks/", pages.task_table, name="tasks"),
    path("plans/<slug:slug>/quality/", quality.quality_report, name="quality"),
    path("plans/<slug:slug>/results/", results.results, name="results"),
    path("localities/<slug:slug>/", pages.locality_detail, name="locality"),
    path("agencies/<slug:province>/<slug:slug>/", pages.agency_detail, name="agency"),
]
