"""Who is calling: anybody (what an anonymous visitor of the site may read), or the owner of a personal token.

The site's session is deliberately not accepted: another system reads as a token, which its owner can see and
revoke, never with a person's log-in.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken
from .services import token_digest

# The last use is recorded at most this often per token: an exact time is not worth a write on every request.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class InvalidToken(Exception):
    """A token was given but is unknown, revoked, malformed, or its owner's account is closed."""


@dataclass(frozen=True)
class Caller:
    user: object  # a User, or AnonymousUser
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja keeps a truthy result of the authentication as request.auth
        return True

    @property
    def is_anonymous(self) -> bool:
        return self.token is None


ANONYMOUS = Caller(AnonymousUser())


def token_caller(secret: str, *, now: datetime.datetime | None = None) -> Caller | None:
    """The owner of an active token, or None. Records the token's use (to the minute)."""
    if not secret or len(secret) > MAX_TOKEN_LENGTH:
        return None
    token = ApiToken.objects.active().select_related("user").filter(digest=token_digest(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Caller(token.user, token)


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`, optional: without the header the caller is anonymous; with a bad one, 401."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            return ANONYMOUS
        scheme, _space, secret = header.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise InvalidToken
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        caller = token_caller(token)
        if caller is None:
            raise InvalidToken
        return caller
