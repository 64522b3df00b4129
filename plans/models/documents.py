"""A plan as the document it is: heading, legal bases, numbered sections, recipients, appendices."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 1990, 2100


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Plan(models.Model):
    province = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"level": 1},
    )
    slug = models.SlugField(_("address in links"), max_length=100, unique=True)
    document_type = models.CharField(_("document type"), max_length=50, default="Kế hoạch")
    number = models.CharField(
        _("number"), max_length=20, blank=True, help_text=_("e.g. 03; blank in a draft that has no number yet.")
    )
    symbol = models.CharField(_("symbol"), max_length=50, blank=True, help_text=_("e.g. KH-UBND"))
    title = models.TextField(_("title"))
    issue_date = models.DateField(
        _("date of issue"), null=True, blank=True, help_text=_("dd/mm/yyyy; blank when unknown.")
    )
    date_as_written = models.CharField(
        _("date as written"), max_length=100, blank=True, help_text=_("e.g. “ngày   tháng 11 năm 2023” in a draft.")
    )
    place = models.CharField(_("place of issue"), max_length=100, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=200)
    signing_capacity = models.TextField(
        _("signing capacity"), blank=True, help_text=_("e.g. “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH”, one per line.")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Shown to anonymous visitors. Unticked: only officials of the province can read it."),
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    orientation_year = models.PositiveSmallIntegerField(
        _("orientation year"), null=True, blank=True, help_text=_("The longer horizon, e.g. “định hướng đến năm 2030”.")
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows the plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
        help_text=_(
            "The earlier plan this one continues, of the same province or of one it succeeded (Thừa Thiên Huế 2024 → "
            "a Thành phố Huế plan)."
        ),
    )
    preamble = models.TextField(_("preamble"), blank=True, help_text=_("The opening paragraph citing the legal bases."))
    closing = models.TextField(_("closing paragraph"), blank=True)
    # A new value whenever the plan's text changes (the plan, its sections, duties, recipients, reporting
    # obligations, policy tasks — plans/signals.py): the plan page keeps its rendering of the text in a cache
    # under this key. A random value, not a counter: a change rolled back never brings an old key back.
    text_revision = models.UUIDField(default=uuid.uuid4, editable=False)
    # A new value in the same transaction as every write that can change what any page of this plan shows — its
    # figures, values, reviews, text, and the localities and agencies it names (workflow/revisions.py). Rendered
    # pages and their ETags are keyed by it (docs/performance.md); random for the same reason as text_revision.
    data_revision = models.UUIDField(_("data revision"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["province__name", "-first_year", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="plan_last_year_not_before_first",
                violation_error_message=_("The last year of the period cannot be before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=MIN_YEAR, last_year__lte=MAX_YEAR),
                name="plan_years_in_range",
                violation_error_message=_("The plan's years must lie between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(orientation_year__isnull=True) | Q(orientation_year__gte=F("last_year")),
                name="plan_orientation_after_period",
                violation_error_message=_("The orientation year cannot be before the end of the period."),
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.province}"

    def get_absolute_url(self):
        return reverse("reports:plan", args=[self.slug])

    @property
    def reference(self) -> str:
        """“Kế hoạch số 03/KH-UBND”; a draft without a number reads “Kế hoạch số …/KH-UBND”."""
        number = f"{self.number or '…'}/{self.symbol}" if self.symbol else self.number or "…"
        return f"{self.document_type} số {number}"

    @property
    def period_label(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def _follows_errors(self) -> dict:
        return _follows_errors_of(self)

    def clean(self):
        errors = {}
        if self.first_year and not MIN_YEAR <= self.first_year <= MAX_YEAR:
            errors["first_year"] = _("Enter a year between 1990 and 2100.")
        if self.last_year and not MIN_YEAR <= self.last_year <= MAX_YEAR:
            errors["last_year"] = _("Enter a year between 1990 and 2100.")
        if self.first_year and self.last_year and self.last_year < self.first_year:
            errors["last_year"] = _("The last year of the period cannot be before the first year.")
        if self.orientation_year and self.last_year and self.orientation_year < self.last_year:
            errors["orientation_year"] = _("The orientation year cannot be before the end of the period.")
        if self.province_id and self.province.level != 1:
            errors["province"] = _("Choose a province-level unit.")
        if self.status == PlanStatus.ISSUED and not self.number:
            errors["number"] = _("An issued plan has a number.")
        if self.follows_id:
            errors.update(self._follows_errors())
        if errors:
            raise ValidationError(errors)


def _follows_errors_of(plan: "Plan") -> dict:
    from localities.lineage import Lineage

    earlier = plan.follows
    if earlier.pk == plan.pk:
        return {"follows": _("A plan cannot follow itself.")}
    if plan.first_year and earlier.first_year > plan.first_year:
        return {"follows": _("The plan it follows must not start later (%(year)s).") % {"year": earlier.first_year}}
    if plan.province_id and earlier.province_id != plan.province_id:
        if earlier.province_id not in Lineage.around([plan.province_id]).ancestors(plan.province_id):
            return {
                "follows": _(
                    "%(province)s is neither this plan's province nor one it succeeded: record the succession of the "
                    "units first."
                )
                % {"province": earlier.province}
            }
    return {}


class LegalBasis(models.Model):
    """A document the plan cites as its basis (căn cứ / thực hiện)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    document_type = models.CharField(_("document type"), max_length=50, help_text=_("e.g. Quyết định, Nghị quyết"))
    number = models.CharField(_("number and symbol"), max_length=50, help_text=_("e.g. 90/QĐ-TTg"))
    issue_date = models.DateField(_("date of issue"), null=True, blank=True)
    issuer = models.CharField(_("issuing authority"), max_length=200, blank=True)
    summary = models.TextField(_("subject"), blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.document_type} số {self.number}"


