"""The one place where numbers are read from and written for people.

Vietnamese writes 7.540 (seven thousand five hundred and forty) and 2,27 (two point two seven);
English writes 7,540 and 2.27. A reader who sees "7.540" in a Vietnamese spreadsheet must get 7540,
never 7.54, so every number a person typed — in a form, the admin or a spreadsheet text cell —
goes through `parse_number`, which follows one convention strictly and refuses what is ambiguous.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

VIETNAMESE = (",", ".")  # (decimal separator, thousand separator)
ENGLISH = (".", ",")

RATE_PLACES = Decimal("0.01")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_MINUS_SIGNS = "-\u2212\u2013"


class NumberFormatError(ValueError):
    """Raised with a message a person understands (translated) when text is not a number."""


def active_separators() -> tuple[str, str]:
    """The (decimal, thousand) separators of the active interface language."""
    decimal_sep = formats.get_format("DECIMAL_SEPARATOR")
    return (decimal_sep, "," if decimal_sep == "." else ".")


def parse_number(value, *, separators: tuple[str, str] | None = None, integer: bool = False) -> Decimal:
    """Read a number typed by a person or stored in a spreadsheet cell.

    `separators` is (decimal, thousand); by default those of the active language. Real numbers
    (int, float, Decimal — a numeric spreadsheet cell) are taken as they are. Text must use the
    separators strictly: thousands in groups of three ("7.540", "1.234.567"), decimals after the
    decimal separator ("2,27"). "2.27" in Vietnamese is refused, not guessed.
    """
    if isinstance(value, bool):
        raise NumberFormatError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest text that round-trips: 2.27, not 2.2699999999999996.
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        number = _parse_text(str(value), separators or active_separators())
    if not number.is_finite():
        raise NumberFormatError(_("“%(value)s” is not a number.") % {"value": value})
    if integer and number != number.to_integral_value():
        raise NumberFormatError(_("“%(value)s” must be a whole number.") % {"value": value})
    return number


def _parse_text(text: str, separators: tuple[str, str]) -> Decimal:
    decimal_sep, thousand_sep = separators
    cleaned = _SPACES.sub("", text.strip())
    if not cleaned:
        raise NumberFormatError(_("A number is required."))
    sign = ""
    if cleaned[0] in _MINUS_SIGNS or cleaned[0] == "+":
        sign = "-" if cleaned[0] in _MINUS_SIGNS else ""
        cleaned = cleaned[1:]
    d, t = re.escape(decimal_sep), re.escape(thousand_sep)
    pattern = rf"(?P<int>\d{{1,3}}(?:{t}\d{{3}})+|\d+)(?:{d}(?P<frac>\d+))?"
    match = re.fullmatch(pattern, cleaned)
    if not match:
        raise NumberFormatError(
            _(
                "“%(value)s” is not a number written as %(example_int)s or %(example_dec)s "
                "(“%(thousand)s” separates thousands, “%(decimal)s” decimals)."
            )
            % {
                "value": text.strip(),
                "example_int": f"7{thousand_sep}540",
                "example_dec": f"2{decimal_sep}27",
                "thousand": thousand_sep,
                "decimal": decimal_sep,
            }
        )
    digits = match["int"].replace(thousand_sep, "")
    if match["frac"]:
        digits += "." + match["frac"]
    try:
        return Decimal(sign + digits)
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise NumberFormatError(_("“%(value)s” is not a number.") % {"value": text}) from error


def compute_rate(poor: int | None, households: int | None) -> Decimal | None:
    """Poverty rate in percent, 2 decimals, half-up — as the documents round it. None when unknown."""
    if poor is None or not households:
        return None
    return (Decimal(poor) * 100 / Decimal(households)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def format_count(value) -> str:
    """7540 → "7.540" in Vietnamese, "7,540" in English. Never used for years."""
    if value is None:
        return ""
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def format_decimal(value, places: int = 2) -> str:
    """2.27 → "2,27" (Vietnamese) with `places` decimals; thousands grouped."""
    if value is None:
        return ""
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def format_measure(value) -> str:
    """A target value as the document writes it: 72.5 → "72,5", 1000 → "1.000", 9.70 → "9,7"."""
    if value is None:
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return format_decimal(value, places)
