"""Property-based tests (hypothesis): the one number parser, and the import's validation of any cell value."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from kernel.numbers import (
    ENGLISH,
    MAX_DIGITS,
    VIETNAMESE,
    NumberFormatError,
    format_count,
    format_decimal,
    parse_number,
)
from spreadsheets.importing import ImportRefused, apply_changes, read_workbook

from .workbook_factory import database_state, export, find_column, find_row, to_bytes

LANGUAGES = {"vi": VIETNAMESE, "en": ENGLISH}
counts = st.integers(min_value=-(10**MAX_DIGITS) + 1, max_value=10**MAX_DIGITS - 1)
rates = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


# --- the number parser -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@given(value=counts)
def test_a_formatted_count_reads_back_as_the_same_count(language, value):
    with translation.override(language):
        shown = format_count(value)
        assert parse_number(shown, integer=True) == value
        assert parse_number(shown, separators=LANGUAGES[language]) == value


@pytest.mark.parametrize("language", LANGUAGES)
@given(value=rates)
def test_a_formatted_rate_reads_back_as_the_same_rate(language, value):
    with translation.override(language):
        assert parse_number(format_decimal(value, 2)) == value


@given(text=st.text(max_size=60))
@settings(max_examples=500)
def test_any_text_is_a_number_or_a_number_format_error(text):
    for separators in (VIETNAMESE, ENGLISH):
        try:
            number = parse_number(text, separators=separators)
        except NumberFormatError as error:
            assert str(error)  # a message a person reads
        else:
            assert number.is_finite() and abs(number) < 10**MAX_DIGITS


@given(
    text=st.from_regex(r"\A[ \u00a0+\-−0-9.,eE٣７]{0,30}\Z"),
    integer=st.booleans(),
)
@settings(max_examples=500)
def test_text_made_of_number_characters_is_a_number_or_a_number_format_error(text, integer):
    try:
        number = Decimal(parse_number(text, separators=VIETNAMESE, integer=integer))
    except NumberFormatError as error:
        assert str(error)  # a message a person reads
    else:
        assert number.is_finite() and abs(number) < 10**MAX_DIGITS
        assert not integer or number == number.to_integral_value()  # a count is whole


@given(
    value=st.one_of(
        st.integers(),
        st.floats(),
        st.decimals(),
        st.booleans(),
        st.integers(min_value=10**4000, max_value=10**4400),
    )
)
def test_any_cell_value_a_spreadsheet_holds_is_a_number_or_a_number_format_error(value):
    try:
        number = parse_number(value)
    except NumberFormatError as error:
        assert len(str(error)) < 300  # a huge value is not repeated whole
    else:
        assert number.is_finite()


# --- the import's validation -------------------------------------------------------------------------------

P01 = "Phụ lục 01"
COLUMNS = ("Năm 2023 — Tổng số hộ dân cư", "Năm 2023 — Tổng số hộ nghèo", "Năm 2023 — Tỷ lệ hộ nghèo (%)")

cell_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=40_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=100, places=2).map(lambda d: f"{d:.2f}".replace(".", ",")),  # “2,27”
    st.integers(min_value=0, max_value=40_000).map(lambda n: f"{n:,}".replace(",", ".")),  # “7.540”
    st.text(max_size=20),
    st.dates(min_value=datetime.date(1900, 1, 2)),
    st.booleans(),
    st.just("=1+1"),
)


@pytest.fixture
def exported(small_plan) -> tuple:
    """conftest's small plan (three districts, 2021–2023) and the export of its appendix; every example of the test
    below edits the first district's 2023 target in it."""
    return small_plan, export(small_plan, "01")


@pytest.mark.django_db
@given(values=st.tuples(cell_values, cell_values, cell_values))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_cell_values_give_a_refusal_or_a_valid_preview_and_write_nothing(exported, values):
    plan, data = exported
    workbook = load_workbook(BytesIO(data))
    ws = workbook[P01]
    row = find_row(ws, "Huyện Số 1")
    try:
        for title, value in zip(COLUMNS, values, strict=True):
            ws.cell(row=row, column=find_column(ws, title)).value = value
    except (IllegalCharacterError, ValueError, TypeError):
        assume(False)  # openpyxl cannot store it: no workbook can hold it
    data = to_bytes(workbook)
    before = database_state()
    with translation.override("vi"):
        result = read_workbook(BytesIO(data), size=len(data), plan=plan, appendix=plan.appendices.get(code="01"))
    assert database_state() == before  # a preview never writes
    if not result.ok:
        assert result.errors and all(str(problem) for problem in result.errors)
        return
    # A valid preview can be written: the model's rules agree with the import's (then undone).
    with transaction.atomic():
        try:
            apply_changes(plan, result.changes)
        except ImportRefused as refused:
            assert refused.problems
            assert database_state() == before
        transaction.set_rollback(True)
    assert database_state() == before


def test_the_parser_accepts_every_figure_a_plan_can_hold():
    assert parse_number("999.999.999.999.999", separators=VIETNAMESE) == Decimal(10**15 - 1)
    with pytest.raises(NumberFormatError):
        parse_number("1.000.000.000.000.000", separators=VIETNAMESE)
