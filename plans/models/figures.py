"""Yearly household figures of a locality, as a plan publishes them: review results and targets."""

import functools

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.fields import CountField, RateField
from kernel.numbers import MAX_RATE_PLACES, as_printed, compute_rate, format_count

from .documents import MAX_YEAR, MIN_YEAR
from .standards import standard_code_for_year, standard_label, standard_periods


class FigureKind(models.TextChoices):
    RESULT = "result", _("Result (kết quả)")
    TARGET = "target", _("Target (dự kiến / phấn đấu)")


# The standard of the seed plans and the default of a figure whose year needs no other: Nghị định 07/2021/NĐ-CP.
DEFAULT_STANDARD = "nd07_2021"


# What clean()'s rules read of a figure (HouseholdFigure.rule_errors).
RULE_ATTRIBUTES = (
    "households",
    "poor_households",
    "near_poor_households",
    "planned_reduction",
    "published_rate",
    "published_rate_places",
    "year",
    "kind",
    "standard_id",
)


class HouseholdFigure(models.Model):
    """Households, poor households and the poverty rate of one locality in one year, from one plan.

    A result is what the annual review found; a target is what the plan sets. Both come from a plan
    (the one that publishes or sets them), so the same locality and year can carry one figure per
    plan and kind. Published figures are stored as published, including rates that disagree with
    their counts; the data-quality report shows such disagreements.
    """

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="household_figures",
        help_text=_("The plan that sets this target, or that publishes this result."),
    )
    locality = models.ForeignKey(
        "localities.Locality", verbose_name=_("locality"), on_delete=models.PROTECT, related_name="household_figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=FigureKind.choices)
    households = CountField(
        _("households"), null=True, blank=True, help_text=_("Tổng số hộ dân cư; blank when unknown.")
    )
    poor_households = CountField(_("poor households"), null=True, blank=True)
    near_poor_households = CountField(_("near-poor households"), null=True, blank=True)
    published_rate = RateField(
        _("poverty rate as published (%)"),
        null=True,
        blank=True,
        help_text=_("As the document prints it; kept even where the counts give another value."),
    )
    # The decimals the document printed the rate with (Hưng Yên prints "1,2" where others print "1,20"): pages,
    # workbooks and downloads show it back that way; every computation uses the value. Blank: two, the default.
    # Not typed by anyone (so not in forms, nor a change of its own in the change log): the seed loader and the
    # write service take it from the rate as written.
    published_rate_places = models.PositiveSmallIntegerField(
        _("decimals of the published rate"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("How many decimals the document prints the rate with (0–2); blank for two."),
    )
    planned_reduction = CountField(
        _("planned reduction in poor households"), null=True, blank=True, help_text=_("Số hộ nghèo giảm, as published.")
    )
    # Stored by the standard's code (the column holds the same values as when it was a fixed list of choices).
    standard = models.ForeignKey(
        "plans.PovertyStandard",
        verbose_name=_("poverty standard"),
        to_field="code",
        db_column="standard",
        on_delete=models.PROTECT,
        related_name="figures",
        default=DEFAULT_STANDARD,
        help_text=_("The standard the figure was measured under; figures of two standards are not comparable."),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("For a result: the review or report it comes from.")
    )
    # A baseline filled from the predecessors' figures re-aggregated onto this unit (analysis.lineage): shown as
    # derived until a reviewer confirms it (or enters the figure of the review itself).
    is_derived = models.BooleanField(
        _("derived, not yet confirmed"),
        default=False,
        help_text=_("Filled from the predecessors' figures; untick to confirm it."),
    )
    source_date = models.DateField(_("date of the source"), null=True, blank=True)
    # Optimistic locking: a save that started from an older version is refused, never lost silently.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("household figure")
        verbose_name_plural = _("household figures")
        ordering = ["plan", "locality__level", "locality__name", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "locality", "year", "kind"],
                name="figure_one_per_locality_year_kind_plan",
                violation_error_message=_("This plan already has a figure of this kind for this locality and year."),
            ),
            models.CheckConstraint(
                condition=Q(households__gte=0) | Q(households__isnull=True),
                name="figure_households_non_negative",
                violation_error_message=_("The number of households cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(poor_households__gte=0) | Q(poor_households__isnull=True),
                name="figure_poor_households_non_negative",
                violation_error_message=_("The number of poor households cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(near_poor_households__gte=0) | Q(near_poor_households__isnull=True),
                name="figure_near_poor_households_non_negative",
                violation_error_message=_("The number of near-poor households cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_reduction__gte=0) | Q(planned_reduction__isnull=True),
                name="figure_planned_reduction_non_negative",
                violation_error_message=_("The planned reduction cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(poor_households__lte=F("households"))
                | Q(poor_households__isnull=True)
                | Q(households__isnull=True),
                name="figure_poor_not_above_households",
                violation_error_message=_("There cannot be more poor households than households."),
            ),
            models.CheckConstraint(
                condition=Q(near_poor_households__lte=F("households"))
                | Q(near_poor_households__isnull=True)
                | Q(households__isnull=True),
                name="figure_near_poor_not_above_households",
                violation_error_message=_("There cannot be more near-poor households than households."),
            ),
            models.CheckConstraint(
                condition=Q(published_rate__gte=0, published_rate__lte=100) | Q(published_rate__isnull=True),
                name="figure_rate_between_0_and_100",
                violation_error_message=_("A poverty rate lies between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=Q(published_rate_places__lte=MAX_RATE_PLACES) | Q(published_rate_places__isnull=True),
                name="figure_rate_places_at_most_two",
                violation_error_message=_("A rate is published with at most two decimals."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="figure_year_in_range",
                violation_error_message=_("The year must lie between 1990 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["locality", "year"], name="figure_locality_year_idx")]

    def __str__(self):
        return f"{self.locality} {self.year} ({self.get_kind_display()})"

    @property
    def computed_rate(self):
        """The rate from the counts (2 decimals, half-up); None where the household total is unknown."""
        return compute_rate(self.poor_households, self.households)

    @property
    def standard_label(self) -> str:
        """The standard it was measured under, as pages name it (no query: the standards are read once)."""
        return standard_label(self.standard_id)

    @property
    def published_rate_as_printed(self):
        """The published rate with the decimals the document printed ("1,2"); the same number as `published_rate`."""
        return as_printed(self.published_rate, self.published_rate_places)

    @property
    def poverty_rate(self):
        """The rate to use: computed where the counts allow it, else the published one."""
        computed = self.computed_rate
        return computed if computed is not None else self.published_rate_as_printed

    def clean(self):
        values = {name: getattr(self, name) for name in RULE_ATTRIBUTES}
        # The plan only where a rule reads it (a target's period): no query for a result whose plan is not loaded.
        plan = self.plan if self.plan_id and self.kind == FigureKind.TARGET and self.year else None
        errors = self.rule_errors(values, plan, adding=self._state.adding)
        self.standard_id = values["standard_id"]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def rule_errors(cls, values: dict, plan, *, adding: bool) -> dict:
        """clean()'s rules on a figure's plain values (the attributes of RULE_ATTRIBUTES): its messages by field.

        The one statement of the rules, for clean() and for the bulk checks of an import (validate_stored), which
        need no model instance per figure. A new figure (`adding`) left at the default standard gets the standard in
        force for its year: `values["standard_id"]` is changed then. `plan`: the figure's plan (for a target's
        period), or None where it is not at hand and not needed.
        """
        errors = {}
        for field in ("households", "poor_households", "near_poor_households", "planned_reduction"):
            value = values[field]
            if value is not None and value < 0:
                errors[field] = _("%(field)s cannot be negative.") % {
                    "field": cls._meta.get_field(field).verbose_name.capitalize()
                }
        if "poor_households" not in errors and None not in (values["poor_households"], values["households"]):
            if values["poor_households"] > values["households"]:
                errors["poor_households"] = _(
                    "There cannot be more poor households (%(poor)s) than households (%(households)s)."
                ) % {
                    "poor": format_count(values["poor_households"]),
                    "households": format_count(values["households"]),
                }
        if "near_poor_households" not in errors and None not in (values["near_poor_households"], values["households"]):
            if values["near_poor_households"] > values["households"]:
                errors["near_poor_households"] = _("There cannot be more near-poor households than households.")
        if values["published_rate"] is not None and not 0 <= values["published_rate"] <= 100:
            errors["published_rate"] = _("A poverty rate lies between 0 and 100%.")
        if values["published_rate_places"] is not None and not 0 <= values["published_rate_places"] <= MAX_RATE_PLACES:
            errors["published_rate_places"] = _("A rate is published with at most two decimals.")
        if values["year"] is not None and not MIN_YEAR <= values["year"] <= MAX_YEAR:
            errors["year"] = _("The year must lie between 1990 and 2100.")
        if values["kind"] == FigureKind.TARGET and plan is not None and values["year"]:
            last = plan.orientation_year or plan.last_year
            if not plan.first_year <= values["year"] <= last:
                errors["year"] = _("A target of this plan must fall within %(first)s–%(last)s.") % {
                    "first": plan.first_year,
                    "last": last,
                }
        if values["standard_id"] and values["year"] and "year" not in errors:
            periods = standard_periods()
            if adding and values["standard_id"] == DEFAULT_STANDARD:
                # A new figure left at the default gets the standard in force for its year (a 2027 target: the
                # 2027–2030 standard), so that the grids and the import need not ask.
                values["standard_id"] = standard_code_for_year(values["year"]) or DEFAULT_STANDARD
            first, last, basis = periods.get(values["standard_id"], (None, None, values["standard_id"]))
            if first is None:
                # Said here, from the standards read once, so that bulk writes may skip the foreign key's own check
                # (a query per figure).
                errors["standard"] = _("%(standard)s is not a known poverty standard.") % {"standard": basis}
            elif not first <= values["year"] <= last:
                errors["standard"] = _(
                    "The poverty standard %(standard)s measures the years %(period)s, not %(year)s: choose the "
                    "standard in force for %(year)s."
                ) % {"standard": basis, "period": f"{first}–{last}", "year": values["year"]}
        if values["poor_households"] is None and values["published_rate"] is None and values["households"] is None:
            errors["poor_households"] = _("Enter at least the households, the poor households or the rate.")
        return errors

    @classmethod
    def validate_stored(cls, values: dict, plan, written) -> None:
        """What full_clean() checks of a stored figure whose `written` fields change, on its plain values: each written
        field as clean_fields() checks it (its converted value put back in `values`), then clean()'s rules
        (rule_errors); ValidationError with the same messages. Uniqueness is the stored row's; the check constraints
        restate these rules and the database enforces them. An import validates 10.000 figures this way without
        building and full_clean()ing a model instance each (a third of reading its rows)."""
        errors = {}
        for field in _validated_fields(frozenset(written)):
            raw = values[field.attname]
            if field.blank and raw in field.empty_values:
                continue
            try:
                values[field.attname] = field.clean(raw, None)
            except ValidationError as error:
                errors[field.name] = error.error_list
        rules = cls.rule_errors(values, plan, adding=False)
        if rules:
            errors = ValidationError(rules).update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


# Never validated field by field here: the plan and the locality are rows already read, the standard is checked by the
# rules against the standards read once (a foreign key's own check is a query per figure).
UNVALIDATED_FIELDS = frozenset({"plan", "locality", "standard"})


@functools.lru_cache(maxsize=64)
def _validated_fields(written: frozenset) -> tuple:
    """The fields full_clean() would check one by one in a stored figure whose `written` fields change (names or
    attnames), in the model's order: the few kinds of writes an import or a grid makes, worked out once each."""
    return tuple(
        field
        for field in HouseholdFigure._meta.concrete_fields
        if (field.name in written or field.attname in written) and field.name not in UNVALIDATED_FIELDS
    )
