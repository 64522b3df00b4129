"""Administrative units with their validity periods and successions, as the law had them on each date.

Until 30/06/2025 local government had three levels (province → district → commune); from 01/07/2025 two
(province → commune, ward, special zone). Units are created, renamed, upgraded, merged, split and abolished
(Thừa Thiên Huế became Thành phố Huế on 01/01/2025; the district level ended on 01/07/2025). Names are kept as
the documents wrote them and history is never rewritten: a change is a new unit plus a succession record.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kernel.numbers import format_measure
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
    SPECIAL_ZONE = "special_zone", _("Special zone (đặc khu)")

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
    LocalityKind.SPECIAL_ZONE: Level.COMMUNE,
}

# The two-level local government (Luật Tổ chức chính quyền địa phương 2025): from this day communes, wards and
# special zones sit directly under their province; before it, under a district.
TWO_LEVEL_FROM = datetime.date(2025, 7, 1)


def parent_levels(valid_from: datetime.date | None, valid_to: datetime.date | None, level: int) -> set[int]:
    """The levels a unit's parent may have, given the structures in force during the unit's validity period.

    A commune-level unit valid before 01/07/2025 sits under a district; one valid from that day, under a province.
    A unit whose period spans the day (its dates unknown) may have either: one parent field cannot hold both, and
    the record of the old units is kept as the documents give it.
    """
    if level == Level.PROVINCE:
        return set()
    if level == Level.DISTRICT:
        return {Level.PROVINCE}
    allowed = set()
    if valid_from is None or valid_from < TWO_LEVEL_FROM:
        allowed.add(Level.DISTRICT)
    if valid_to is None or valid_to >= TWO_LEVEL_FROM:
        allowed.add(Level.PROVINCE)
    return allowed


def periods_overlap(a_from, a_to, b_from, b_to) -> bool:
    """Whether two validity periods (None: open) share at least one day."""
    return (a_to is None or b_from is None or b_from <= a_to) and (b_to is None or a_from is None or a_from <= b_to)


class LocalityQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def valid_on(self, day: datetime.date):
        """The units in force on a day (open ends count as valid)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


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
            # A code can pass to a new unit (the new Hưng Yên keeps 33, the old one had it until 30/06/2025): unique
            # among the units valid on one day. The database holds what a constraint can say — two units with the
            # same code cannot start on the same day; clean() checks that their periods do not overlap.
            models.UniqueConstraint(
                fields=["code", "valid_from"], condition=~Q(code=""), name="locality_code_unique_per_start"
            ),
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
            date = date_format(self.valid_from, "SHORT_DATE_FORMAT")
            return _("%(name)s (from %(date)s)") % {"name": self.name, "date": date}
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
            elif self.parent_id:
                errors.update(self._parent_errors())
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end of validity cannot be before its start.")
        if self.code and "valid_to" not in errors:
            clash = self._code_clash()
            if clash is not None:
                errors["code"] = _("The code %(code)s is already used by %(unit)s during this validity period.") % {
                    "code": self.code,
                    "unit": clash,
                }
        if errors:
            raise ValidationError(errors)

    def _parent_errors(self) -> dict:
        parent = self.parent
        allowed = parent_levels(self.valid_from, self.valid_to, self.level)
        if parent.level not in allowed:
            if self.level == Level.COMMUNE and Level.PROVINCE in allowed:
                message = _(
                    "Until 30/06/2025 a commune-level unit sits under a district-level unit; from 01/07/2025 directly "
                    "under a province-level unit. Check the parent and the validity dates."
                )
            elif self.level == Level.COMMUNE:
                message = _(
                    "A commune-level unit valid before 01/07/2025 sits under a district-level unit: choose its "
                    "district, or set its validity from 01/07/2025."
                )
            else:
                message = _("The parent of a %(level)s unit must be one level up.") % {
                    "level": self.get_level_display().lower()
                }
            return {"parent": message}
        if not periods_overlap(self.valid_from, self.valid_to, parent.valid_from, parent.valid_to):
            return {"parent": _("%(parent)s was not in force during this unit's validity period.") % {"parent": parent}}
        return {}

    def _code_clash(self) -> "Locality | None":
        others = Locality.objects.filter(code=self.code).exclude(pk=self.pk)
        for other in others.only("name", "valid_from", "valid_to"):
            if periods_overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                return other
        return None

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def _same_name_sibling(self) -> "Locality | None":
        """A unit of the same name (compared case-insensitively, NFC) under the same parent, valid at the same time."""
        if not self.name:
            return None
        wanted = self.name.casefold()
        siblings = Locality.objects.filter(parent_id=self.parent_id, name__iexact=self.name).exclude(pk=self.pk)
        for sibling in siblings:
            if sibling.name.casefold() != wanted:
                continue
            if periods_overlap(self.valid_from, self.valid_to, sibling.valid_from, sibling.valid_to):
                return sibling
        return None

    @property
    def province(self) -> "Locality":
        unit = self
        while unit.parent_id:
            unit = unit.parent
        return unit


def counted_share(kind: str, share_percent: Decimal | None) -> Decimal:
    """A succession's share of households as the 100 % check counts it: blank is all, except in a split (unknown)."""
    if share_percent is not None:
        return share_percent
    return Decimal(0) if kind == "split" else Decimal(100)


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
    # The share of the predecessor's households that went to this successor. Blank: all of them — except in a split,
    # where blank means unknown (the official conversion often gives none), and figures carried by it are marked
    # not comparable.
    share_percent = models.DecimalField(
        _("share of households (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a split or a partial transfer: the share of the old unit's households that moved here."),
    )

    class Meta:
        verbose_name = _("locality succession")
        verbose_name_plural = _("locality successions")
        ordering = ["effective_date", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_to_itself"),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True) | Q(share_percent__gt=0, share_percent__lte=100),
                name="succession_share_between_0_and_100",
                violation_error_message=_("A share of households lies above 0 and at most 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"

    @property
    def weight(self):
        """The fraction of the predecessor's households carried to the successor: 1 for all of them, None where a
        split gives no share (unknown)."""
        if self.share_percent is not None:
            return self.share_percent / 100
        return None if self.kind == SuccessionKind.SPLIT else Decimal(1)

    def clean(self):
        errors = {}
        if self.predecessor_id and self.predecessor_id == self.successor_id:
            errors["successor"] = _("A unit cannot succeed itself.")
        if self.share_percent is not None and not 0 < self.share_percent <= 100:
            errors["share_percent"] = _("A share of households lies above 0 and at most 100%.")
        if not errors and self.predecessor_id:
            others = LocalitySuccession.objects.filter(predecessor_id=self.predecessor_id).exclude(pk=self.pk)
            total = sum((counted_share(o.kind, o.share_percent) for o in others), Decimal(0))
            total += counted_share(self.kind, self.share_percent)
            if total > 100:
                errors["share_percent"] = _(
                    "The shares of %(unit)s's households given to its successors add up to %(total)s%%, "
                    "more than 100%%."
                ) % {"unit": self.predecessor.name, "total": format_measure(total)}
        if errors:
            raise ValidationError(errors)
