"""Fixtures every test module shares: the database (with the seed plans, for the tests that say they check the
seeds), the language, and people in each role — for a plan a test builds itself, and for the seed plan of Hưng Yên.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from localities.models import Locality
from plans.models import Agency, Plan
from plans.models.standards import ensure_poverty_standards, forget_standard_periods
from seeding.seeds import load_seeds
from workflow.models import Role

from .factories import AgencyFactory, ProvinceFactory, UserFactory, make_household_plan, make_role_user

HY = "hung-yen-2023-2025"
TTH = "thua-thien-hue-2024"
PHU_CU = "hung-yen-phu-cu"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Both seed plans, loaded once into the test database; each test runs in a rolled-back transaction.

    Only the tests of the seed documents themselves (fidelity, and workflows shown on a real plan) read them;
    tests of a rule build the small plan they need with tests/factories.py."""
    with django_db_blocker.unblock():
        load_seeds()


@pytest.fixture(autouse=True)
def empty_rendered_cache():
    """Each test starts without cached renderings (the plan page's text), so that what a test counts or sees does
    not depend on which tests ran before it in the same process."""
    caches["rendered"].clear()


@pytest.fixture
def poverty_standards():
    """The poverty standards the migrations load, for a transactional test: the tests with `transaction=True` that
    ran before it emptied every table, and the standards' periods are cached per process."""
    ensure_poverty_standards()
    forget_standard_periods()
    yield
    forget_standard_periods()


# --- language -----------------------------------------------------------------------------------------------


@pytest.fixture
def vietnamese():
    """Code run by the test speaks Vietnamese (services, commands, messages built outside a request)."""
    with translation.override("vi"):
        yield


@pytest.fixture
def english(client):
    """Pages (chosen by the language cookie) and code run by the test speak English: messages are asserted in
    their English source."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# --- people ---------------------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin-test", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def small_plan(db):
    """A plan of three districts, 2021–2023, consistent: totals are the sums, rates those of the counts."""
    return make_household_plan()


@pytest.fixture
def small_plan_people(small_plan) -> dict:
    """One person per role for `small_plan`: its province's reviewer and reader, the official of its first district,
    an officer of an agency of its province, and a reviewer of another province."""
    province = small_plan.province
    first_district = small_plan.appendices.get().rows.filter(is_total=False).order_by("order").first().locality
    agency = AgencyFactory(province=province, name="Sở Y tế")
    other_province = ProvinceFactory(name="Tỉnh Khác")
    return {
        "reviewer": make_role_user(Role.REVIEWER, province=province),
        "official": make_role_user(Role.LOCALITY_OFFICIAL, locality=first_district),
        "agency_officer": make_role_user(Role.AGENCY_OFFICER, agency=agency),
        "reader": make_role_user(Role.READER, province=province),
        "other_reviewer": make_role_user(Role.REVIEWER, province=other_province),
    }


@pytest.fixture
def hung_yen_people(db) -> dict:
    """One person per role in the seed plan of Hưng Yên (for workflows shown on the real document)."""
    province = Locality.objects.get(slug="hung-yen")
    return {
        "reviewer": make_role_user(Role.REVIEWER, user=UserFactory(username="ldtbxh"), province=province),
        "official": make_role_user(
            Role.LOCALITY_OFFICIAL, user=UserFactory(username="phucu"), locality=Locality.objects.get(slug=PHU_CU)
        ),
        # Sở Y tế leads indicators of Hưng Yên's Phụ lục 02 (looked up by name: the slug is the seeds' business).
        "agency_officer": make_role_user(
            Role.AGENCY_OFFICER,
            user=UserFactory(username="soyte"),
            agency=Agency.objects.get(province=province, name="Sở Y tế"),
        ),
        "reader": make_role_user(Role.READER, user=UserFactory(username="docgia"), province=province),
    }


@pytest.fixture
def hung_yen_plan(db) -> Plan:
    return Plan.objects.get(slug=HY)


def pytest_report_header(config):
    return f"DATABASE_URL: {os.environ.get('DATABASE_URL') or '(unset: embedded SQLite)'}"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no rendered page kept (kernel.page_cache): a page rendered inside one test's rolled-back
    transaction must not be served to the next test, whose data may share the first one's revision values."""
    caches["pages"].clear()
    yield
