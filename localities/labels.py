"""The words a page, chart, workbook or check message uses for a set of units, taken from the units themselves.

A table of wards says “phường”, a table of Hưng Yên's districts and its city says “đơn vị cấp huyện”, a city's total
says “Toàn thành phố” and a province's “Toàn tỉnh”: nothing assumes districts and a province.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import KIND_LEVELS, Level, LocalityKind

# The plural noun of each kind, as a sentence uses it (“tỷ lệ hộ nghèo theo phường”, “by ward”).
KIND_PLURALS = {
    LocalityKind.PROVINCE: pgettext_lazy("units", "provinces"),
    LocalityKind.MUNICIPALITY: pgettext_lazy("units", "centrally-run cities"),
    LocalityKind.RURAL_DISTRICT: pgettext_lazy("units", "districts"),
    LocalityKind.TOWN: pgettext_lazy("units", "towns"),
    LocalityKind.PROVINCIAL_CITY: pgettext_lazy("units", "provincial cities"),
    LocalityKind.URBAN_DISTRICT: pgettext_lazy("units", "urban districts"),
    LocalityKind.COMMUNE: pgettext_lazy("units", "communes"),
    LocalityKind.WARD: pgettext_lazy("units", "wards"),
    LocalityKind.TOWNSHIP: pgettext_lazy("units", "townships"),
    LocalityKind.SPECIAL_ZONE: pgettext_lazy("units", "special zones"),
}
LEVEL_PLURALS = {
    Level.PROVINCE: pgettext_lazy("units", "province-level units"),
    Level.DISTRICT: pgettext_lazy("units", "district-level units"),
    Level.COMMUNE: pgettext_lazy("units", "commune-level units"),
}
# The whole a total stands for, and its total row (“Toàn tỉnh”, “Toàn thành phố”).
WHOLE = {
    LocalityKind.PROVINCE: (pgettext_lazy("units", "the province"), pgettext_lazy("units", "Whole province")),
    LocalityKind.MUNICIPALITY: (pgettext_lazy("units", "the city"), pgettext_lazy("units", "Whole city")),
}
DEFAULT_WHOLE = (pgettext_lazy("units", "the whole"), pgettext_lazy("units", "Total"))


def _capitalize(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class UnitWords:
    """The words for a table's rows (`units`) and for the whole they add up to (`whole`, `total`)."""

    units: str  # plural noun of the rows: “phường”, “đơn vị cấp huyện”
    whole: str  # “tỉnh”-like noun of the whole: “the city”
    total: str  # the total row's label: “Toàn thành phố”

    @property
    def table(self) -> str:
        return _("Table of %(units)s") % {"units": self.units}

    @property
    def units_title(self) -> str:
        return _capitalize(self.units)

    @property
    def whole_title(self) -> str:
        return _capitalize(self.whole)


def unit_words(row_kinds: Iterable[str], whole_kind: str | None) -> UnitWords:
    """The words for rows of these kinds adding up to a unit of `whole_kind` (None: unknown)."""
    kinds = {kind for kind in row_kinds if kind}
    if len(kinds) == 1:
        units = KIND_PLURALS.get(next(iter(kinds)), LEVEL_PLURALS[Level.COMMUNE])
    else:
        levels = {KIND_LEVELS.get(kind) for kind in kinds}
        units = LEVEL_PLURALS[levels.pop()] if len(levels) == 1 else pgettext_lazy("units", "units")
    whole, total = WHOLE.get(whole_kind, DEFAULT_WHOLE)
    return UnitWords(units=str(units), whole=str(whole), total=str(total))
