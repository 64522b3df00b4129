"""The writes of the api app: creating and revoking personal tokens (the API itself never writes)."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.text import normalize

from .models import ApiToken

# Tokens start with this, so that a token pasted where it should not be (a chat, a repository) is recognisable.
TOKEN_PREFIX = "khgn_"
PREFIX_SHOWN = len(TOKEN_PREFIX) + 6
# A person has a handful of systems to connect; more active tokens than this is a mistake or an attack.
MAX_ACTIVE_TOKENS = 20


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the token and its secret, which is shown once and never stored."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Log in to create a token."))
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)s active tokens: revoke one you no longer use first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=normalize(name), prefix=secret[:PREFIX_SHOWN], digest=token_digest(secret))
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens: from now on it is refused. The record stays (when it was used)."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ValidationError(_("This token does not exist or is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.full_clean()
        token.save(update_fields=["revoked_at"])
    return token
