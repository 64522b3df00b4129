"""Plans across the reform: a plan records the plan it follows, the home page groups plans by today's province, and
a new plan's baseline year is filled from its predecessors' results, shown as derived until confirmed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from localities.models import Locality, LocalityKind, LocalitySuccession, SuccessionKind
from plans.models import FigureKind, HouseholdFigure, Plan
from workflow.models import Role

from .factories import (
    AppendixRowFactory,
    HouseholdAppendixFactory,
    PlanFactory,
    ProvinceFactory,
    household_columns,
    make_household_plan,
    make_role_user,
)

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)


def hue_plan(**kwargs) -> Plan:
    return PlanFactory(
        province=Locality.objects.get(slug="hue"), slug="thu-hue-2026-2030", first_year=2026, last_year=2030, **kwargs
    )


def test_a_thanh_pho_hue_plan_follows_thua_thien_hue_s_and_both_pages_say_so(client, english):
    earlier = Plan.objects.get(slug="thua-thien-hue-2024")
    plan = hue_plan(follows=earlier)
    plan.full_clean()
    page = client.get(reverse("reports:plan", args=[plan.slug])).content.decode()
    assert "Follows" in page and earlier.reference in page
    assert plan.reference in client.get(reverse("reports:plan", args=[earlier.slug])).content.decode()


def test_a_plan_cannot_follow_a_plan_of_a_province_it_did_not_succeed(vietnamese):
    plan = hue_plan(follows=Plan.objects.get(slug="hung-yen-2023-2025"))
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "Tỉnh Hưng Yên" in error.value.message_dict["follows"][0]


def test_a_plan_cannot_follow_a_later_plan(vietnamese):
    earlier = Plan.objects.get(slug="thua-thien-hue-2024")
    later = hue_plan()
    earlier.follows = later
    with pytest.raises(ValidationError) as error:
        earlier.full_clean()
    assert "follows" in error.value.message_dict


def test_the_home_page_groups_old_plans_under_today_s_province(client):
    groups = dict(
        (province.slug, [plan.slug for plan in plans])
        for province, plans in client.get(reverse("reports:home")).context["groups"]
    )
    assert groups["hue"] == ["thua-thien-hue-2024"]
    assert groups["hung-yen-2025"] == ["hung-yen-2023-2025"]
    html = client.get(reverse("reports:home")).content.decode()
    assert "Tỉnh Thừa Thiên Huế" in html  # the plan keeps its own province, shown beside it
    searched = client.get(reverse("reports:home"), {"q": "thanh pho hue"}).context["groups"]
    assert [plan.slug for _province, plans in searched for plan in plans] == ["thua-thien-hue-2024"]


def _ward_plan():
    """An old plan of two districts with 2024 results; from 01/07/2025 the first split 60/40 into two wards, the second
    merged wholly into the second; a 2025–2026 plan of the two wards."""
    city = ProvinceFactory(kind=LocalityKind.MUNICIPALITY, name="Thành phố Thử", valid_from=datetime.date(2025, 1, 1))
    old_plan = make_household_plan(districts=2, years=(2024, 2025), slug="thu-cu-2024", province=city)
    first, second = [row.locality for row in old_plan.appendices.get().rows.filter(is_total=False).order_by("order")]
    Locality.objects.filter(pk__in=[first.pk, second.pk]).update(valid_to=datetime.date(2025, 6, 30))
    wards = [
        Locality.objects.create(kind=LocalityKind.WARD, name=name, slug=slug, parent=city, valid_from=REFORM)
        for name, slug in (("Phường A", "thu-phuong-a"), ("Phường B", "thu-phuong-b"))
    ]
    for successor, share in ((wards[0], Decimal(60)), (wards[1], Decimal(40))):
        LocalitySuccession.objects.create(
            predecessor=first,
            successor=successor,
            kind=SuccessionKind.SPLIT,
            effective_date=REFORM,
            share_percent=share,
        )
    LocalitySuccession.objects.create(
        predecessor=second, successor=wards[1], kind=SuccessionKind.MERGE, effective_date=REFORM
    )
    plan = PlanFactory(province=city, slug="thu-phuong-2025-2026", first_year=2025, last_year=2026, follows=old_plan)
    appendix = HouseholdAppendixFactory(
        plan=plan, code="01", label_header="Phường", columns=household_columns((2024, 2025, 2026))
    )
    for order, ward in enumerate(wards):
        AppendixRowFactory(appendix=appendix, locality=ward, order=order)
    return plan, wards


def test_a_reviewer_fills_the_baseline_from_the_predecessors_and_it_shows_as_derived_until_confirmed(client, english):
    plan, (ward_a, ward_b) = _ward_plan()
    client.force_login(make_role_user(Role.REVIEWER, province=plan.province))
    response = client.post(reverse("editing:fill_baseline", args=[plan.slug]), {"year": 2024}, follow=True)
    assert "Phường A, Phường B" in response.content.decode()
    a = HouseholdFigure.objects.get(plan=plan, locality=ward_a, year=2024, kind=FigureKind.RESULT)
    b = HouseholdFigure.objects.get(plan=plan, locality=ward_b, year=2024, kind=FigureKind.RESULT)
    assert (a.households, a.poor_households, a.is_derived) == (6000, 300, True)
    assert (b.households, b.poor_households) == (4000 + 10100, 200 + 501)
    assert "60" in a.note and "Huyện Số 1" in a.note
    page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    assert "2 figures derived from the predecessors, not yet confirmed" in page
    client.post(reverse("editing:confirm_derived", args=[plan.slug]))
    assert not HouseholdFigure.objects.filter(plan=plan, is_derived=True).exists()
    assert (
        "derived from the predecessors, not yet confirmed"
        not in client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    )


def test_only_a_reviewer_may_fill_a_baseline(client):
    plan, _wards = _ward_plan()
    client.force_login(make_role_user(Role.READER, province=plan.province))
    assert client.post(reverse("editing:fill_baseline", args=[plan.slug]), {"year": 2024}).status_code == 403
    assert not HouseholdFigure.objects.filter(plan=plan).exists()
