"""The one place where numbers are read from and written for people.

Vietnamese writes 7.540 (seven thousand five hundred and forty) and 2,27 (two point two seven);
English writes 7,540 and 2.27. A reader who sees "7.540" in a Vietnamese spreadsheet must get 7540,
never 7.54, so every number a person typed — in a form, the admin or a spreadsheet text cell —
goes through `parse_number`, which follows one convention strictly and refuses what is ambiguous.
"""

import functools
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, translation
from django.utils.translation import gettext as _

from .items import tuple_getter

VIETNAMESE = (",", ".")  # (decimal separator, thousand separator)
ENGLISH = (".", ",")

RATE_PLACES = Decimal("0.01")
# No figure of a plan comes near this (a province has a few million households; a measure has 12 digits before
# its two decimals): a longer number is a typing or pasting mistake, refused before any arithmetic on it — a
# 5.000-digit "count" would overflow the rate computation and could not even be printed back.
MAX_DIGITS = 15
_SHOWN = 40  # characters of a refused text repeated in its message
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
        raise NumberFormatError(_("“%(value)s” is not a number.") % {"value": _shown(value)})
    if number and number.adjusted() >= MAX_DIGITS:
        raise NumberFormatError(
            _("“%(value)s” is too large: a figure has at most %(digits)s digits.")
            % {"value": _shown(value), "digits": MAX_DIGITS}
        )
    if integer and number != number.to_integral_value():
        raise NumberFormatError(_("“%(value)s” must be a whole number.") % {"value": _shown(value)})
    return number


def _shown(value) -> str:
    """A refused value as its message repeats it: whole when short, cut when it is a pasted page."""
    if isinstance(value, int) and value.bit_length() > 64:
        return "…"  # str() of a huge int is slow, and refused beyond 4.300 digits
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


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
                "value": _shown(text.strip()),
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


# A published rate may differ from the one computed from its counts by one in the last place (a document that
# truncates instead of rounding); more than that is a typing mistake. The one tolerance of every channel that writes
# a rate (workflow.services, the import's reading) and of the data-quality check that reads it back: what one lets
# through, the other does not list, and what one would list, the other refuses or warns about first.
RATE_TOLERANCE = Decimal("0.01")


def rates_disagree(rate, computed) -> bool:
    """Whether a rate disagrees with the one computed from its counts beyond RATE_TOLERANCE (False when either is
    unknown: nothing to check)."""
    if rate is None or computed is None:
        return False
    rate = Decimal(rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)  # “1,2” as published is 1,20
    return abs(rate - computed) > RATE_TOLERANCE


def rate_following_counts(poor: int | None, households: int | None) -> Decimal | None:
    """The rate a figure takes when its counts change and no rate is given: computed from them, or None when it cannot
    be (no household total) or the counts are impossible (more poor households than households: their own error)."""
    computed = compute_rate(poor, households)
    return computed if computed is not None and Decimal(0) <= computed <= Decimal(100) else None


def format_count(value) -> str:
    """7540 → "7.540" in Vietnamese, "7,540" in English. Never used for years."""
    if value is None:
        return ""
    return _fast_format(value, 0) or formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def format_decimal(value, places: int = 2) -> str:
    """2.27 → "2,27" (Vietnamese) with `places` decimals; thousands grouped."""
    if value is None:
        return ""
    return _fast_format(value, places) or formats.number_format(value, places, use_l10n=True, force_grouping=True)


# A national table prints tens of thousands of figures: Django's number_format looks up three formats of the
# active language for each one. The same text comes from Python's own grouping once the language's separators are
# known — for integers and for decimals that need no rounding (Django truncates where Python rounds, so those
# keep to number_format). Each language's separators are checked once against number_format itself.
_MAX_FAST = 10**15


@functools.lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str] | None:
    decimal_sep = formats.get_format("DECIMAL_SEPARATOR", use_l10n=True)
    thousand_sep = formats.get_format("THOUSAND_SEPARATOR", use_l10n=True)
    if formats.get_format("NUMBER_GROUPING", use_l10n=True) != 3 or "\0" in decimal_sep + thousand_sep:
        return None
    samples = [(0, 0), (-7540, 0), (1234567, 0), (Decimal("2.27"), 2), (Decimal("-1234.5"), 2), (12, 2)]
    for value, places in samples:
        fast = _grouped(value, places, decimal_sep, thousand_sep)
        if fast != formats.number_format(value, places, use_l10n=True, force_grouping=True):
            return None
    return decimal_sep, thousand_sep


