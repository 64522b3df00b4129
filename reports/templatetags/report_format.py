"""Template filters that show figures the way the interface language writes them."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from indicators.models import Qualifier
from kernel.numbers import format_count, format_decimal, format_printed, format_rate
from plans.models.standards import standard_label as plan_standard_label
from reports import markup

register = template.Library()

QUALIFIER_WORDS = {
    Qualifier.EXACTLY: "",
    Qualifier.AT_LEAST: _("at least"),
    Qualifier.ABOUT: _("about"),
    Qualifier.ABOVE: _("above"),
    Qualifier.BELOW: _("below"),
    Qualifier.AT_MOST: _("at most"),
    Qualifier.REDUCE_BY_AT_LEAST: _("reduce by at least"),
}


@register.filter
def count(value):
    """7540 → 7.540"""
    return format_count(value)


@register.filter
def rate(value):
    """2.27 → 2,27; a rate the document printed with one decimal as printed: 1,2."""
    return format_rate(value)


@register.filter
def printed(value):
    """An IndicatorValue's figure as the document printed it: 9,70 stays 9,70, 9,7 stays 9,7, 100 stays 100."""
    return "" if value is None else format_printed(value.value_as_printed)


@register.filter
def signed_count(value):
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_count(value)


@register.filter
def signed_rate(value):
    if value is None:
        return ""
    return ("+" if value > 0 else "") + format_decimal(value)


@register.filter
def qualified(value):
    """An IndicatorValue as a person reads it: “khoảng 2.050”, “dưới 9”."""
    if value is None:
        return ""
    word = QUALIFIER_WORDS.get(value.qualifier, "")
    return f"{word} {printed(value)}".strip()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def section_label(number):
    """The document's numbering as printed: “II.”, “2.1.”, “a)”, “-”."""
    if not number:
        return ""
    if number == "-":
        return "- "
    return f"{number}) " if number[0].islower() else f"{number}. "


# The plan page's longest loops, built in Python (reports/markup.py).
register.simple_tag(markup.household_appendix_html, name="household_appendix")
register.simple_tag(markup.indicator_appendix_html, name="indicator_appendix")
register.simple_tag(markup.responsibilities_html, name="responsibilities")


@register.simple_tag
def led_project(duty, project):
    return mark_safe(markup.led_project_html(duty, project))


@register.filter
def heading_level(level):
    """A heading level for HTML: the document's depth, deeper parts all h6 (HTML has no h7)."""
    try:
        return max(1, min(int(level), 6))
    except (TypeError, ValueError):
        return 2


# More data columns than this and a table prints on landscape pages: A4 portrait holds STT, a name and six figures.
WIDE_TABLE_COLUMNS = 6


@register.filter
def is_wide(columns):
    """Whether a table of these data columns needs a landscape page to print whole."""
    return len(columns or ()) > WIDE_TABLE_COLUMNS


@register.filter
def standard_label(code):
    """A poverty standard's code as pages name it: “2021–2026 (Nghị định 07/2021/NĐ-CP)”."""
    return plan_standard_label(code) if code else ""


@register.filter
def own_wording(value):
    """The document's own wording of an indicator value where it says more than the value shown (“không còn hộ
    nghèo” for 0, “giảm từ 3% trở lên”), written under it; "" where it only adds a % sign or a capital letter."""
    if value is None or not value.value_as_written:
        return ""

    def plain(text: str) -> str:
        return "".join(str(text).replace("%", "").split()).casefold()

    # Nothing to add where the wording is already in what is shown ("9" under "dưới 9").
    return "" if plain(value.value_as_written) in plain(qualified(value)) else value.value_as_written
