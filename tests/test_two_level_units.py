"""Units as the law had them on each date: the two-level local government from 01/07/2025, special zones, codes that
pass to a new unit, and labels that come from the units (a table of wards says wards, a city says “Toàn thành phố”)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from localities.labels import unit_words
from localities.models import Level, Locality, LocalityKind
from workflow.models import Role
from workflow.permissions import scopes_of

from .factories import DistrictFactory, ProvinceFactory, make_household_plan, make_role_user

pytestmark = pytest.mark.django_db

REFORM = datetime.date(2025, 7, 1)


def city():
    return ProvinceFactory(kind=LocalityKind.MUNICIPALITY, name="Thành phố Thử", valid_from=datetime.date(2025, 1, 1))


def test_a_ward_valid_from_the_reform_may_sit_directly_under_its_city():
    ward = Locality(kind=LocalityKind.WARD, name="Phường Thử", slug="thu-phuong", parent=city(), valid_from=REFORM)
    ward.full_clean()
    ward.save()
    assert ward.level == Level.COMMUNE


def test_a_commune_valid_before_the_reform_directly_under_a_province_is_refused_in_vietnamese(vietnamese):
    commune = Locality(
        kind=LocalityKind.COMMUNE,
        name="Xã Cũ",
        slug="thu-xa-cu",
        parent=ProvinceFactory(),
        valid_to=datetime.date(2025, 6, 30),
    )
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "trước 01/07/2025" in " ".join(error.value.message_dict["parent"])


def test_a_ward_created_by_the_reform_under_a_district_is_refused():
    district = DistrictFactory(valid_to=datetime.date(2025, 6, 30))
    ward = Locality(
        kind=LocalityKind.WARD, name="Phường Mới", slug="thu-phuong-moi", parent=district, valid_from=REFORM
    )
    with pytest.raises(ValidationError) as error:
        ward.full_clean()
    assert "parent" in error.value.message_dict


def test_a_unit_whose_parent_had_ended_before_it_began_is_refused():
    old_province = ProvinceFactory(valid_to=datetime.date(2024, 12, 31))
    ward = Locality(
        kind=LocalityKind.WARD, name="Phường X", slug="thu-phuong-x", parent=old_province, valid_from=REFORM
    )
    with pytest.raises(ValidationError) as error:
        ward.full_clean()
    assert "parent" in error.value.message_dict


def test_a_special_zone_is_a_commune_level_unit_under_a_province():
    zone = Locality(
        kind=LocalityKind.SPECIAL_ZONE,
        name="Đặc khu Thử",
        slug="thu-dac-khu",
        parent=ProvinceFactory(),
        valid_from=REFORM,
    )
    zone.full_clean()
    zone.save()
    assert zone.level == Level.COMMUNE
    assert zone.get_kind_display() == "Đặc khu"  # the default language is Vietnamese


def test_a_code_passes_to_a_new_unit_but_two_units_valid_on_one_day_cannot_share_it():
    ProvinceFactory(code="99", valid_to=datetime.date(2025, 6, 30))
    successor = Locality(kind=LocalityKind.PROVINCE, name="Tỉnh Mới", slug="thu-tinh-moi", code="99", valid_from=REFORM)
    successor.full_clean()
    successor.save()
    overlapping = Locality(
        kind=LocalityKind.PROVINCE,
        name="Tỉnh Chồng",
        slug="thu-tinh-chong",
        code="99",
        valid_from=datetime.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "code" in error.value.message_dict


def test_units_valid_on_a_day_leave_out_those_ended_or_not_yet_begun():
    ended = ProvinceFactory(valid_to=datetime.date(2025, 6, 30))
    new = ProvinceFactory(valid_from=REFORM)
    valid = set(Locality.objects.filter(pk__in=[ended.pk, new.pk]).valid_on(REFORM))
    assert valid == {new}


def test_the_city_admin_page_still_saves_once_a_ward_sits_under_it(admin_client):
    municipality = city()
    Locality.objects.create(
        kind=LocalityKind.WARD, name="Phường Thử", slug="thu-phuong-a", parent=municipality, valid_from=REFORM
    )
    url = reverse("admin:localities_locality_change", args=[municipality.pk])
    ward = municipality.children.get()
    data = {
        "name": municipality.name,
        "slug": municipality.slug,
        "kind": municipality.kind,
        "code": "",
        "valid_from": "01/01/2025",
        "valid_to": "",
        "note": "",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "1",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "1000",
        "children-0-id": str(ward.pk),
        "children-0-parent": str(municipality.pk),
        "children-0-name": ward.name,
        "children-0-kind": ward.kind,
        "children-0-code": "",
        "children-0-valid_from": "01/07/2025",
        "children-0-valid_to": "",
        "successions-TOTAL_FORMS": "0",
        "successions-INITIAL_FORMS": "0",
        "successions-MIN_NUM_FORMS": "0",
        "successions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    # The other inlines of the page (figures, …), empty: read their prefixes off the page rather than assume them.
    for formset in admin_client.get(url).context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        if f"{prefix}-TOTAL_FORMS" not in data:
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def test_words_come_from_the_units_wards_of_a_city_and_districts_of_a_province(vietnamese):
    wards = unit_words([LocalityKind.WARD, LocalityKind.WARD], LocalityKind.MUNICIPALITY)
    assert (wards.units, wards.total) == ("phường", "Toàn thành phố")
    mixed = unit_words([LocalityKind.RURAL_DISTRICT, LocalityKind.PROVINCIAL_CITY], LocalityKind.PROVINCE)
    assert (mixed.units, mixed.total) == ("đơn vị cấp huyện", "Toàn tỉnh")
    communes = unit_words([LocalityKind.WARD, LocalityKind.COMMUNE, LocalityKind.SPECIAL_ZONE], LocalityKind.PROVINCE)
    assert communes.units == "đơn vị cấp xã"


def test_a_city_plan_of_wards_speaks_of_wards_and_the_whole_city_not_of_districts(client, vietnamese):
    plan = make_household_plan(
        province=city(), unit_kind=LocalityKind.WARD, years=(2025, 2026), slug="thu-thanh-pho-2026"
    )
    plan.appendices.update(label_header="Đơn vị")  # the factory's header is a district table's, as published
    table_page = client.get(reverse("reports:districts", args=[plan.slug])).content.decode()
    results_page = client.get(reverse("reports:results", args=[plan.slug])).content.decode()
    assert "Tỷ lệ hộ nghèo theo phường" in table_page
    assert "Toàn thành phố" in results_page
    for page in (table_page, results_page):
        assert "huyện" not in page.lower()
        assert "toàn tỉnh" not in page.lower()


def test_an_official_of_a_ward_directly_under_a_city_reaches_the_city_s_plans():
    municipality = city()
    ward = Locality.objects.create(
        kind=LocalityKind.WARD, name="Phường Thử", slug="thu-phuong-b", parent=municipality, valid_from=REFORM
    )
    user = make_role_user(Role.LOCALITY_OFFICIAL, locality=ward)
    assert municipality.pk in scopes_of(user).provinces