def _grouped(value, places: int, decimal_sep: str, thousand_sep: str) -> str:
    return _swap_signs(f"{value:,.{places}f}" if places else f"{value:,}", decimal_sep, thousand_sep)


def _swap_signs(text: str, decimal_sep: str, thousand_sep: str) -> str:
    """Python's grouped text of a number (“1,234.5”) with the language's signs."""
    return text.replace(",", "\0").replace(".", decimal_sep).replace("\0", thousand_sep)


def _fast_format(value, places: int, separators: tuple[str, str] | bool | None = False) -> str | None:
    """The grouped text of an int or an exact Decimal, or None where number_format must decide."""
    if type(value) is int:
        if not -_MAX_FAST < value < _MAX_FAST:
            return None
        if places:
            value = Decimal(value)
    elif type(value) is not Decimal or not value.is_finite() or abs(value) >= _MAX_FAST:
        return None
    elif value.as_tuple().exponent < -places:  # more decimals than shown: number_format truncates them
        return None
    if separators is False:
        separators = _separators(translation.get_language())
    if separators is None:
        return None
    return _grouped(int(value) if not places else value, places, *separators)


class Formatter:
    """format_count and format_decimal with the active language looked up once: for loops over thousands of
    figures (a national table, a chart of 700 districts). The text is the same as theirs."""

    def __init__(self):
        self.separators = _separators(translation.get_language())

    def count(self, value) -> str:
        if value is None:
            return ""
        if type(value) is int and self.separators and -_MAX_FAST < value < _MAX_FAST:
            return f"{value:,}".replace(",", self.separators[1])  # the whole of _grouped for an int
        return _fast_format(value, 0, self.separators) or format_count(value)

    def decimal(self, value, places: int = 2) -> str:
        if value is None:
            return ""
        return _fast_format(value, places, self.separators) or format_decimal(value, places)

    def rate(self, value) -> str:
        """A rate with the decimals it carries, as `format_rate`."""
        if value is None:
            return ""
        if type(value) is Decimal and self.separators:
            # A rate as stored (below 1.000, at most two decimals) is its own text with the decimal sign swapped:
            # str() keeps the decimals the Decimal carries ("1.2", "2.27", "0.00"). Anything else (an exponent, a
            # third decimal, a thousands group) takes the general path. A national table formats 10.000 rates.
            text = str(value)
            whole, point, fraction = text.partition(".")
            if len(fraction) <= MAX_RATE_PLACES and len(whole.lstrip("-")) <= 3 and "E" not in text and "N" not in text:
                return whole + self.separators[0] + fraction if point else whole
        return self.decimal(value, rate_places(value))

    def row_writer(
        self, is_rate: Sequence[bool], openings: Sequence[str], closing: str
    ) -> Callable[[tuple], str | None]:
        """A function writing a row of figures into markup in one call: for each figure, its opening, the figure as
        `count` (or `rate`, where `is_rate`) writes it, `closing`. It answers None for a row it cannot write so — an
        empty cell, a value of another type, a count of 10¹⁵ or more, a rate with an exponent, a third decimal or a
        fourth whole digit — which the caller then writes figure by figure.

        A national table page writes 700 rows of 17 figures: one str.format per row, its separators swapped after,
        takes half the time of 17 calls. The text is the same: Python writes a count grouped with “,” and a rate as
        its own text with “.” (str(), as `rate` does), so swapping the two signs for the language's gives what `count`
        and `rate` give in the cases `write` lets through."""
        if (
            self.separators is None
            or len(openings) != len(is_rate)
            or _ROW_UNSAFE_MARKUP.search("".join([*openings, closing]))
        ):
            return lambda values: None
        expected_types = tuple(Decimal if rate else int for rate in is_rate)
        rates_of = tuple_getter([index for index, rate in enumerate(is_rate) if rate])
        counts_of = tuple_getter([index for index, rate in enumerate(is_rate) if not rate])
        # Decimal's __format__ is three times slower than its str(), which is `rate`'s text.
        template = "".join(
            opening + ("{!s}" if rate else "{:,}") + closing for opening, rate in zip(openings, is_rate, strict=True)
        )
        decimal_sep, thousand_sep = self.separators

        def write(values: tuple) -> str | None:
            if tuple(map(type, values)) != expected_types:
                return None
            counts = counts_of(values)
            if counts and not (-_MAX_FAST < min(counts) and max(counts) < _MAX_FAST):
                return None
            rates = rates_of(values)
            if rates and _RATE_OUT_OF_COMMON_CASE.search("|".join(map(str, rates))):
                return None
            return _swap_signs(template.format(*values), decimal_sep, thousand_sep)

        return write


