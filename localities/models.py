"""Administrative units (province → district → commune) with their validity periods and successions.

Units are created, renamed, upgraded, merged and abolished (Thừa Thiên Huế became Thành phố Huế on
01/01/2025; the district level ended on 01/07/2025). Names are kept as the documents wrote them and
history is never rewritten: a change is a new unit plus a succession record.
"""


from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.text import clean_input


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    DISTRICT = 2, _("District level")
    COMMUNE = 3, _("Commune level")


class LocalityKind(models.TextChoices):
    PROVINCE = "province", _("Province (tỉnh)")
    MUNICIPALITY = "municipality", _("Centrally-run city (thành phố trực thuộc trung ương)")
    RURAL_DISTRICT = "rural_district", _("Rural district (huyện)")
    TOWN = "town", _("District-level town (thị xã)")
    PROVINCIAL_CITY = "provincial_city", _("Provincial city (thành phố thuộc tỉnh)")
    URBAN_DISTRICT = "urban_district", _("Urban district (quận)")
    COMMUNE = "commune", _("Commune (xã)")
    WARD = "ward", _("Ward (phường)")
    TOWNSHIP = "township", _("Township (thị trấn)")

    @classmethod
    def level_of(cls, kind: str) -> int:
        return KIND_LEVELS[kind]


KIND_LEVELS = {
    LocalityKind.PROVINCE: Level.PROVINCE,
    LocalityKind.MUNICIPALITY: Level.PROVINCE,
    LocalityKind.RURAL_DISTRICT: Level.DISTRICT,
    LocalityKind.TOWN: Level.DISTRICT,
    LocalityKind.PROVINCIAL_CITY: Level.DISTRICT,
    LocalityKind.URBAN_DISTRICT: Level.DISTRICT,
    LocalityKind.COMMUNE: Level.COMMUNE,
    LocalityKind.WARD: Level.COMMUNE,
    LocalityKind.TOWNSHIP: Level.COMMUNE,
}


class LocalityQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)


class Locality(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=LocalityKind.choices)
    # Stored (not only derived from kind) so that the tree can be filtered by level in one query.
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, editable=False)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As officially written, e.g. “Huyện A Lưới”, “TP Hưng Yên”.")
    )
    slug = models.SlugField(_("address in links"), max_length=200, unique=True)
    code = models.CharField(
        _("official code"), max_length=10, blank=True, help_text=_("The administrative unit code, if known.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Blank when not known."))
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Blank while the unit exists."))
    note = models.TextField(_("note"), blank=True)

    objects = LocalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="locality_code_unique_when_given"),
            # The same name twice under one parent, both current: the second is a duplicate (clean() says so, also
            # for provinces, names differing in case only, and overlapping validity periods).
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(valid_to__isnull=True),
                name="locality_current_name_unique_per_parent",
                violation_error_message=_("This unit already exists under the same parent unit."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="locality_validity_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True)
                | Q(level__gt=Level.PROVINCE, parent__isnull=False),
                name="locality_parent_only_below_province",
            ),
        ]
        indexes = [models.Index(fields=["parent", "level"], name="locality_parent_level_idx")]

    def __str__(self):
        # A unit created by a reform often keeps an old name (Tỉnh Hưng Yên from 01/07/2025): its
        # start date tells the two apart in every list.
        if self.valid_from:
            return _("%(name)s (from %(date)s)") % {"name": self.name, "date": self.valid_from.strftime("%d/%m/%Y")}
        return self.name

    def save(self, *args, **kwargs):
        self.level = LocalityKind.level_of(self.kind)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:locality", args=[self.slug])

    def clean(self):
        errors = {}
        self.name = clean_input(self.name or "").strip()
        duplicate = self._same_name_sibling()
        if duplicate is not None:
            errors["name"] = _("“%(name)s” already exists under %(parent)s: the same unit cannot be entered twice.") % {
                "name": duplicate.name,
                "parent": self.parent.name if self.parent_id else _("the country"),
            }
        if self.kind:
            self.level = LocalityKind.level_of(self.kind)
            if self.level == Level.PROVINCE and self.parent_id:
                errors["parent"] = _("A province-level unit has no parent unit.")
            elif self.level > Level.PROVINCE and not self.parent_id:
                errors["parent"] = _("A district- or commune-level unit needs its parent unit.")
            elif self.parent_id and self.parent.level != self.level - 1:
                errors["parent"] = _("The parent of a %(level)s unit must be one level up.") % {
                    "level": self.get_level_display().lower()
                }
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if errors:
            raise ValidationError(errors)

    def _same_name_sibling(self) -> "Locality | None":
        """A unit of the same name (compared case-insensitively, NFC) under the same parent, valid at the same time."""
        if not self.name:
            return None
        wanted = self.name.casefold()
        siblings = Locality.objects.filter(parent_id=self.parent_id, name__iexact=self.name).exclude(pk=self.pk)
        for sibling in siblings:
            if sibling.name.casefold() != wanted:
                continue
            starts_before_end = not (self.valid_to and sibling.valid_from and sibling.valid_from > self.valid_to)
            ends_after_start = not (self.valid_from and sibling.valid_to and sibling.valid_to < self.valid_from)
            if starts_before_end and ends_after_start:
                return sibling
        return None

    @property
    def province(self) -> "Locality":
        unit = self
        while unit.parent_id:
            unit = unit.parent
        return unit


class SuccessionKind(models.TextChoices):
    RENAME = "rename", _("Renamed")
    UPGRADE = "upgrade", _("Upgraded")
    MERGE = "merge", _("Merged into")
    SPLIT = "split", _("Split into")
    ABOLISH = "abolish", _("Abolished, duties taken over by")


class LocalitySuccession(models.Model):
    """One unit taking over (all or part of) another: one-to-many and many-to-one both fit."""

    predecessor = models.ForeignKey(
        Locality, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Locality, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="predecessions"
    )
    kind = models.CharField(_("kind of change"), max_length=10, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("locality succession")
        verbose_name_plural = _("locality successions")
        ordering = ["effective_date", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"

    def clean(self):
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            raise ValidationError({"successor": _("A unit cannot succeed itself.")})
