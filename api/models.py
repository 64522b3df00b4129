"""Personal access tokens for the read API: created and revoked by their owner, stored hashed, shown once."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A token that lets another system read the API as its owner: the owner's roles decide what it sees.

    Only a SHA-256 digest of the secret is stored: the secret is 256 random bits, so a fast hash is enough (a slow
    password hash would cost every API request tens of milliseconds for no gain against guessing). The first
    characters are kept in clear to tell one's tokens apart on the page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “Provincial dashboard”.")
    )
    prefix = models.CharField(_("beginning of the token"), max_length=16, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["digest"], name="api_token_digest_unique"),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_token_name_not_blank",
                violation_error_message=_("Give the token a name."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_token_revoked_after_creation",
                violation_error_message=_("A token cannot be revoked before it was created."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        errors = {}
        if not (self.name or "").strip():
            errors["name"] = _("Give the token a name.")
        if self.revoked_at and self.created_at and self.revoked_at < self.created_at:
            errors["revoked_at"] = _("A token cannot be revoked before it was created.")
        if errors:
            raise ValidationError(errors)
