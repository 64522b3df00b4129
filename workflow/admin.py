"""Roles and reviews in the admin, and the admin of figures and indicator values, routed through the one write path.

Figures and indicator values change only through workflow.services, from the admin as from the
grid and imports: same permission check, same locks, same optimistic locking, same history. Staff
who are not superusers see and change only what their roles cover. These model admins live here, not in
plans or indicators, because their behaviour is this app's: they are registered once, and the figure and value
inlines are added to the plan, locality and plan-indicator pages through the hook those admins offer
(kernel.admin_base: `contribute_inline`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin import PlanIndicatorAdmin, PlanIndicatorInline
from indicators.models import IndicatorValue
from kernel.admin_base import (
    NumberFormattingAdmin,
    NumberFormattingInline,
    TextSearchAdmin,
    count_column,
    measure_column,
    rate_column,
)
from kernel.numbers import format_decimal, format_printed, format_rate
from localities.admin import LocalityAdmin
from plans.admin import PlanAdmin
from plans.models import HouseholdFigure

from .models import ReviewEvent, RoleAssignment, TableReview
from .permissions import Checker, scopes_of
from .services import (
    FigureEdit,
    ValueEdit,
    figure_delete,
    indicator_value_delete,
    save_figures,
    save_indicator_values,
)

FIGURE_VALUE_FIELDS = [
    "households",
    "poor_households",
    "near_poor_households",
    "published_rate",
    "planned_reduction",
    "standard",
    "note",
    "source",
    "source_date",
    "is_derived",
]
INDICATOR_VALUE_FIELDS = ["value", "qualifier", "value_as_written", "note", "source", "source_date"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(TextSearchAdmin, admin.ModelAdmin):
    list_display = ["user", "role", "province", "locality", "agency"]
    list_filter = ["role", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "locality__name", "agency__name"]
    autocomplete_fields = ["user", "province", "locality", "agency"]


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    fields = ["at", "user", "from_state", "to_state", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TableReview)
class TableReviewAdmin(TextSearchAdmin, admin.ModelAdmin):
    """Read-only: review states change through the review screen, which keeps the trail."""

    list_display = ["plan", "table", "locality", "state", "changed_by", "changed_at"]
    list_filter = [("plan__province", admin.RelatedOnlyFieldListFilter), "plan", "table", "state"]
    search_fields = ["locality__name", "comment"]
    inlines = [ReviewEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceFormMixin(forms.ModelForm):
    """Extra fields of a figure form: the version the user opened, and the reason for the change."""

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=300,
        help_text=_("Required when changing a table that was approved and reopened."),
    )

    request = None  # set by the admin's get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version_seen" in self.fields:
            self.fields["version_seen"].initial = self.instance.version

    def _apply(self, dry_run: bool):
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            result = self._apply(dry_run=True)
            for conflict in result.conflicts:
                self.add_error(None, conflict.message)
            for errors in result.errors.values():
                for message in errors:
                    self.add_error(None, message)
        return cleaned


class FigureAdminForm(ServiceFormMixin):
    class Meta:
        model = HouseholdFigure
        fields = ["plan", "locality", "year", "kind", *FIGURE_VALUE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.published_rate is not None and "published_rate" in self.fields:
            # The rate as the document printed it ("1,2", "5,00"): the number field alone would show "5".
            self.initial["published_rate"] = format_rate(self.instance.published_rate_as_printed)

    def _apply(self, dry_run: bool):
        data = self.cleaned_data
        figure = self.instance
        plan = data.get("plan") or figure.plan
        edit = FigureEdit(
            key="figure",
            locality=data.get("locality") or figure.locality,
            year=data.get("year") or figure.year,
            kind=data.get("kind") or figure.kind,
            values={name: data.get(name) for name in FIGURE_VALUE_FIELDS if name in data},
            version=data.get("version_seen") if figure.pk else None,
        )
        return save_figures(
            user=self.request.user, plan=plan, edits=[edit], reason=data.get("change_reason", ""), dry_run=dry_run
        )


class ValueAdminForm(ServiceFormMixin):
    class Meta:
        model = IndicatorValue
        fields = ["plan_indicator", "year", "kind", *INDICATOR_VALUE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.value is not None and "value" in self.fields:
            # The value as the document printed it ("9,70", "100"): the number field alone would show "9,7".
            self.initial["value"] = format_printed(self.instance.value_as_printed)

    def _apply(self, dry_run: bool):
        data = self.cleaned_data
        value = self.instance
        plan_indicator = data.get("plan_indicator") or value.plan_indicator
        edit = ValueEdit(
            key="value",
            plan_indicator=plan_indicator,
            year=data.get("year") or value.year,
            kind=data.get("kind") or value.kind,
            values={name: data.get(name) for name in INDICATOR_VALUE_FIELDS if name in data},
            version=data.get("version_seen") if value.pk else None,
        )
        return save_indicator_values(
            user=self.request.user,
            plan=plan_indicator.plan,
            edits=[edit],
            reason=data.get("change_reason", ""),
            dry_run=dry_run,
        )


class ScopedServiceAdmin:
    """Scope, locks and the service write path for a model admin of figures or values."""

    identity_fields: list[str] = []
    checker_target = None  # a function obj → (plan, decision-function)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, (_("Change"), {"fields": ["change_reason", "version_seen"]})]

    def get_readonly_fields(self, request, obj=None):
        # Which figure a row is, is not edited in place: delete and add instead.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + self.identity_fields if obj is not None else readonly

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or bool(self.decision(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        plan = self.plan_of(obj)
        return Checker(request.user, plan).is_reviewer and bool(self.decision(request.user, obj))

    # Deletions go through the service too (scope, lock, reason, history): one at a time, with a reason field on
    # the confirmation page; the bulk "delete selected" action, which would call QuerySet.delete(), is removed.
    delete_confirmation_template = "admin/workflow/delete_with_reason.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and request.POST.get("post"):
            obj = self.get_object(request, admin.utils.unquote(object_id))
            if obj is not None:
                try:
                    self.delete_through_service(request, obj, dry_run=True)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    return HttpResponseRedirect(request.get_full_path())
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):  # not reachable without the action; kept honest all the same
        for obj in queryset:
            self.delete_through_service(request, obj)

    def delete_through_service(self, request, obj, *, dry_run=False):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        result = form._apply(dry_run=False)
        if not result.ok:  # only if someone saved in the instant between validation and saving
            raise PermissionDenied(" ".join(c.message for c in result.conflicts) or str(result.errors))
        if not change:
            saved = type(obj).objects.filter(**{f: getattr(obj, f) for f in self.identity_fields}).first()
            if saved is not None:
                obj.pk = saved.pk


@admin.register(HouseholdFigure)
class HouseholdFigureAdmin(ScopedServiceAdmin, NumberFormattingAdmin, SimpleHistoryAdmin):
    form = FigureAdminForm
    list_display = [
        "locality",
        "year",
        "kind",
        "households_display",
        "poor_display",
        "published_rate_display",
        "computed_rate_display",
        "reduction_display",
        "plan",
    ]
    list_filter = [
        ("plan__province", admin.RelatedOnlyFieldListFilter),
        "plan",
        "year",
        "kind",
        "locality__level",
        "standard",
    ]
    search_fields = ["locality__name", "plan__title", "note"]
    autocomplete_fields = ["locality", "plan"]
    list_select_related = ["locality", "plan", "plan__province"]
    readonly_fields = ["computed_rate_display"]
    households_display = count_column("households", _("households"))
    poor_display = count_column("poor_households", _("poor households"))
    reduction_display = count_column("planned_reduction", _("planned reduction"))
    published_rate_display = rate_column(
        "published_rate", _("rate as published (%)"), attribute="published_rate_as_printed"
    )
    identity_fields = ["plan", "locality", "year", "kind"]
    fields = None
    fieldsets = [
        (None, {"fields": ["plan", "locality", ("year", "kind", "standard")]}),
        (
            _("Figures"),
            {
                "fields": [
                    ("households", "poor_households", "near_poor_households"),
                    ("published_rate", "computed_rate_display"),
                    "planned_reduction",
                    "note",
                    ("source", "source_date"),
                    "is_derived",
                ]
            },
        ),
    ]

    @admin.display(description=_("computed rate (%)"))
    def computed_rate_display(self, obj):
        return format_decimal(obj.computed_rate) if obj.pk else ""

    def plan_of(self, obj):
        return obj.plan

    def decision(self, user, obj):
        return Checker(user, obj.plan).can_edit_figure(obj.locality)

    def delete_through_service(self, request, obj, *, dry_run=False):
        reason = request.POST.get("change_reason", "")
        figure_delete(user=request.user, figure=obj, reason=reason, dry_run=dry_run)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scopes = scopes_of(request.user)
        if scopes.is_admin:
            return queryset
        return queryset.filter(
            Q(plan__province__in=scopes.reviewed_provinces)
            | Q(locality__in=scopes.localities)
            | Q(locality__parent__in=scopes.localities)
        )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedServiceAdmin, NumberFormattingAdmin, SimpleHistoryAdmin):
    form = ValueAdminForm
    list_display = ["plan_indicator", "year", "kind", "qualifier", "value_display", "value_as_written"]
    list_filter = [
        ("plan_indicator__plan__province", admin.RelatedOnlyFieldListFilter),
        "plan_indicator__plan",
        "year",
        "kind",
        "qualifier",
        "plan_indicator__indicator__dimension",
    ]
    search_fields = ["plan_indicator__text", "value_as_written"]
    autocomplete_fields = ["plan_indicator"]
    list_select_related = ["plan_indicator"]
    value_display = measure_column("value", _("value"), attribute="value_as_printed")
    identity_fields = ["plan_indicator", "year", "kind"]
    fieldsets = [
        (None, {"fields": ["plan_indicator", ("year", "kind")]}),
        (_("Value"), {"fields": [("value", "qualifier"), "value_as_written", "note", ("source", "source_date")]}),
    ]

    def plan_of(self, obj):
        return obj.plan_indicator.plan

    def decision(self, user, obj):
        return Checker(user, obj.plan_indicator.plan).can_edit_indicator(obj.plan_indicator)

    def delete_through_service(self, request, obj, *, dry_run=False):
        reason = request.POST.get("change_reason", "")
        indicator_value_delete(user=request.user, value=obj, reason=reason, dry_run=dry_run)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scopes = scopes_of(request.user)
        if scopes.is_admin:
            return queryset
        return queryset.filter(
            Q(plan_indicator__plan__province__in=scopes.reviewed_provinces)
            | Q(plan_indicator__lead_agency__in=scopes.agencies)
        )


# --- inlines on the pages of plans, localities and plan indicators ------------------------------------


# Inline rows are edited by superusers only, and their saves and deletions go through the same service as the
# figure pages (locks, permissions, versions, reasons, history); other staff see them read-only. Each row carries
# the version it was shown with and a reason; the formset asks the service first (dry runs) so that a refused row
# shows its message and nothing of the page is saved.
class InlineServiceForm(forms.ModelForm):
    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version_seen"].initial = self.instance.version


class ServiceInline(NumberFormattingInline, admin.TabularInline):
    extra = 0
    form = InlineServiceForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ServiceFormSet(forms.BaseInlineFormSet):
    """Saves and deletes its rows through the write service (called by the admin base's save_formset)."""

    request = None  # set by ServiceInline.get_formset

    def _changed_forms(self):
        deleted = set(self.deleted_forms) if self.can_delete else set()
        return [
            form
            for form in self.forms
            if form not in deleted and form.has_changed() and not (form.instance.pk is None and not form.has_changed())
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        refusals = []
        with transaction.atomic():  # the dry runs lock what the saves will write; nothing is written here
            for form in self.deleted_forms if self.can_delete else []:
                if form.instance.pk:
                    try:
                        self.delete_one(form.instance, form.cleaned_data.get("change_reason", ""), dry_run=True)
                    except (PermissionDenied, ValidationError) as error:
                        # A form marked for deletion does not count in the formset's validity: said for the formset.
                        refusals.append(f"{form.instance}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            for form in self._changed_forms():
                try:
                    result = self.save_one(form.save(commit=False), form.cleaned_data, dry_run=True)
                except PermissionDenied as refused:
                    form.add_error(None, str(refused))
                    continue
                for conflict in result.conflicts:
                    form.add_error(None, conflict.message)
                for errors in result.errors.values():
                    for message in errors:
                        form.add_error(None, message)
        if refusals:
            raise ValidationError(refusals)

    def save_through_service(self, request):
        # What BaseModelFormSet.save() would record, for the admin's change message.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms if self.can_delete else []:
            if form.instance.pk:
                self.delete_one(form.instance, form.cleaned_data.get("change_reason", ""))
                self.deleted_objects.append(form.instance)
        for form in self._changed_forms():
            obj = form.save(commit=False)
            created = obj.pk is None
            result = self.save_one(obj, form.cleaned_data)
            if not result.ok:  # only if someone saved in the instant since the check: the page's transaction ends
                raise PermissionDenied(" ".join(c.message for c in result.conflicts) or str(result.errors))
            if created:
                self.new_objects.append(obj)
            else:
                self.changed_objects.append((obj, [name for name in form.changed_data if name != "change_reason"]))


class FigureFormSet(ServiceFormSet):
    def save_one(self, figure, data, *, dry_run=False):
        edit = FigureEdit(
            key=str(figure.pk),
            locality=figure.locality,
            year=figure.year,
            kind=figure.kind,
            values={name: getattr(figure, name) for name in FIGURE_VALUE_FIELDS},
            version=data.get("version_seen") if figure.pk else None,
        )
        return save_figures(
            user=self.request.user,
            plan=figure.plan,
            edits=[edit],
            reason=data.get("change_reason", ""),
            dry_run=dry_run,
        )

    def delete_one(self, figure, reason, *, dry_run=False):
        figure_delete(user=self.request.user, figure=figure, reason=reason, dry_run=dry_run)


class ValueFormSet(ServiceFormSet):
    def save_one(self, value, data, *, dry_run=False):
        edit = ValueEdit(
            key=str(value.pk),
            plan_indicator=value.plan_indicator,
            year=value.year,
            kind=value.kind,
            values={name: getattr(value, name) for name in INDICATOR_VALUE_FIELDS},
            version=data.get("version_seen") if value.pk else None,
        )
        return save_indicator_values(
            user=self.request.user,
            plan=value.plan_indicator.plan,
            edits=[edit],
            reason=data.get("change_reason", ""),
            dry_run=dry_run,
        )

    def delete_one(self, value, reason, *, dry_run=False):
        indicator_value_delete(user=self.request.user, value=value, reason=reason, dry_run=dry_run)


class HouseholdFigureInline(ServiceInline):
    model = HouseholdFigure
    formset = FigureFormSet
    fields = [
        "locality",
        "year",
        "kind",
        "households",
        "poor_households",
        "near_poor_households",
        "published_rate",
        "computed_rate_display",
        "planned_reduction",
        "change_reason",
        "version_seen",
    ]
    readonly_fields = ["computed_rate_display"]
    autocomplete_fields = ["locality"]

    @admin.display(description=_("computed rate (%)"))
    def computed_rate_display(self, obj):
        return format_decimal(obj.computed_rate) if obj.pk else ""


class LocalityFigureInline(HouseholdFigureInline):
    fields = ["plan", *HouseholdFigureInline.fields[1:]]
    autocomplete_fields = ["plan"]


class IndicatorValueInline(ServiceInline):
    model = IndicatorValue
    formset = ValueFormSet
    fields = ["year", "kind", "value", "qualifier", "value_as_written", "note", "change_reason", "version_seen"]


PlanAdmin.contribute_inline(HouseholdFigureInline, after=PlanIndicatorInline)
LocalityAdmin.contribute_inline(LocalityFigureInline)
PlanIndicatorAdmin.contribute_inline(IndicatorValueInline)
