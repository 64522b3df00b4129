from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import NumberFormattingAdmin

from .models import Locality, LocalitySuccession


class SuccessionInline(admin.TabularInline):
    model = LocalitySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("successor")
    verbose_name_plural = _("successors")


class ChildInline(admin.TabularInline):
    model = Locality
    fk_name = "parent"
    extra = 0
    fields = ["name", "kind", "code", "valid_from", "valid_to"]
    show_change_link = True
    verbose_name = _("subordinate unit")
    verbose_name_plural = _("subordinate units")


@admin.register(Locality)
class LocalityAdmin(NumberFormattingAdmin):
    list_display = ["name", "kind", "level", "parent", "code", "valid_from", "valid_to"]
    list_filter = ["level", "kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["level"]
    fields = ["name", "slug", "kind", "level", "parent", "code", ("valid_from", "valid_to"), "note"]
    inlines = [ChildInline, SuccessionInline]


@admin.register(LocalitySuccession)
class LocalitySuccessionAdmin(NumberFormattingAdmin):
    list_display = ["predecessor", "kind", "successor", "effective_date", "legal_basis"]
    list_filter = ["kind", "effective_date"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]
