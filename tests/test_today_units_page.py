"""The "on today's units" page, as its body is now written (one address pattern, one number formatter for the
table): each unit links to its page, a split predecessor is named with its share, counts and rates are written
the Vietnamese way — and the page stays within 10 queries when it is rendered, not served from the page cache."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from .test_lineage import _split_plan

pytestmark = pytest.mark.django_db


def row_of(html: str, slug: str) -> str:
    return html[html.index(f'data-locality="{slug}"') :].split("</tr>")[0]


def test_a_ward_that_took_a_share_of_a_split_district_names_it_with_the_share_and_links_to_itself(client, vietnamese):
    plan, first, second, _ward_a, _ward_b = _split_plan()
    html = client.get(reverse("reports:districts_today", args=[plan.slug])).content.decode()
    ward_a = row_of(html, "thu-phuong-a")
    assert f'href="{reverse("reports:locality", args=["thu-phuong-a"])}"' in ward_a
    assert f"{first.name} (60,00%)" in ward_a
    ward_b = row_of(html, "thu-phuong-b")
    assert f"{first.name} (40,00%)" in ward_b and f"{second.name};" not in ward_b and second.name in ward_b
    assert f"{second.name} (" not in ward_b  # passed wholly: no share printed


def test_carried_counts_are_grouped_and_rates_recomputed_as_vietnamese_writes_them(client, vietnamese):
    plan, *_ = _split_plan()
    html = client.get(reverse("reports:districts_today", args=[plan.slug])).content.decode()
    # District 1 in 2025: 10.000 households, 60 % of them → 6.000 in Phường A; its 450 poor households → 270: 4,50 %.
    ward_a = row_of(html, "thu-phuong-a")
    assert '<td class="num">6.000</td>' in ward_a
    assert '<td class="num">270</td><td class="num">4,50</td>' in ward_a


def test_the_page_rendered_afresh_stays_within_ten_queries(client, django_assert_max_num_queries):
    plan, *_ = _split_plan()
    url = reverse("reports:districts_today", args=[plan.slug])
    client.get(url)
    caches["pages"].clear()
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
