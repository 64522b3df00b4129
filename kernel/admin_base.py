"""What every model admin of the project shares: Vietnamese number input and display, a search that ignores the
Unicode form and the diacritics of what is typed, and the hook through which an app adds inlines to the admin of a
model it does not own."""

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db.models import F, Q
from django.db.models.lookups import Contains, Exact, StartsWith
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from .fields import CountField, LocalizedNumberInput, MeasureField, RateField
from .numbers import format_count, format_measure, format_printed, format_rate
from .search import SearchKey
from .text import clean_input, search_key


class TextSearchAdmin:
    """The admin's search as the site's: whatever Unicode form the term is typed in (NFC, NFD, with an invisible
    character pasted along), and without diacritics or case — “phu cu” and “Phù Cừ” typed decomposed both find
    “Huyện Phù Cừ”. Each word of the term must be found in one of `search_fields` (as Django's own search); the
    comparison runs in the database (kernel.search.SearchKey), whatever the table's size.

    A mixin, so that the admins of other packages (django.contrib.auth's) take it too (SearchingAdminSite): every
    admin with `search_fields` does (tests/test_admin_search.py)."""

    def get_search_results(self, request, queryset, search_term):
        words = [unescape_string_literal(word) if word[:1] in "\"'" else word for word in smart_split(search_term)]
        keys = [key for key in (search_key(clean_input(word)) for word in words) if key]
        search_fields = self.get_search_fields(request)
        if not search_fields or not keys:
            return queryset, False
        lookups = {"^": StartsWith, "=": Exact}
        paths = [(lookups.get(name[:1], Contains), name.lstrip("^=@")) for name in search_fields]
        for key in keys:
            matches = Q()
            for lookup, path in paths:
                matches |= Q(lookup(SearchKey(F(path)), key))
            queryset = queryset.filter(matches)
        opts = queryset.model._meta
        return queryset, any(lookup_spawns_duplicates(opts, path) for _lookup, path in paths)


class SearchingAdminSite(admin.AdminSite):
    """The project's admin site (kernel.apps.KernelAdminConfig): every admin registered with `search_fields` gets the
    project's search, ours and those of other packages (django.contrib.auth's users and groups) alike — without
    unregistering anything."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if getattr(admin_class, "search_fields", ()) and not issubclass(admin_class, TextSearchAdmin):
            admin_class = type(
                admin_class.__name__, (TextSearchAdmin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class NumberFormattingAdmin(TextSearchAdmin, admin.ModelAdmin):
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
