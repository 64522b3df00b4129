"""The multidimensional poverty standards (chuẩn nghèo) as data: each with its legal basis and the years it measures.

Every household figure says under which standard it was measured; comparing figures measured under two standards
(a rate of 2025 against one of 2027) compares different things, so the pages, the results and the lineage series
break there, visibly. A new standard is a new row (the admin), not a change of code.
"""

import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .documents import MAX_YEAR, MIN_YEAR


class PovertyStandardQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "PovertyStandard | None":
        """The standard in force for figures of a year (the latest to start, where periods meet)."""
        return self.filter(first_year__lte=year, last_year__gte=year).order_by("-first_year").first()


class PovertyStandard(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("e.g. nd07_2021"))
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. “Chuẩn nghèo đa chiều giai đoạn 2022–2025”."))
    legal_basis = models.CharField(_("legal basis"), max_length=300, help_text=_("e.g. Nghị định 07/2021/NĐ-CP"))
    first_year = models.PositiveSmallIntegerField(_("first year measured"))
    last_year = models.PositiveSmallIntegerField(_("last year measured"))
    note = models.TextField(_("note"), blank=True)

    objects = PovertyStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="poverty_standard_period_ordered",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=MIN_YEAR, last_year__lte=MAX_YEAR),
                name="poverty_standard_years_in_range",
                violation_error_message=_("The years must lie between 1990 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.period_label} ({self.legal_basis})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget_standard_periods()

    @property
    def period_label(self) -> str:
        return f"{self.first_year}–{self.last_year}"

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": _("The last year cannot be before the first year.")})


# The standards' periods, read once per process and renewed when a standard is saved here or after a minute (another
# worker's change): every figure's clean() checks its standard, and an import of 10.000 rows must not read them
# 10.000 times.
_PERIODS_TTL = 60.0
_periods_cache: dict = {"at": None, "periods": {}}


def standard_periods() -> dict[str, tuple[int, int, str]]:
    """code → (first year, last year, legal basis) of every standard."""
    now = time.monotonic()
    if _periods_cache["at"] is None or now - _periods_cache["at"] > _PERIODS_TTL:
        _periods_cache["periods"] = {
            code: (first, last, basis)
            for code, first, last, basis in PovertyStandard.objects.values_list(
                "code", "first_year", "last_year", "legal_basis"
            )
        }
        _periods_cache["at"] = now
    return _periods_cache["periods"]


def forget_standard_periods() -> None:
    _periods_cache["at"] = None


def standard_code_for_year(year: int) -> str | None:
    """The code of the standard in force for figures of a year (the latest to start where periods meet)."""
    matching = [(first, code) for code, (first, last, _basis) in standard_periods().items() if first <= year <= last]
    return max(matching)[1] if matching else None


def standard_label(code: str) -> str:
    """“2021–2026 (Nghị định 07/2021/NĐ-CP)”: how pages and workbooks name the standard of a figure."""
    first, last, basis = standard_periods().get(code, (None, None, code))
    return f"{first}–{last} ({basis})" if first is not None else str(code)


# The standards in force, as docs/domain notes record them (the migration that created the table holds the same list).
STANDARDS_IN_FORCE = [
    {
        "code": "qd59_2015",
        "name": "Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020",
        "legal_basis": "Quyết định 59/2015/QĐ-TTg",
        "first_year": 2016,
        "last_year": 2020,
        "note": "",
    },
    {
        "code": "nd07_2021",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2021–2025",
        "legal_basis": "Nghị định 07/2021/NĐ-CP",
        "first_year": 2021,
        "last_year": 2026,
        "note": "Áp dụng cho rà soát từ năm 2022 (giai đoạn 2022–2025); được kéo dài đến hết năm 2026.",
    },
    {
        "code": "nd351_2025",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2027–2030",
        "legal_basis": "Nghị định 351/2025/NĐ-CP",
        "first_year": 2027,
        "last_year": 2030,
        "note": "Ngày ban hành (30/12/2025) và chi tiết các chiều thiếu hụt theo tin báo chí, chưa đối chiếu văn bản.",
    },
]


def ensure_poverty_standards() -> None:
    """The standards in force exist (a database emptied by a restore or a flush loses what the migration wrote)."""
    for standard in STANDARDS_IN_FORCE:
        PovertyStandard.objects.get_or_create(code=standard["code"], defaults=standard)
