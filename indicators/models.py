"""Indicators of the social-service dimensions and the targets each plan sets for them."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.fields import MeasureField
from kernel.numbers import (
    MAX_RATE_PLACES,
    VIETNAMESE,
    NumberFormatError,
    format_measure,
    format_printed,
    measure_as_printed,
    parse_number,
)
from plans.models.agencies import CoordinatingAgenciesRule
from plans.models.documents import MAX_YEAR, MIN_YEAR


class Dimension(models.Model):
    """A basic social-service dimension (việc làm, y tế, …) or the group of overall poverty-rate targets."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_social_service = models.BooleanField(
        _("social-service dimension"), default=True, help_text=_("Unticked for the overall poverty-rate group.")
    )

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["order"]

    def __str__(self):
        return self.name


class Unit(models.TextChoices):
    PERCENT = "%", "%"
    HOUSEHOLDS = "hộ", _("households (hộ)")
    PEOPLE = "người", _("people (người)")
    WORKERS = "lao động", _("workers (lao động)")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Should rise")
    DECREASE = "decrease", _("Should fall")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="indicators"
    )
    name = models.TextField(_("name"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("desired direction"), max_length=10, choices=Direction.choices)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["dimension__order", "name"]

    def __str__(self):
        return self.name


class PlanIndicator(CoordinatingAgenciesRule, models.Model):
    """An indicator as one plan states it: the text as written, where it stands, who leads it."""

    plan = models.ForeignKey("plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="plan_indicators"
    )
    appendix = models.ForeignKey(
        "plans.Appendix",
        verbose_name=_("appendix"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    section = models.ForeignKey(
        "plans.PlanSection",
        verbose_name=_("section of the plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number as written"), max_length=10, blank=True)
    group_heading = models.CharField(
        _("group heading as written"), max_length=200, blank=True, help_text=_("e.g. “- Chiều thiếu hụt về y tế:”")
    )
    text = models.TextField(_("text as written"))
    lead_agency = models.ForeignKey(
        "plans.Agency",
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_indicators",
    )
    coordinating_agencies = models.ManyToManyField(
        "plans.Agency", verbose_name=_("coordinating agencies"), blank=True, related_name="coordinated_indicators"
    )
    responsible_as_written = models.CharField(
        _("responsible agencies as written"), max_length=300, blank=True, help_text=_("The “Đơn vị thực hiện” cell.")
    )

    class Meta:
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator"],
                name="plan_indicator_once_per_plan",
                violation_error_message=_("This plan already states this indicator."),
            ),
        ]

    def __str__(self):
        return self.text[:100]

    def clean(self):
        errors = {}
        if self.plan_id and self.lead_agency_id and self.lead_agency.province_id != self.plan.province_id:
            errors["lead_agency"] = _("The agency belongs to another province than the plan.")
        errors.update(self.coordinating_agencies_errors())
        if self.plan_id and self.appendix_id and self.appendix.plan_id != self.plan_id:
            errors["appendix"] = _("The appendix belongs to another plan.")
        if self.plan_id and self.section_id and self.section.plan_id != self.plan_id:
            errors["section"] = _("The section belongs to another plan.")
        if errors:
            raise ValidationError(errors)


class ValueKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline (kết quả năm trước)")
    TARGET = "target", _("Target")
    RESULT = "result", _("Result (kết quả thực hiện)")


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    AT_LEAST = "at_least", _("at least (tối thiểu, ít nhất)")
    ABOUT = "about", _("about (khoảng)")
    ABOVE = "above", _("above (trên)")
    BELOW = "below", _("below (dưới)")
    AT_MOST = "at_most", _("at most (tối đa)")
    REDUCE_BY_AT_LEAST = "reduce_by_at_least", _("reduce by at least (giảm từ … trở lên)")


class IndicatorValue(models.Model):
    """One year's value of a plan indicator: a baseline, a target or a result, with its qualifier."""

    plan_indicator = models.ForeignKey(
        PlanIndicator, verbose_name=_("plan indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=ValueKind.choices, default=ValueKind.TARGET)
    value = MeasureField(_("value"))
    # The decimals the document printed the value with ("9,70" where the database holds 9.70 for "9,7" too): pages,
    # workbooks and downloads show it back that way; every computation uses the value. Blank (not recorded): the
    # value's own decimals without final zeros. Not typed by anyone: the seed loader and the write service take it
    # from the value as written.
    value_places = models.PositiveSmallIntegerField(
        _("decimals of the value as published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("How many decimals the document prints the value with (0–2); blank for its own."),
    )
    qualifier = models.CharField(_("qualifier"), max_length=20, choices=Qualifier.choices, default=Qualifier.EXACTLY)
    value_as_written = models.CharField(
        _("value as written"), max_length=200, blank=True, help_text=_("e.g. “khoảng 2.050”, “tối thiểu 1.000 hộ”.")
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("For a result: the report it comes from.")
    )
    source_date = models.DateField(_("date of the source"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["plan_indicator", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_indicator", "year", "kind"],
                name="indicator_value_one_per_year_and_kind",
                violation_error_message=_("This indicator already has a value of this kind for this year."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_value_non_negative",
                violation_error_message=_("A value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(value_places__lte=MAX_RATE_PLACES) | Q(value_places__isnull=True),
                name="indicator_value_places_at_most_two",
                violation_error_message=_("A value is published with at most two decimals."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="indicator_value_year_in_range",
                violation_error_message=_("The year must lie between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.plan_indicator} {self.year}: {self.value}"

    @property
    def value_as_printed(self):
        """The value with the decimals the document printed ("9,70", "100"); the same number as `value`."""
        return measure_as_printed(self.value, self.value_places)

    def rewritten_as_written(self, new: Decimal) -> str:
        """The value as written, with `new` in place of the stored value: “9,7” → “9,5”; “dưới 9%” → “dưới 8%”.

        The wording around the figure (a qualifier, a unit) is kept when the stored figure occurs in it exactly
        once; otherwise — no wording yet, or wording that does not show the figure — it becomes the new figure
        alone. The documents are Vietnamese, so the figure is written the Vietnamese way whatever the interface
        language. Nothing is saved: workflow.services calls this whenever a value changes.
        """
        old, as_written = self.value, self.value_as_written
        with translation.override("vi"):
            # The new figure as typed ("9,70" keeps its zero); the stored one as printed.
            new_text = format_printed(new) if isinstance(new, Decimal) else format_measure(new)
            if old is None or not as_written:
                return new_text
            try:
                if parse_number(as_written, separators=VIETNAMESE) == old:
                    return new_text
            except NumberFormatError:
                pass
            pattern = rf"(?<![\d.,]){re.escape(format_printed(self.value_as_printed))}(?![\d]|[.,]\d)"
            if len(re.findall(pattern, as_written)) == 1:
                return re.sub(pattern, new_text, as_written)
            return new_text

    def clean(self):
        errors = {}
        if self.value is not None:
            if self.value < 0:
                errors["value"] = _("A value cannot be negative.")
            elif (
                self.plan_indicator_id
                and self.plan_indicator.indicator.unit == Unit.PERCENT
                and self.value > Decimal(100)
            ):
                errors["value"] = _("A percentage cannot exceed 100.")
        if self.value_places is not None and not 0 <= self.value_places <= MAX_RATE_PLACES:
            errors["value_places"] = _("A value is published with at most two decimals.")
        if self.year is not None and not MIN_YEAR <= self.year <= MAX_YEAR:
            errors["year"] = _("The year must lie between 1990 and 2100.")
        elif self.year and self.plan_indicator_id and self.kind == ValueKind.TARGET:
            plan = self.plan_indicator.plan
            last = plan.orientation_year or plan.last_year
            if not plan.first_year <= self.year <= last:
                errors["year"] = _("A target of this plan must fall within %(first)s–%(last)s.") % {
                    "first": plan.first_year,
                    "last": last,
                }
        if errors:
            raise ValidationError(errors)
