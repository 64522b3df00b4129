"""The application's URLs plus the floors the benchmark compares with: used by `bench/run.py` only."""

from django.db.models import Q
from django.http import JsonResponse
from django.urls import include, path

from localities.models import Locality
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


def appendix_rows_floor(request, slug):
    """The least the API's appendix rows can do: the rows and their figures, two `.values()` queries, as JSON."""
    rows = list(
        AppendixRow.objects.filter(appendix__plan__slug=slug, appendix__code="01")
        .order_by("order", "pk")
        .values("number", "label", "is_total", "locality_id", "locality__slug", "locality__name")
    )
    figures = list(
        HouseholdFigure.objects.filter(plan__slug=slug, locality_id__in=[row["locality_id"] for row in rows]).values(
            "locality_id", "year", "kind", "standard", "households", "poor_households", "published_rate"
        )
    )
    return JsonResponse({"rows": rows, "figures": figures})


def locality_tree_floor(request):
    """The least a page of the API's locality tree can do: one `.values()` query after the last (level, slug)."""
    units = Locality.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte="2024-01-01"),
        Q(valid_to__isnull=True) | Q(valid_to__gte="2024-01-01"),
    )
    level, slug = request.GET.get("level"), request.GET.get("slug")
    if level:
        units = units.filter(Q(level__gt=int(level)) | Q(level=int(level), slug__gt=slug))
    page = list(units.order_by("level", "slug").values("slug", "code", "name", "kind", "level", "parent__slug")[:1001])
    more = len(page) > 1000
    page = page[:1000]
    last = page[-1] if more else None
    return JsonResponse({"items": page, "next": f"?level={last['level']}&slug={last['slug']}" if last else None})


urlpatterns = [
    path("bench-floor/<slug:slug>/districts.json", district_floor),
    path("bench-floor/<slug:slug>/appendix-rows.json", appendix_rows_floor),
    path("bench-floor/localities.json", locality_tree_floor),
    path("", include("povertyplan.urls")),
]
