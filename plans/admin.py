import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import (
    NumberFormattingAdmin,
)

from .columns import ColumnsWidget
from .forms import CoordinatingAgenciesForm
from .models import (
    Agency,
    AgencyResponsibility,
    AgencySuccession,
    Appendix,
    AppendixRow,
    Duty,
    LegalBasis,
    Plan,
    PlanSection,
    PolicyTask,
    PovertyStandard,
    ProgramProject,
    Recipient,
    ReportingObligation,
)

_PLAN_CHANGE_PAGE = re.compile(r"/admin/plans/plan/(\d+)/change/")

# --- inlines ---------------------------------------------------------------------------------------


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0


class RecipientInline(admin.TabularInline):
    model = Recipient
    extra = 0


class AppendixInline(admin.TabularInline):
    model = Appendix
    extra = 0
    fields = ["order", "code", "kind", "title", "note", "in_source"]
    show_change_link = True


class AgencyResponsibilityInline(admin.TabularInline):
    model = AgencyResponsibility
    extra = 0
    fields = ["order", "number", "agency", "heading"]
    autocomplete_fields = ["agency"]
    show_change_link = True


class PolicyTaskInline(admin.StackedInline):
    model = PolicyTask
    extra = 0
    fields = [
        ("order", "number"),
        "text",
        ("lead_agency", "lead_as_written"),
        ("coordinating_agencies", "coordinating_as_written"),
        ("deadline_as_written", "deadline_year", "deadline_date"),
        "note",
    ]
    autocomplete_fields = ["lead_agency", "coordinating_agencies"]
    form = CoordinatingAgenciesForm


class ReportingObligationInline(admin.StackedInline):
    model = ReportingObligation
    extra = 0
    fields = [
        ("order", "number"),
        "text",
        ("reporters", "reporters_as_written"),
        ("recipient_as_written", "via_agency"),
        ("subject", "frequency", "due_date"),
    ]
    autocomplete_fields = ["reporters", "via_agency"]


class DutyInline(admin.StackedInline):
    model = Duty
    extra = 0
    fields = [("order", "marker"), "text", "led_projects"]
    filter_horizontal = ["led_projects"]


class AppendixRowInline(admin.TabularInline):
    model = AppendixRow
    extra = 0
    autocomplete_fields = ["locality"]


# --- model admins ----------------------------------------------------------------------------------


class AgencySuccessionInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("successor")
    verbose_name_plural = _("successors (duties taken over)")


