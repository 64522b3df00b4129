"""Roles with scopes, and the review state of each part of a plan's tables.

A reviewer of a province's labour department may change every figure and target of that
province's plans and approve them; a locality official only their own district's (or, since the
2025 reform, commune's) rows; an agency officer only the indicators their agency leads. One user may
hold several scopes. Administrators are Django superusers.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer (provincial labour department)")
    LOCALITY_OFFICIAL = "locality_official", _("Locality official")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    READER = "reader", _("Reader")


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    province = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": 1},
        help_text=_("For reviewers and readers."),
    )
    locality = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("district or commune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level__gt": 1},
        help_text=_("For locality officials."),
    )
    agency = models.ForeignKey(
        "plans.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("For agency officers."),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="reviewer") | Q(province__isnull=False, locality__isnull=True, agency__isnull=True),
                name="role_reviewer_scoped_to_a_province",
                violation_error_message=_("A reviewer is assigned to a province."),
            ),
            models.CheckConstraint(
                condition=~Q(role="locality_official")
                | Q(locality__isnull=False, province__isnull=True, agency__isnull=True),
                name="role_locality_official_scoped_to_a_locality",
                violation_error_message=_("A locality official is assigned to a district or commune."),
            ),
            models.CheckConstraint(
                condition=~Q(role="agency_officer")
                | Q(agency__isnull=False, province__isnull=True, locality__isnull=True),
                name="role_agency_officer_scoped_to_an_agency",
                violation_error_message=_("An agency officer is assigned to an agency."),
            ),
            models.CheckConstraint(
                condition=~Q(role="reader") | Q(locality__isnull=True, agency__isnull=True),
                name="role_reader_scoped_to_a_province_at_most",
                violation_error_message=_("A reader is assigned to a province, or to none."),
            ),
        ]

    def __str__(self):
        scope = self.province or self.locality or self.agency
        return f"{self.user} — {self.get_role_display()}{f' — {scope}' if scope else ''}"

    def clean(self):
        required = {
            Role.REVIEWER: ("province", _("Choose the province this reviewer reviews.")),
            Role.LOCALITY_OFFICIAL: ("locality", _("Choose the official's district or commune.")),
            Role.AGENCY_OFFICER: ("agency", _("Choose the officer's agency.")),
        }
        errors = {}
        if self.role in required:
            field, message = required[self.role]
            if getattr(self, f"{field}_id") is None:
                errors[field] = message
        for field in ("province", "locality", "agency"):
            expected = required.get(self.role, ("province", None))[0]
            if field != expected and getattr(self, f"{field}_id") is not None:
                errors[field] = _("This role is not scoped by this field; leave it empty.")
        if errors:
            raise ValidationError(errors)


class Table(models.TextChoices):
    DISTRICTS = "districts", _("District table")
    INDICATORS = "indicators", _("Indicator table")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REOPENED = "reopened", _("Reopened")


class TableReview(models.Model):
    """Where one part of a plan's table stands: a district's rows of the district table, or the indicator table.

    Approval locks the part for everybody until a reviewer reopens it; after reopening, every change
    needs a reason. A part without a review row is a draft.
    """

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reviews")
    table = models.CharField(_("table"), max_length=20, choices=Table.choices)
    locality = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("locality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The district whose rows this is; empty for the indicator table."),
    )
    state = models.CharField(_("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    comment = models.TextField(_("comment"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("last approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("table review")
        verbose_name_plural = _("table reviews")
        ordering = ["plan", "table", "locality__name"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite does not support.
            models.UniqueConstraint(
                fields=["plan", "table", "locality"],
                condition=Q(locality__isnull=False),
                name="table_review_one_per_district",
            ),
            models.UniqueConstraint(
                fields=["plan", "table"], condition=Q(locality__isnull=True), name="table_review_one_per_table"
            ),
            models.CheckConstraint(
                condition=Q(table="indicators", locality__isnull=True) | Q(table="districts", locality__isnull=False),
                name="table_review_locality_only_for_districts",
            ),
        ]

    def __str__(self):
        part = f" — {self.locality}" if self.locality_id else ""
        return f"{self.plan} — {self.get_table_display()}{part}: {self.get_state_display()}"

    @property
    def is_locked(self) -> bool:
        return self.state == ReviewState.APPROVED


class ReviewEvent(models.Model):
    """One step of a review: never edited, the trail of who moved a table where and why."""

    review = models.ForeignKey(TableReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=10, choices=ReviewState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=ReviewState.choices)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        ordering = ["review", "at", "pk"]

    def __str__(self):
        return f"{self.review}: {self.get_from_state_display()} → {self.get_to_state_display()}"


class SiteRevision(models.Model):
    """One row: a new value whenever data that no single plan owns changes (localities, successions, agencies,
    the catalogue). The pages that span plans (home, locality, agency) are keyed by it together with every plan's
    `Plan.data_revision` (workflow/revisions.py)."""

    value = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("site revision")
        verbose_name_plural = _("site revisions")
        ordering = ["pk"]

    def __str__(self):
        return str(self.value)
