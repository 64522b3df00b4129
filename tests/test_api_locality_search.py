"""Searching the units by name in the API: accents and case optional, among the units in force on the day asked,
with the same cursor pages as the rest of the list."""

import pytest

pytestmark = pytest.mark.django_db


def slugs(client, url) -> list[str]:
    response = client.get(url, HTTP_ACCEPT_ENCODING="identity")
    assert response.status_code == 200, response.content[:300]
    return [unit["slug"] for unit in response.json()["items"]]


def test_a_province_is_found_by_its_name_typed_without_accents(client):
    assert slugs(client, "/api/v1/localities?on=2024-06-01&q=thai%20binh") == ["thai-binh"]
    assert slugs(client, "/api/v1/localities?on=2024-06-01&q=TH%C3%81I%20B%C3%8CNH") == ["thai-binh"]


def test_a_district_is_found_by_part_of_its_name_with_or_without_accents(client):
    with_accents = slugs(client, "/api/v1/localities?on=2024-06-01&q=Ph%C3%B9%20C%E1%BB%AB")  # “Phù Cừ”
    assert "hung-yen-phu-cu" in with_accents
    assert slugs(client, "/api/v1/localities?on=2024-06-01&q=phu%20cu") == with_accents


def test_the_search_keeps_to_the_units_in_force_on_the_day(client):
    assert slugs(client, "/api/v1/localities?on=2025-07-01&q=thai%20binh") == []  # merged into Hưng Yên
    assert "hung-yen-2025" in slugs(client, "/api/v1/localities?on=2025-07-01&q=hung%20yen")
    assert "hung-yen-2025" not in slugs(client, "/api/v1/localities?on=2024-06-01&q=hung%20yen")


def test_a_search_combines_with_level_and_walks_its_pages_with_the_cursor_once_each(client):
    every = slugs(client, "/api/v1/localities?on=2024-06-01&level=2&q=huyen&limit=1000")
    assert len(every) > 3
    seen, url = [], "/api/v1/localities?on=2024-06-01&level=2&q=huyen&limit=2"
    while url:
        page = client.get(url, HTTP_ACCEPT_ENCODING="identity").json()
        seen += [unit["slug"] for unit in page["items"]]
        url = page["next"]
    assert seen == every


def test_a_search_longer_than_200_characters_is_refused_naming_q(client):
    response = client.get("/api/v1/localities?q=" + "a" * 201, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert [error["parameter"] for error in response.json()["errors"]] == ["q"]
