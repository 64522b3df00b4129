"""What every model admin of the project shares: Vietnamese number input and display, and the hook through
which an app adds inlines to the admin of a model it does not own."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .fields import CountField, LocalizedNumberInput, MeasureField, RateField
from .numbers import format_count, format_measure, format_printed, format_rate
from .text import clean_input


class NumberFormattingAdmin(admin.ModelAdmin):
    # The admin would otherwise give integer fields a type=number input, which refuses "7.540".
    formfield_overrides = {
        CountField: {"widget": LocalizedNumberInput},
        RateField: {"widget": LocalizedNumberInput},
        MeasureField: {"widget": LocalizedNumberInput},
    }
    list_per_page = 50

    # The hook for apps above the model's own (localities cannot import plans, plans cannot import indicators):
    # each admin class keeps its own list of inlines contributed by other apps, added by `contribute_inline`
    # when those apps' admin modules load. Nothing is unregistered and registered again.
    contributed_inlines: list = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.contributed_inlines = []

    @classmethod
    def contribute_inline(cls, inline, *, after=None) -> None:
        """Show `inline` on this admin's pages, after the inline `after` (last when absent)."""
        cls.contributed_inlines.append((inline, after))

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        for inline, after in self.contributed_inlines:
            inlines.insert(inlines.index(after) + 1 if after in inlines else len(inlines), inline)
        return inlines

    def get_search_results(self, request, queryset, search_term):
        # The stored text is NFC (kernel.text.clean_input): a term typed decomposed, or with an invisible character
        # pasted along, must find it all the same.
        return super().get_search_results(request, queryset, clean_input(search_term))

    def save_formset(self, request, form, formset, change):
        # An inline whose rows must be written by a service (figures, values) brings a formset that knows how.
        save_through_service = getattr(formset, "save_through_service", None)
        if save_through_service is not None:
            return save_through_service(request)
        return super().save_formset(request, form, formset, change)


class NumberFormattingInline:
    formfield_overrides = NumberFormattingAdmin.formfield_overrides


def count_column(field_name: str, label):
    """A changelist column showing a count as 7.540."""

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        return format_count(getattr(obj, field_name))

    return column


def rate_column(field_name: str, label, *, attribute: str | None = None):
    """A changelist column showing a rate as 2,27 (ordered by `field_name`; shown from `attribute` where given: a
    published rate with the decimals the document printed, "1,2")."""

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        return format_rate(getattr(obj, attribute or field_name))

    return column


def measure_column(field_name: str, label, *, attribute: str | None = None):
    """A changelist column showing a measure as 72,5 or 1.000 (ordered by `field_name`; shown from `attribute` where
    given, with exactly its decimals: a value as the document printed it, "9,70")."""

    @admin.display(description=label, ordering=field_name)
    def column(_model_admin, obj):
        if attribute:
            return format_printed(getattr(obj, attribute))
        return format_measure(getattr(obj, field_name))

    return column


YES_NO = {True: _("Yes"), False: _("No")}
