"""The log-in throttle counts what authentication compares: the NFKC user name, and the client behind a trusted
proxy only; one address may fail only so often whatever names it tries."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dung-2024"
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def official():
    return get_user_model().objects.create_user("phucu", password=PASSWORD)


def attempt(client, password, username="phucu", **meta):
    meta.setdefault("REMOTE_ADDR", "10.0.0.1")
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def is_throttled(response) -> bool:
    return response.status_code == 200 and any(
        error.code == "too_many_attempts" for error in response.context["form"].non_field_errors().as_data()
    )


def test_a_full_width_spelling_of_a_blocked_name_is_blocked_too(client, official):
    for _ in range(5):
        attempt(client, "sai-mat-khau")
    assert is_throttled(attempt(client, PASSWORD, username="ｐｈｕｃｕ"))  # it would log in as phucu otherwise
    assert is_throttled(attempt(client, PASSWORD, username="PHUCU"))


def test_failures_spread_over_many_names_are_capped_per_address(client, official, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 12
    for number in range(12):
        attempt(client, "sai", username=f"khach-{number}")
    assert is_throttled(attempt(client, PASSWORD))  # even the right password of a name never tried
    assert attempt(client, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302  # another address is not


def test_without_a_named_proxy_the_forwarded_header_is_ignored(client, official, settings):
    settings.TRUSTED_PROXIES = []
    for number in range(5):
        attempt(client, "sai", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert is_throttled(attempt(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99"))


def test_behind_the_named_proxy_one_persons_mistakes_do_not_lock_out_the_office(client, official, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(5):
        attempt(client, "sai", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert is_throttled(attempt(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"))
    colleague = attempt(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.11")
    assert colleague.status_code == 302
    # A client cannot pretend to be another by writing the header itself: the proxy's entry (last) counts.
    spoofed = attempt(client, PASSWORD, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.11, 192.0.2.10")
    assert is_throttled(spoofed)
