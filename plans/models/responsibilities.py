"""Who does what: each agency's duties (Tổ chức thực hiện), policy tasks and reporting obligations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agencies import CoordinatingAgenciesRule
from .documents import MAX_YEAR, MIN_YEAR


class AgencyResponsibility(models.Model):
    """One numbered item of the organisation section: an agency and its list of duties."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    agency = models.ForeignKey(
        "plans.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number as written"), max_length=10, blank=True)
    heading = models.CharField(
        _("heading as written"), max_length=300, help_text=_("e.g. “Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh…”.")
    )

    class Meta:
        verbose_name = _("agency responsibility")
        verbose_name_plural = _("agency responsibilities")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "agency"], name="responsibility_one_per_agency_in_plan"),
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}".lstrip(". ")

    def clean(self):
        if self.plan_id and self.agency_id and self.agency.province_id != self.plan.province_id:
            raise ValidationError({"agency": _("The agency belongs to another province than the plan.")})


class Duty(models.Model):
    """One duty of an agency, in the document's marking (a, b, -), with the programme projects it leads."""

    responsibility = models.ForeignKey(
        AgencyResponsibility, verbose_name=_("agency responsibility"), on_delete=models.CASCADE, related_name="duties"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    marker = models.CharField(_("marker as written"), max_length=10, blank=True, help_text=_("e.g. a, b, -"))
    text = models.TextField(_("duty"))
    led_projects = models.ManyToManyField(
        "plans.ProgramProject",
        verbose_name=_("programme projects led"),
        blank=True,
        related_name="lead_duties",
        help_text=_("The National Target Programme projects this duty makes the agency lead."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["responsibility", "order"]

    def __str__(self):
        return f"{self.marker} {self.text[:80]}".strip()


class PolicyTask(CoordinatingAgenciesRule, models.Model):
    """A policy to be drafted (Hưng Yên's Phụ lục 03): task, lead, coordinating agencies, deadline, note."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="policy_tasks"
    )
    appendix = models.ForeignKey(
        "plans.Appendix",
        verbose_name=_("appendix"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policy_tasks",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number as written"), max_length=10, blank=True)
    text = models.TextField(_("task"))
    lead_agency = models.ForeignKey(
        "plans.Agency", verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="led_policy_tasks"
    )
    lead_as_written = models.CharField(_("lead agency as written"), max_length=300, blank=True)
    coordinating_agencies = models.ManyToManyField(
        "plans.Agency", verbose_name=_("coordinating agencies"), blank=True, related_name="coordinated_policy_tasks"
    )
    coordinating_as_written = models.CharField(_("coordinating agencies as written"), max_length=300, blank=True)
    deadline_as_written = models.CharField(_("deadline as written"), max_length=100, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"), null=True, blank=True)
    deadline_date = models.DateField(_("deadline date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("policy task")
        verbose_name_plural = _("policy tasks")
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_year__isnull=True) | Q(deadline_year__gte=MIN_YEAR, deadline_year__lte=MAX_YEAR),
                name="policy_task_deadline_year_in_range",
                violation_error_message=_("The deadline year must lie between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}".lstrip(". ")

    def clean(self):
        errors = {}
        if self.deadline_year is not None and not MIN_YEAR <= self.deadline_year <= MAX_YEAR:
            errors["deadline_year"] = _("The deadline year must lie between 1990 and 2100.")
        if self.deadline_year and self.deadline_date and self.deadline_date.year != self.deadline_year:
            errors["deadline_date"] = _("The deadline date is not in the deadline year.")
        if self.plan_id and self.lead_agency_id and self.lead_agency.province_id != self.plan.province_id:
            errors["lead_agency"] = _("The agency belongs to another province than the plan.")
        errors.update(self.coordinating_agencies_errors())
        if self.appendix_id and self.plan_id and self.appendix.plan_id != self.plan_id:
            errors["appendix"] = _("The appendix belongs to another plan.")
        if errors:
            raise ValidationError(errors)


class ReportingFrequency(models.TextChoices):
    ONCE = "once", _("Once, by the due date")
    ANNUAL = "annual", _("Annual")
    PERIODIC = "periodic", _("Periodic")
    AS_NEEDED = "as_needed", _("When problems arise")


class ReportingObligation(models.Model):
    """Who reports what to whom by when (Chế độ báo cáo): 30/11/2024 and 05/12/2024 in Thừa Thiên Huế's plan."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reporting_obligations"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number as written"), max_length=10, blank=True)
    text = models.TextField(_("text as written"))
    reporters = models.ManyToManyField(
        "plans.Agency", verbose_name=_("reporting agencies"), blank=True, related_name="reporting_obligations"
    )
    reporters_as_written = models.CharField(_("who reports, as written"), max_length=300, blank=True)
    recipient_as_written = models.CharField(_("to whom, as written"), max_length=300, blank=True)
    via_agency = models.ForeignKey(
        "plans.Agency",
        verbose_name=_("through"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compiled_reports",
        help_text=_("The agency that receives and compiles the reports."),
    )
    subject = models.CharField(_("what is reported"), max_length=300, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=ReportingFrequency.choices, default=ReportingFrequency.ONCE
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reported_on = models.DateField(
        _("reported on"), null=True, blank=True, help_text=_("When the report was sent; empty while it is due.")
    )
    report_note = models.CharField(_("report reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["plan", "order"]

    def __str__(self):
        due = f" — {self.due_date:%d/%m/%Y}" if self.due_date else ""
        return f"{self.reporters_as_written or self.text[:60]}{due}"

    def clean(self):
        if self.frequency == ReportingFrequency.ONCE and not self.due_date:
            raise ValidationError({"due_date": _("A one-off report needs a due date.")})