class SectionKind(models.TextChoices):
    PURPOSE = "purpose", _("Purpose and requirements")
    OBJECTIVES = "objectives", _("Objectives")
    GENERAL_OBJECTIVE = "general_objective", _("General objective")
    SPECIFIC_OBJECTIVE = "specific_objective", _("Specific objective")
    ORIENTATION = "orientation", _("Orientation")
    TASKS = "tasks", _("Tasks and solutions")
    FUNDING = "funding", _("Funding")
    ORGANISATION = "organisation", _("Organisation of implementation")
    REPORTING = "reporting", _("Reporting")
    OTHER = "other", _("Other")


class PlanSection(models.Model):
    """A numbered part of the plan's text, in the document's own numbering (I, 1, 2.1, a, -).

    The sections form a tree (parent) in document order (order among siblings). The numbering is
    kept as written — including the document's own slips (a skipped “V.”, a repeated “d)”).
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=SectionKind.choices, default=SectionKind.OTHER)
    number = models.CharField(_("number as written"), max_length=10, blank=True, help_text=_("e.g. II, 2.1, a, -"))
    heading = models.TextField(_("heading"), blank=True)
    body = models.TextField(_("text"), blank=True)
    lead_agencies = models.ManyToManyField(
        "plans.Agency", verbose_name=_("lead agencies"), blank=True, related_name="led_sections"
    )
    lead_as_written = models.TextField(
        _("lead agencies as written"), blank=True, help_text=_("e.g. “Đơn vị chủ trì thực hiện: Sở Y tế”.")
    )

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["plan", "parent", "order"], name="section_plan_parent_order_idx")]

    def __str__(self):
        text = self.heading or self.body
        return f"{self.number} {text[:80]}".strip()

    def clean(self):
        if self.parent_id and self.plan_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent section belongs to another plan.")})
        if not self.heading and not self.body:
            raise ValidationError({"body": _("A section needs a heading or a text.")})


class Recipient(models.Model):
    """A line of the “Nơi nhận” list, as written."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="recipients")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("recipient"), max_length=300)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["plan", "order"]

    def __str__(self):
        return self.text


