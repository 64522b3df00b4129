from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Provincial department (sở)")
    PROVINCIAL_BODY = "provincial_body", _("Other provincial body")
    BANK = "bank", _("Bank")
    FRONT = "front", _("Fatherland Front or mass organisation")
    GROUP = "group", _("Group of agencies")


class Agency(models.Model):
    """An agency of a province, reused by all of that province's plans.

    Collective addressees ("UBND các huyện, thị xã, thành phố", "Các sở, ban, ngành cấp tỉnh") are
    agencies of kind GROUP: plans assign duties to them like to any other agency.
    """

    province = models.ForeignKey(
        "localities.Locality",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="agencies",
        limit_choices_to={"level": 1},
    )
    name = models.CharField(_("full name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address in links"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        help_text=_("The agency that took over its duties (e.g. after the 2025 reorganisation)."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["province__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_unique_name_in_province"),
            models.UniqueConstraint(fields=["province", "slug"], name="agency_unique_slug_in_province"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_validity_period_ordered",
            ),
        ]

    def __str__(self):
        # With its province: three “Sở Y tế” in a choice list are told apart (the admin reads agencies with their
        # province, AgencyAdmin.get_queryset).
        return f"{self.name} — {self.province.name}" if self.province_id else self.name

    def get_absolute_url(self):
        return reverse("reports:agency", args=[self.province.slug, self.slug])

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity cannot be before its start.")})


def coordinating_agencies_error(agencies, province_id) -> ValidationError | None:
    """The refusal of coordinating agencies of another province than the plan's (the lead agency's rule, for the
    many-to-many field): a plan's agencies are its own province's. None when all belong to the province."""
    strangers = [agency for agency in agencies if agency.province_id != province_id]
    if not strangers:
        return None
    return ValidationError(
        _("These coordinating agencies belong to another province than the plan: %(agencies)s."),
        code="agency_of_another_province",
        params={"agencies": "; ".join(str(agency) for agency in strangers)},
    )


class CoordinatingAgenciesRule:
    """Mixin of the models with a plan and coordinating agencies (PlanIndicator, PolicyTask).

    A many-to-many field is written after the row, so clean() checks the agencies a form is about to set
    (`pending_coordinating_agencies`, set by CoordinatingAgenciesForm) or, failing that, those already stored; the
    m2m_changed guard (`refuse_coordinating_agencies_of_another_province`) refuses any other way of adding them.
    """

    pending_coordinating_agencies = None

    def coordinating_agencies_errors(self) -> dict:
        try:  # by the object: on a new plan's admin page, its inlines' rows name a plan not saved yet
            province_id = self.plan.province_id
        except ObjectDoesNotExist:
            return {}
        agencies = self.pending_coordinating_agencies
        if agencies is None:
            if not self.pk:
                return {}
            agencies = self.coordinating_agencies.select_related("province")
        error = coordinating_agencies_error(agencies, province_id)
        return {"coordinating_agencies": error} if error else {}


def refuse_coordinating_agencies_of_another_province(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed guard: adding a coordinating agency of another province than the plan's raises the clean()
    message, whichever code adds it (admin, seed loader, shell)."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # agency.coordinated_….add(task, …): the rows named must be plans of the agency's province
        rows = model.objects.filter(pk__in=pk_set).exclude(plan__province_id=instance.province_id)
        if rows.exists():
            raise coordinating_agencies_error([instance], rows.first().plan.province_id)
        return
    agencies = model.objects.filter(pk__in=pk_set).select_related("province")
    error = coordinating_agencies_error(agencies, instance.plan.province_id)
    if error:
        raise error


class AgencySuccession(models.Model):
    """An agency's duties passing to another (Sở LĐ-TB&XH → Sở Nông nghiệp và Môi trường for poverty reduction,
    Sở Nội vụ for labour, … from 01/03/2025): one-to-many, with the duties that moved."""

    predecessor = models.ForeignKey(
        Agency, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="agency_successions"
    )
    successor = models.ForeignKey(
        Agency, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="agency_predecessions"
    )
    effective_date = models.DateField(_("effective date"))
    duties = models.CharField(
        _("duties taken over"), max_length=300, blank=True, help_text=_("e.g. “giảm nghèo”, “lao động, việc làm”.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agency succession")
        verbose_name_plural = _("agency successions")
        ordering = ["effective_date", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="agency_succession_unique_pair"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="agency_succession_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name} ({self.effective_date:%d/%m/%Y})"

    def clean(self):
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor": _("An agency cannot succeed itself.")})


class ProgramProject(models.Model):
    """A project or sub-project of a National Target Program (e.g. Dự án 4, Tiểu dự án 2 của Dự án 6)."""

    program = models.CharField(_("programme"), max_length=300)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("e.g. DA4, DA6.2"))
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("programme project")
        verbose_name_plural = _("programme projects")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name
