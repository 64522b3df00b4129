"""The API across the reform: a plan names the plan it follows and the plans that follow it (only those the caller
may read), and an agency names whose duties it took over and who took over its own, with the date and the duties."""

import datetime

import pytest

from api.services import api_token_create
from localities.models import Locality
from plans.models import Agency, AgencySuccession, Plan
from workflow.models import Role

from .factories import AgencyFactory, PlanFactory, make_role_user

pytestmark = pytest.mark.django_db


def get(client, url, **headers) -> dict:
    response = client.get(url, HTTP_ACCEPT_ENCODING="identity", **headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def hue_plan(**kwargs) -> Plan:
    return PlanFactory(
        province=Locality.objects.get(slug="hue"), slug="api-hue-2026-2030", first_year=2026, last_year=2030, **kwargs
    )


def test_a_thanh_pho_hue_plan_names_the_thua_thien_hue_plan_it_follows_and_that_one_names_it_back(client):
    earlier = Plan.objects.get(slug="thua-thien-hue-2024")
    later = hue_plan(follows=earlier)
    detail = get(client, f"/api/v1/plans/{later.slug}")
    assert detail["follows"]["slug"] == earlier.slug and detail["follows"]["reference"] == earlier.reference
    assert detail["followed_by"] == []
    assert [p["slug"] for p in get(client, f"/api/v1/plans/{earlier.slug}")["followed_by"]] == [later.slug]


def test_a_followed_or_following_plan_the_caller_may_not_read_is_not_revealed(client):
    earlier = Plan.objects.get(slug="thua-thien-hue-2024")
    later = hue_plan(follows=earlier, is_public=False)
    assert get(client, f"/api/v1/plans/{earlier.slug}")["followed_by"] == []
    reviewer = make_role_user(Role.REVIEWER, province=later.province)
    secret = api_token_create(user=reviewer, name="Huế")[1]
    detail = get(client, f"/api/v1/plans/{earlier.slug}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [p["slug"] for p in detail["followed_by"]] == [later.slug]


def test_an_agency_names_who_took_over_its_duties_and_whose_duties_the_new_one_took_over(client):
    old = Agency.objects.get(province__slug="hung-yen", name="Sở Lao động - Thương binh và Xã hội")
    new = AgencyFactory(province=old.province, name="Sở Nông nghiệp và Môi trường", slug="api-so-nnmt")
    AgencySuccession.objects.create(
        predecessor=old,
        successor=new,
        effective_date=datetime.date(2025, 3, 1),
        duties="giảm nghèo",
        legal_basis="Quyết định số 01/QĐ-UBND",
    )
    before = get(client, f"/api/v1/agencies/hung-yen/{old.slug}")
    assert [(s["agency"]["slug"], s["effective_date"], s["duties"]) for s in before["successions"]] == [
        ("api-so-nnmt", "2025-03-01", "giảm nghèo")
    ]
    assert before["successions"][0]["legal_basis"] == "Quyết định số 01/QĐ-UBND" and before["predecessions"] == []
    after = get(client, "/api/v1/agencies/hung-yen/api-so-nnmt")
    assert [(p["agency"]["slug"], p["duties"]) for p in after["predecessions"]] == [(old.slug, "giảm nghèo")]
    assert after["successions"] == []


def test_a_plan_and_an_agency_with_their_successions_read_in_at_most_10_queries(client, django_assert_max_num_queries):
    earlier = Plan.objects.get(slug="thua-thien-hue-2024")
    hue_plan(follows=earlier)
    old = Agency.objects.get(province__slug="hung-yen", name="Sở Lao động - Thương binh và Xã hội")
    AgencySuccession.objects.create(
        predecessor=old, successor=AgencyFactory(province=old.province), effective_date=datetime.date(2025, 3, 1)
    )
    for url in (
        f"/api/v1/plans/{earlier.slug}",
        "/api/v1/plans/api-hue-2026-2030",
        f"/api/v1/agencies/hung-yen/{old.slug}",
    ):
        with django_assert_max_num_queries(10):
            get(client, url)