# Markup a row writer cannot swap separators in (a sign, a placeholder, the swap's own stand-in).
_ROW_UNSAFE_MARKUP = re.compile(r"[,.{}\0]")
# A rate that `Formatter.rate` writes otherwise than its own text: a fourth whole digit (grouped), a third decimal,
# an exponent, NaN or Infinity.
_RATE_OUT_OF_COMMON_CASE = re.compile(r"\d{4}|\.\d{3}|[A-Za-z]")


def format_measure(value) -> str:
    """A target value as the document writes it: 72.5 → "72,5", 1000 → "1.000", 9.70 → "9,7"."""
    if value is None:
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return format_decimal(value, places)


# --- published precision ----------------------------------------------------------------------------------------
# A document prints a rate with the decimals it chose: Hưng Yên's "1,2" is 1,20 written with one decimal. The value
# is the same number (Decimal("1.2") == Decimal("1.20"), so every computation and comparison is unchanged); the
# places travel in the Decimal's own exponent from where they are read to where the figure is shown again.
MAX_RATE_PLACES = 2


def decimal_places(value) -> int:
    """The decimals a number was written with: Decimal("1.2") → 1, Decimal("2.27") → 2, Decimal("3") → 0."""
    if value is None:
        return MAX_RATE_PLACES
    if type(value) is Decimal:
        # Read off the Decimal's own text ("2.27"), a quarter of the cost of as_tuple(): a workbook asks per cell.
        text = str(value)
        if "E" not in text and "N" not in text:
            point = text.find(".")
            return len(text) - point - 1 if point >= 0 else 0
    exponent = Decimal(value).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rate_places(value) -> int:
    """The decimals of a rate as written, at most two (the stored scale). Only a Decimal carries them: any other
    value (a float, a text, an int from a computation) is a rate with the usual two."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return MAX_RATE_PLACES
    return min(MAX_RATE_PLACES, decimal_places(value))


def as_printed(value, places: int | None):
    """A stored rate (always two decimals in the database) with the decimals the document printed: the same number,
    shown back as printed. `places` None (not recorded) keeps the value as it is."""
    if value is None or places is None:
        return value
    return (value if type(value) is Decimal else Decimal(value)).quantize(
        _QUANTA.get(places) or Decimal(1).scaleb(-places)
    )


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(4)}  # as_printed runs for each cell of a table


def written_places(value) -> int:
    """The decimals a typed or read measure was written with, at most two (the stored scale): "9,70" → 2, "9,7" → 1,
    "100" → 0. The parser keeps them in the Decimal it returns; anything else (an int) has none."""
    return min(MAX_RATE_PLACES, decimal_places(value)) if isinstance(value, Decimal) and value.is_finite() else 0


def measure_as_printed(value, places: int | None):
    """A stored measure (always two decimals in the database) with the decimals the document printed: 9,70 stays
    9,70 and 9,7 stays 9,7. `places` None (not recorded) gives its own decimals without final zeros (100,00 → 100),
    as measures were always shown."""
    if value is None:
        return None
    value = Decimal(value)
    if places is None:
        places = max(0, -value.normalize().as_tuple().exponent)
    return as_printed(value, places)


def format_printed(value) -> str:
    """A number with exactly the decimals it carries — a measure as printed (`measure_as_printed`), a typed value
    as typed: Decimal("9.70") → "9,70", Decimal("100") → "100"; thousands grouped."""
    if value is None:
        return ""
    return format_decimal(value, decimal_places(value))


def format_rate(value) -> str:
    """A rate with the decimals it carries (at most two): 1.2 → "1,2", 2.27 → "2,27", 1.20 → "1,20"."""
    if value is None:
        return ""
    return format_decimal(value, rate_places(value))  # as format_decimal for anything else (text, float)


def plain_rate(value) -> str:
    """A rate as a spreadsheet reads it in any locale, with the decimals it carries: 1.2 → "1.2", 3.17 → "3.17"."""
    if value is None:
        return ""
    return f"{Decimal(value):.{rate_places(value)}f}"
