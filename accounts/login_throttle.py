"""Log-in throttling against password guessing: a few failures per user name, a cap per address, then a pause.

After LOGIN_THROTTLE_FAILURES failed log-ins for one user name from one address within
LOGIN_THROTTLE_WINDOW seconds, that pair is refused — even with the right password — until the window
has passed since the last failure; a successful log-in clears that count. Whatever the names tried, one address
may fail LOGIN_THROTTLE_ADDRESS_FAILURES times in the window before it is refused altogether (a success does not
clear that count: one valid account must not reset the guessing of others). The counts live in the cache
(production uses the database cache, so that every gunicorn worker sees the same counts).

The user name is counted exactly as authentication reads it: Django's log-in form normalises it with NFKC (so the
full-width “ｐｈｕｃｕ” logs in as “phucu”), and so does the key here, then case-folded — otherwise each of the
millions of spellings that reach one account would have its own five tries.

The address is the connection's, or — only when it is one of TRUSTED_PROXIES — the last address in
X-Forwarded-For that is not a trusted proxy: a client can write anything in that header, only what the trusted
proxy appended counts.

Kept here rather than taken from django-axes: the application needs one rule on two forms (the site's
log-in and the admin's), which is a few lines over the cache; axes would bring its own models,
migrations, middleware and an authentication backend to configure and to keep up to date.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_FAILURES = 5
DEFAULT_ADDRESS_FAILURES = 30
DEFAULT_WINDOW = 15 * 60  # seconds


def limits() -> tuple[int, int]:
    return (
        getattr(settings, "LOGIN_THROTTLE_FAILURES", DEFAULT_FAILURES),
        getattr(settings, "LOGIN_THROTTLE_WINDOW", DEFAULT_WINDOW),
    )


def address_limit() -> int:
    return getattr(settings, "LOGIN_THROTTLE_ADDRESS_FAILURES", DEFAULT_ADDRESS_FAILURES)


def client_address(request) -> str:
    """The address the request came from: the connection's, or behind a trusted proxy the client's (see above)."""
    if request is None:
        return "-"
    remote = request.META.get("REMOTE_ADDR", "-")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if remote in trusted:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote


def normalized_username(username: str) -> str:
    """The user name as authentication compares it (NFKC, as Django's UsernameField), case-folded."""
    text = unicodedata.normalize("NFKC", str(username or "")).strip()
    return unicodedata.normalize("NFKC", text.casefold())


def _key(username: str, address: str) -> str:
    # Hashed: a user name is arbitrary text and cache keys must be short and plain.
    digest = hashlib.sha256(f"{normalized_username(username)}\0{address}".encode()).hexdigest()
    return f"login-failures:{digest}"


def _address_key(address: str) -> str:
    return f"login-failures-address:{hashlib.sha256(address.encode()).hexdigest()}"


def is_blocked(username: str, address: str) -> bool:
    failures, _window = limits()
    return cache.get(_key(username, address), 0) >= failures or cache.get(_address_key(address), 0) >= address_limit()


def _count(key: str, window: int) -> None:
    # add() then incr(): atomic on the database and memcached/redis caches; each failure renews the window.
    if not cache.add(key, 1, window):
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            count = 1
        cache.set(key, count, window)


def record_failure(username: str, address: str) -> None:
    _failures, window = limits()
    _count(_key(username, address), window)
    _count(_address_key(address), window)


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
