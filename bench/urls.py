"""The application's URLs plus the floors the benchmark compares with: used by `bench/run.py` only."""

from django.http import JsonResponse
from django.urls import include, path

from plans.models import AppendixRow, HouseholdFigure


def district_floor(request, slug):
    """The least a district table can do: its figures in one `.values()` query, returned as JSON."""
    rows = list(
        HouseholdFigure.objects.filter(
            plan__slug=slug,
            locality_id__in=AppendixRow.objects.filter(appendix__plan__slug=slug, appendix__code="01").values(
                "locality_id"
            ),
        ).values("locality__name", "year", "kind", "households", "poor_households", "published_rate")
    )
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("bench-floor/<slug:slug>/districts.json", district_floor),
    path("", include("povertyplan.urls")),
]
