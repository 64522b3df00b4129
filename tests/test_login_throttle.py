"""Log-in throttling: five failures per user name and address, then a pause; a success clears the count."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vietnamese")]

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def official():
    return UserFactory(username="phucu")


def attempt(client, password, username="phucu", address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def error_codes(response) -> set[str]:
    return {error.code for error in response.context["form"].non_field_errors().as_data()}


def test_five_failures_block_the_user_name_from_that_address_even_with_the_right_password(client, official):
    for _ in range(5):
        response = attempt(client, "sai-mat-khau")
        assert response.status_code == 200 and "too_many_attempts" not in error_codes(response)
    response = attempt(client, PASSWORD)
    assert response.status_code == 200
    assert error_codes(response) == {"too_many_attempts"}
    assert "_auth_user_id" not in client.session
    assert "hãy chờ 15 phút rồi thử lại" in response.content.decode()  # the wait is said in minutes


def test_the_block_concerns_one_user_name_and_one_address(client, official):
    for _ in range(5):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD, address="10.0.0.2").status_code == 302  # another address
    client.logout()
    UserFactory(username="aluoi")
    assert attempt(client, PASSWORD, username="aluoi").status_code == 302  # another user name


def test_a_user_name_typed_in_other_case_counts_as_the_same(client, official):
    for name in ("phucu", "PHUCU", "PhuCu", " phucu", "phucu"):
        attempt(client, "sai-mat-khau", username=name)
    assert error_codes(attempt(client, PASSWORD)) == {"too_many_attempts"}


def test_a_successful_log_in_clears_the_failures(client, official):
    for _ in range(4):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "sai-mat-khau")
    assert attempt(client, PASSWORD).status_code == 302


def test_the_block_ends_when_the_window_has_passed(client, official, settings):
    settings.LOGIN_THROTTLE_WINDOW = 1
    for _ in range(5):
        attempt(client, "sai-mat-khau")
    assert error_codes(attempt(client, PASSWORD)) == {"too_many_attempts"}
    cache.clear()  # what the expiry of the counter does
    assert attempt(client, PASSWORD).status_code == 302


def test_the_admin_log_in_is_throttled_too(client, superuser):
    for _ in range(5):
        attempt(client, "sai-mat-khau", username=superuser.username, url=ADMIN_LOGIN)
    response = attempt(client, PASSWORD, username=superuser.username, url=ADMIN_LOGIN)
    assert response.status_code == 200
    assert error_codes(response) == {"too_many_attempts"}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, official, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "phucu", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7",
        )
    other_client = client.post(
        LOGIN, {"username": "phucu", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other_client.status_code == 302  # the proxy's address is not the client's
    client.logout()
    same_client = client.post(
        LOGIN, {"username": "phucu", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert error_codes(same_client) == {"too_many_attempts"}  # the last forwarded address is the client's
