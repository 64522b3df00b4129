from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("plans/<slug:slug>/review/", views.review_overview, name="review"),
    path("plans/<slug:slug>/review/<slug:table>/<slug:action>/", views.review_action, name="review_action"),
    path("plans/<slug:slug>/history/", views.change_log, name="history"),
    path("plans/<slug:slug>/history/<slug:model>/<int:pk>/", views.object_history, name="object_history"),
    path("plans/<slug:slug>/reporting/<int:pk>/reported/", views.mark_reported, name="mark_reported"),
]
