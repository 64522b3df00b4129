from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import NumberFormattingAdmin

from .catalogue import MAX_FILE_BYTES, UnitsRefused, units_load
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
    change_list_template = "admin/localities/locality_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(load_units_view(self.admin_site))
        return [path("load-units/", view, name="localities_locality_load_units"), *super().get_urls()]


@admin.register(LocalitySuccession)
class LocalitySuccessionAdmin(NumberFormattingAdmin):
    list_display = ["predecessor", "kind", "successor", "share_percent", "effective_date", "legal_basis"]
    list_filter = ["kind", "effective_date"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]


class LoadUnitsForm(forms.Form):
    catalogue = forms.FileField(label=_("Catalogue (CSV UTF-8 or .xlsx): code, name, kind, parent_code"))
    conversion = forms.FileField(
        label=_("Conversion (optional): old_code, new_code, change, share_percent"), required=False
    )
    effective = forms.DateField(
        label=_("Effective date"), help_text=_("dd/mm/yyyy: the day the catalogue's units begin")
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False, initial=True)


def load_units_view(admin_site):
    """The admin's upload of a catalogue and a conversion: the same service as `manage.py load_units`."""

    def view(request):
        if not request.user.has_perm("localities.add_locality"):
            raise PermissionDenied
        report, problems = None, []
        form = LoadUnitsForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            files = {
                name: (upload.name, upload.read(MAX_FILE_BYTES + 1))
                for name in ("catalogue", "conversion")
                if (upload := form.cleaned_data.get(name))
            }
            try:
                report = units_load(
                    catalogue=files["catalogue"],
                    conversion=files.get("conversion"),
                    effective=form.cleaned_data["effective"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except UnitsRefused as refused:
                problems = refused.problems
        context = {
            **admin_site.each_context(request),
            "title": _("Load the official catalogue of units"),
            "form": form,
            "report": report,
            "problems": problems,
            "opts": Locality._meta,
        }
        return TemplateResponse(request, "admin/localities/load_units.html", context)

    return view
