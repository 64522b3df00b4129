"""The indicators defined, in the API: the catalogue a plan's indicators refer to, by code, filtered by dimension or
found by name without accents, in pages."""

import pytest

pytestmark = pytest.mark.django_db


def page(client, url, **headers) -> dict:
    response = client.get(url, HTTP_ACCEPT_ENCODING="identity", **headers)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_the_health_indicators_are_listed_by_code_with_unit_and_direction(client):
    items = page(client, "/api/v1/indicators?dimension=health&limit=1000", HTTP_ACCEPT_LANGUAGE="en")["items"]
    codes = [item["code"] for item in items]
    assert {"health-insurance", "underweight-children"} <= set(codes) and codes == sorted(codes)
    assert all(item["dimension"]["code"] == "health" for item in items)
    underweight = next(item for item in items if item["code"] == "underweight-children")
    assert underweight["unit"] == "%" and underweight["direction"] == "decrease"
    assert underweight["name"] == "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng cân nặng theo tuổi"


def test_an_indicator_is_found_by_its_name_typed_without_accents(client):
    items = page(client, "/api/v1/indicators?q=bao%20hiem%20y%20te")["items"]
    assert [item["code"] for item in items] == ["health-insurance"]


def test_the_definitions_walk_in_pages_each_once(client):
    every = [item["code"] for item in page(client, "/api/v1/indicators?limit=1000")["items"]]
    seen, url = [], "/api/v1/indicators?limit=4"
    while url:
        data = page(client, url)
        seen += [item["code"] for item in data["items"]]
        url = data["next"]
    assert len(every) > 4 and seen == every


def test_the_definitions_read_in_at_most_10_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page(client, "/api/v1/indicators?limit=1000&q=ty%20le")
