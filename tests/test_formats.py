"""Numbers and dates as Vietnamese officials write them, and the interface language."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.translation import gettext

from kernel.numbers import ENGLISH, VIETNAMESE, NumberFormatError, format_count, format_decimal, parse_number
from kernel.text import normalize, vietnamese_slug
from plans.models import HouseholdFigure

pytestmark = pytest.mark.usefixtures("vietnamese")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2,27", Decimal("2.27")),
        ("7.540", Decimal(7540)),
        ("1.234.567,89", Decimal("1234567.89")),
        ("  7 540 ", Decimal(7540)),
        ("0,65", Decimal("0.65")),
        ("-3", Decimal(-3)),
        (2.27, Decimal("2.27")),
        (7540, Decimal(7540)),
    ],
)
def test_vietnamese_numbers_are_read_as_written(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.parametrize("typed", ["2.27", "7,540.5", "1.2", "abc", "2,,27", "1.23.456"])
def test_ambiguous_or_broken_numbers_are_refused_with_a_vietnamese_message_showing_the_way_to_write_them(typed):
    with pytest.raises(NumberFormatError) as error:
        parse_number(typed)
    assert str(error.value).startswith(f"“{typed}” không phải là số viết theo dạng 7.540 hoặc 2,27")


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_number_is_refused_with_a_vietnamese_message(typed):
    with pytest.raises(NumberFormatError) as error:
        parse_number(typed)
    assert str(error.value) == "Cần nhập một số."


def test_english_interface_reads_english_numbers():
    with translation.override("en"):
        assert parse_number("7,540") == Decimal(7540)
        assert parse_number("2.27") == Decimal("2.27")
    assert parse_number("7,540.5", separators=ENGLISH) == Decimal("7540.5")
    assert parse_number("7.540", separators=VIETNAMESE) == Decimal(7540)


def test_counts_and_rates_are_shown_the_vietnamese_way():
    assert format_count(7540) == "7.540"
    assert format_count(407045) == "407.045"
    assert format_decimal(Decimal("2.27")) == "2,27"
    assert Template("{{ v|floatformat:2 }}").render(Context({"v": Decimal("2.27")})) == "2,27"
    # Years are never grouped.
    assert Template("{{ y }}").render(Context({"y": 2024})) == "2024"


def test_dates_are_read_and_shown_day_first():
    field = forms.DateField()
    assert field.clean("03/01/2024") == datetime.date(2024, 1, 3)
    assert (
        Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": datetime.date(2024, 1, 3)})) == "03/01/2024"
    )


@pytest.mark.django_db
def test_a_model_form_reads_counts_and_rates_typed_the_vietnamese_way():
    form_class = forms.modelform_factory(HouseholdFigure, fields=["households", "poor_households", "published_rate"])
    form = form_class(data={"households": "7.540", "poor_households": "171", "published_rate": "2,27"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"households": 7540, "poor_households": 171, "published_rate": Decimal("2.27")}
    bad = form_class(data={"households": "7,5", "poor_households": "x", "published_rate": "2.27"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"households", "poor_households", "published_rate"}


def test_the_interface_speaks_vietnamese_by_default_and_english_on_request():
    assert gettext("Plans") == "Kế hoạch"
    with translation.override("en"):
        assert gettext("Plans") == "Plans"


def test_decomposed_diacritics_match_the_stored_name():
    decomposed = "Huye\u0302\u0323n A Lu\u031bo\u031b\u0301i"
    assert normalize(decomposed) == "Huyện A Lưới"
    assert vietnamese_slug("Huyện Phong Điền") == "huyen-phong-dien"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_table_formatter_writes_every_count_and_rate_as_django_number_format_does(language):
    """Formatter's shortcuts (used for the 10.000 cells of a national table) give the text of Django's own
    number_format, with the decimals each rate carries ("1,2" stays "1,2"), in either language."""
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from kernel.numbers import Formatter, rate_places

    rates = st.decimals(min_value=-1500, max_value=1500, places=2, allow_nan=False, allow_infinity=False)
    short_rates = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
    counts = st.integers(min_value=-(10**12), max_value=10**12)

    @hypothesis_settings(max_examples=300, deadline=None)
    @given(rate=st.one_of(rates, short_rates, st.integers(0, 100).map(Decimal)), count=counts)
    def check(rate, count):
        with translation.override(language):
            formatter = Formatter()
            expected_rate = formats.number_format(rate, rate_places(rate), use_l10n=True, force_grouping=True)
            assert formatter.rate(rate) == expected_rate
            assert formatter.count(count) == formats.number_format(count, 0, use_l10n=True, force_grouping=True)

    check()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_row_written_in_one_call_reads_as_its_figures_written_one_by_one(language):
    """Formatter.row_writer (a national table's 700 rows of 17 figures) writes a row exactly as `count` and `rate`
    write each figure, or declines (None) so that the page writes it figure by figure: an empty cell, a value of
    another type, a count of 10¹⁵ or more, a rate with a third decimal, a fourth whole digit or an exponent."""
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from kernel.numbers import Formatter

    is_rate = [False, False, True, False, True]
    openings = ['<td class="num">', '<td class="bold num">', '<td class="num">', "<td>", '<td class="num">']
    counts = st.one_of(st.integers(-(10**16), 10**16), st.integers(0, 10**6), st.none(), st.booleans())
    rates = st.one_of(
        st.decimals(min_value=-1500, max_value=1500, places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=True, allow_infinity=True),  # a third decimal, an exponent, NaN, Infinity
        st.integers(0, 100),
        st.none(),
    )

    @hypothesis_settings(max_examples=400, deadline=None)
    @given(st.tuples(counts, counts, rates, counts, rates))
    def check(values):
        with translation.override(language):
            formatter = Formatter()
            written = formatter.row_writer(is_rate, openings, "</td>")(values)
            if written is None:
                return
            one_by_one = "".join(
                f"{opening}{(formatter.rate if rate else formatter.count)(value)}</td>"
                for opening, rate, value in zip(openings, is_rate, values, strict=True)
            )
            assert written == one_by_one

    check()
    with translation.override(language):
        writer = Formatter().row_writer(is_rate, openings, "</td>")
        common = (7540, 1234567, Decimal("2.27"), 0, Decimal("1.2"))
        assert writer(common) is not None  # the common case is written in one call
        declined = [
            (None, *common[1:]),  # an empty cell
            (True, *common[1:]),  # a bool is not a count
            (10**15, *common[1:]),  # beyond the counts Python and Django group alike
            (*common[:2], Decimal("2.275"), *common[3:]),  # a third decimal: rate() rounds it
            (*common[:2], Decimal("1000"), *common[3:]),  # a fourth whole digit: rate() groups it
            (*common[:2], Decimal("1E+1"), *common[3:]),
            (*common[:2], Decimal("NaN"), *common[3:]),
            (*common[:2], 2, *common[3:]),  # an int where a rate (a Decimal) is expected
        ]
        assert [writer(values) for values in declined] == [None] * len(declined)
        # Markup holding a separator or a placeholder cannot have its signs swapped: never written in one call.
        assert Formatter().row_writer([False], ['<td title="1.5">'], "</td>")((7540,)) is None


def test_the_decimals_a_number_was_written_with_are_read_off_any_decimal():
    """decimal_places reads a Decimal's text ("1.2" → 1, "2.27" → 2, "3" → 0, "1E+1" → 0) as its exponent says."""
    from hypothesis import given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from kernel.numbers import decimal_places

    @hypothesis_settings(max_examples=500, deadline=None)
    @given(st.decimals(allow_nan=False, allow_infinity=False), st.integers(-8, 3))
    def check(value, exponent):
        value = value.scaleb(exponent)
        expected = max(0, -value.as_tuple().exponent)
        assert decimal_places(value) == expected

    check()
    written = ("1.2", "2.27", "3", "1E+1", "-0.00", "1.20")
    assert [decimal_places(Decimal(text)) for text in written] == [1, 2, 0, 0, 2, 2]