@admin.register(Agency)
class AgencyAdmin(NumberFormattingAdmin):
    list_display = ["name", "short_name", "kind", "province", "valid_from", "valid_to"]
    list_filter = [("province", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["name", "short_name", "province__name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["successor"]
    inlines = [AgencySuccessionInline]
    list_select_related = ["province"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("province")

    def get_search_results(self, request, queryset, search_term):
        """The lead and coordinating agency choices of a plan's page offer that plan's province's agencies only
        (the autocomplete request comes from the plan's change page: its address names the plan)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        plan_id = _plan_of_referer(request)
        if plan_id is not None and request.path.endswith("/autocomplete/"):
            province = Plan.objects.filter(pk=plan_id).values_list("province_id", flat=True).first()
            if province is not None:
                queryset = queryset.filter(province_id=province)
        return queryset, may_have_duplicates


def _plan_of_referer(request) -> int | None:
    """The plan whose admin change page asks (…/admin/plans/plan/<id>/change/), or None."""
    match = _PLAN_CHANGE_PAGE.search(request.META.get("HTTP_REFERER", ""))
    return int(match.group(1)) if match else None


@admin.register(PovertyStandard)
class PovertyStandardAdmin(NumberFormattingAdmin):
    list_display = ["name", "legal_basis", "first_year", "last_year", "code"]
    search_fields = ["name", "legal_basis", "code"]


@admin.register(ProgramProject)
class ProgramProjectAdmin(NumberFormattingAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(NumberFormattingAdmin):
    list_display = ["reference", "short_title", "province", "period_label", "status", "issue_date", "signer_name"]
    list_filter = [("province", admin.RelatedOnlyFieldListFilter), "status", "first_year"]
    search_fields = ["title", "number", "slug", "signer_name"]
    date_hierarchy = "issue_date"
    autocomplete_fields = ["follows"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["province", "slug", "status", "follows"]}),
        (
            _("Document"),
            {
                "fields": [
                    ("document_type", "number", "symbol"),
                    "title",
                    ("issue_date", "date_as_written", "place"),
                    "issuer",
                    ("signing_capacity", "signer_title", "signer_name"),
                ]
            },
        ),
        (_("Period"), {"fields": [("first_year", "last_year", "orientation_year")]}),
        (_("Text"), {"fields": ["preamble", "closing"], "classes": ["collapse"]}),
    ]
    inlines = [
        LegalBasisInline,
        # indicators.admin adds the plan's indicator targets here, workflow.admin its yearly figures
        AgencyResponsibilityInline,
        PolicyTaskInline,
        ReportingObligationInline,
        AppendixInline,
        RecipientInline,
    ]

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return obj.title[:90] + ("…" if len(obj.title) > 90 else "")

    @admin.display(description=_("period"), ordering="first_year")
    def period_label(self, obj):
        return obj.period_label


@admin.register(LegalBasis)
class LegalBasisAdmin(NumberFormattingAdmin):
    list_display = ["document_type", "number", "issue_date", "issuer", "plan"]
    list_filter = [("plan__province", admin.RelatedOnlyFieldListFilter), "plan", "document_type"]
    search_fields = ["number", "summary", "issuer"]


@admin.register(PlanSection)
class PlanSectionAdmin(NumberFormattingAdmin):
    list_display = ["number", "heading_or_text", "kind", "parent", "plan", "order"]
    list_filter = [("plan__province", admin.RelatedOnlyFieldListFilter), "plan", "kind"]
    search_fields = ["heading", "body", "lead_as_written"]
    autocomplete_fields = ["parent", "lead_agencies"]
    list_select_related = ["plan", "parent"]

    @admin.display(description=_("heading or text"))
    def heading_or_text(self, obj):
        text = obj.heading or obj.body
        return text[:100] + ("…" if len(text) > 100 else "")


@admin.register(Recipient)
class RecipientAdmin(NumberFormattingAdmin):
    list_display = ["text", "plan", "order"]
    list_filter = ["plan"]
    search_fields = ["text"]


class AppendixForm(forms.ModelForm):
    class Meta:
        model = Appendix
        fields = [
            "plan",
            "code",
            "order",
            "kind",
            "title",
            "note",
            "number_header",
            "label_header",
            "columns",
            "in_source",
        ]
        widgets = {"columns": ColumnsWidget}


@admin.register(Appendix)
class AppendixAdmin(NumberFormattingAdmin):
    form = AppendixForm
    list_display = ["heading", "code", "kind", "plan", "in_source"]
    autocomplete_fields = ["plan"]
    search_fields = ["title", "note", "plan__title"]
    list_filter = [("plan__province", admin.RelatedOnlyFieldListFilter), "plan", "kind"]
    inlines = [AppendixRowInline]


@admin.register(AppendixRow)
class AppendixRowAdmin(NumberFormattingAdmin):
    list_display = ["label", "number", "locality", "appendix", "is_total"]
    list_filter = ["appendix__plan", "is_total"]
    search_fields = ["label", "locality__name"]
    autocomplete_fields = ["locality"]


# HouseholdFigure's admin is workflow.admin's: every change of a figure goes through the one write service.


@admin.register(AgencyResponsibility)
class AgencyResponsibilityAdmin(NumberFormattingAdmin):
    list_display = ["number", "heading", "agency", "plan", "duty_count"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        "plan",
        ("agency", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["heading", "agency__name", "duties__text"]
    autocomplete_fields = ["agency"]
    inlines = [DutyInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).select_related("plan", "agency").annotate(duty_total=Count("duties"))

    @admin.display(description=_("duties"), ordering="duty_total")
    def duty_count(self, obj):
        return obj.duty_total


@admin.register(Duty)
class DutyAdmin(NumberFormattingAdmin):
    list_display = ["marker", "short_text", "responsibility"]
    list_filter = [
        "responsibility__plan",
        ("responsibility__agency", admin.RelatedOnlyFieldListFilter),
        "led_projects",
    ]
    search_fields = ["text"]
    filter_horizontal = ["led_projects"]
    list_select_related = ["responsibility"]

    @admin.display(description=_("duty"))
    def short_text(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")


@admin.register(PolicyTask)
class PolicyTaskAdmin(NumberFormattingAdmin):
    list_display = ["number", "short_text", "lead_agency", "deadline_as_written", "plan"]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        "plan",
        ("lead_agency", admin.RelatedOnlyFieldListFilter),
        "deadline_year",
    ]
    search_fields = ["text", "lead_as_written", "coordinating_as_written", "note"]
    autocomplete_fields = ["lead_agency", "coordinating_agencies", "plan"]
    list_select_related = ["lead_agency", "plan"]
    form = CoordinatingAgenciesForm

    @admin.display(description=_("task"))
    def short_text(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")


@admin.register(ReportingObligation)
class ReportingObligationAdmin(NumberFormattingAdmin):
    list_display = ["__str__", "recipient_as_written", "via_agency", "frequency", "due_date", "plan"]
    list_filter = [("plan__province", admin.RelatedOnlyFieldListFilter), "plan", "frequency", "due_date"]
    search_fields = ["text", "reporters_as_written", "recipient_as_written", "subject"]
    autocomplete_fields = ["reporters", "via_agency", "plan"]
