"""Log-in throttling against password guessing: a few failures per user name and address, then a pause.

After LOGIN_THROTTLE_FAILURES failed log-ins for one user name from one address within
LOGIN_THROTTLE_WINDOW seconds, that pair is refused — even with the right password — until the window
has passed since the last failure; a successful log-in clears the count. The counts live in the cache
(production uses the database cache, so that every gunicorn worker sees the same counts).

Kept here rather than taken from django-axes: the application needs one rule on two forms (the site's
log-in and the admin's), which is a few lines over the cache; axes would bring its own models,
migrations, middleware and an authentication backend to configure and to keep up to date.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_FAILURES = 5
DEFAULT_WINDOW = 15 * 60  # seconds


def limits() -> tuple[int, int]:
    return (
        getattr(settings, "LOGIN_THROTTLE_FAILURES", DEFAULT_FAILURES),
        getattr(settings, "LOGIN_THROTTLE_WINDOW", DEFAULT_WINDOW),
    )


def client_address(request) -> str:
    """The address the request came from. Behind a reverse proxy every request comes from the proxy: with
    TRUST_X_FORWARDED_FOR the last address the proxy appended to X-Forwarded-For is used instead (only the
    proxy's own entry can be trusted; a client can write anything before it)."""
    if request is None:
        return "-"
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "-")


def _key(username: str, address: str) -> str:
    # Hashed: a user name is arbitrary text and cache keys must be short and plain.
    digest = hashlib.sha256(f"{(username or '').strip().casefold()}\0{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def is_blocked(username: str, address: str) -> bool:
    failures, _window = limits()
    return cache.get(_key(username, address), 0) >= failures


def record_failure(username: str, address: str) -> None:
    _failures, window = limits()
    key = _key(username, address)
    # add() then incr(): atomic on the database and memcached/redis caches; each failure renews the window.
    if not cache.add(key, 1, window):
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            count = 1
        cache.set(key, count, window)


def reset(username: str, address: str) -> None:
    cache.delete(_key(username, address))


def blocked_message() -> str:
    _failures, window = limits()
    return _(
        "Too many failed log-ins for this user name: wait %(minutes)s minutes and try again, or ask the "
        "administrator to set a new password."
    ) % {"minutes": max(1, window // 60)}


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuse a blocked user name and address before the password is checked."""

    throttled = False

    def clean(self):
        username = self.data.get("username", "")
        address = client_address(self.request)
        if is_blocked(username, address):
            self.throttled = True
            raise ValidationError(blocked_message(), code="too_many_attempts")
        try:
            data = super().clean()
        except ValidationError:
            record_failure(username, address)
            raise
        reset(username, address)
        return data


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