class AppendixKind(models.TextChoices):
    HOUSEHOLD_FIGURES = "household_figures", _("Households and poverty rates by locality")
    INDICATOR_TARGETS = "indicator_targets", _("Indicator targets")
    POLICY_TASKS = "policy_tasks", _("Policy tasks")
    OTHER = "other", _("Other")


class Appendix(models.Model):
    """An appendix of the plan (Phụ lục), with its title lines and column headers as published.

    `columns` describes the appendix's data columns in the published order; each entry names the
    header as written and what the column holds, so any province's layout fits without a schema
    change. For a household table: {"header", "year", "kind" (result/target), "field"
    (households / poor_households / poverty_rate / planned_reduction / near_poor_households),
    optional "group" (a merged header above several columns) and "bold"}. For indicator targets:
    {"header", "year", "kind" (baseline/result/target)}. Policy tasks: {"header", "field"}.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="appendices")
    code = models.SlugField(_("code"), max_length=20, help_text=_("Used in links and exports, e.g. 01."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=AppendixKind.choices)
    title = models.TextField(_("title lines"), help_text=_("As published, one line per line."))
    note = models.CharField(
        _("attachment note"), max_length=300, blank=True, help_text=_("e.g. “(Kèm theo Kế hoạch số … của UBND tỉnh)”")
    )
    number_header = models.CharField(_("number column header"), max_length=20, blank=True, default="STT")
    label_header = models.CharField(_("row label header"), max_length=100, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    in_source = models.BooleanField(
        _("included in the source text"),
        default=True,
        help_text=_("Unticked for an appendix the plan refers to but the recorded text does not include."),
    )

    class Meta:
        verbose_name = _("appendix")
        verbose_name_plural = _("appendices")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="appendix_unique_code_in_plan")]

    def __str__(self):
        return self.heading

    @property
    def heading(self) -> str:
        return self.title.splitlines()[0] if self.title else self.code

    @property
    def title_lines(self) -> list[str]:
        return [line for line in self.title.splitlines() if line.strip()]

    @property
    def years(self) -> list[int]:
        return sorted({column["year"] for column in self.columns if column.get("year")})

    def clean(self):
        if not isinstance(self.columns, list) or not all(isinstance(c, dict) and c.get("header") for c in self.columns):
            raise ValidationError({"columns": _("Each column needs at least a “header”.")})
        if self.plan_id and self.kind == AppendixKind.HOUSEHOLD_FIGURES:
            allowed = {"households", "poor_households", "near_poor_households", "poverty_rate", "planned_reduction"}
            for column in self.columns:
                if column.get("field") not in allowed:
                    raise ValidationError(
                        {"columns": _("Unknown column field “%(field)s”.") % {"field": column.get("field")}}
                    )
                if column.get("kind") not in {"result", "target"} or not isinstance(column.get("year"), int):
                    raise ValidationError({"columns": _("A figure column needs a year and a kind (result or target).")})


class AppendixRow(models.Model):
    """A locality row of a household appendix: its number and label as the document prints them."""

    appendix = models.ForeignKey(Appendix, verbose_name=_("appendix"), on_delete=models.CASCADE, related_name="rows")
    locality = models.ForeignKey("localities.Locality", verbose_name=_("locality"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number as written"), max_length=10, blank=True)
    label = models.CharField(_("label as written"), max_length=200, help_text=_("e.g. “Phù Cừ”, “Toàn tỉnh”."))
    is_total = models.BooleanField(_("total row"), default=False)

    class Meta:
        verbose_name = _("appendix row")
        verbose_name_plural = _("appendix rows")
        ordering = ["appendix", "order"]
        constraints = [
            models.UniqueConstraint(fields=["appendix", "locality"], name="appendix_row_unique_locality"),
        ]

    def __str__(self):
        return self.label
