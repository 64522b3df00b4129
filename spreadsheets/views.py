"""Appendix workbooks: download (public, like the plan itself) and upload with preview and confirmation.

The import keeps the pending change set in the session between preview and confirmation — never the
file — and re-checks at confirmation that every old value is still the stored one.
"""

import uuid
from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from kernel.numbers import format_count
from kernel.page_cache import revision_cached
from plans.models import Appendix, Plan
from spreadsheets.changes import Change, ImportResult, override_refusal
from spreadsheets.export import XLSX_CONTENT_TYPE, save_workbook
from spreadsheets.files import MAX_ROWS, size_limit_text
from spreadsheets.forms import WorkbookUploadForm
from spreadsheets.importing import (
    ImportRefused,
    Problem,
    apply_changes,
    export_only_message,
    is_importable,
    read_workbook,
)
from spreadsheets.versions import VersionConflict
from workflow.page_keys import plan_page_key, viewable_plan_of
from workflow.permissions import Checker, viewable_plan
from workflow.services import reason_required_message

SESSION_KEY = "workbook-import:{slug}:{code}"


def _appendix(plan: Plan, code: str) -> Appendix:
    # An appendix the recorded text does not include has nothing to export or import.
    return get_object_or_404(Appendix, plan=plan, code=code, in_source=True)


def _workbook_response(plan: Plan, code: str | None) -> FileResponse:
    buffer = BytesIO()
    try:  # an appendix the recorded text does not include has nothing to export: 404
        workbook = save_workbook(plan, buffer, code)
    except Appendix.DoesNotExist as error:
        raise Http404 from error
    buffer.seek(0)  # streamed from the one buffer, without a second copy of the file
    return FileResponse(buffer, as_attachment=True, filename=workbook.file_name, content_type=XLSX_CONTENT_TYPE)


@require_safe
@revision_cached(plan_page_key)
def export_plan_workbook(request, slug):
    plan = viewable_plan_of(request, slug)
    return _workbook_response(plan, None)


@require_safe
@revision_cached(plan_page_key)
def export_appendix_workbook(request, slug, code):
    return _workbook_response(viewable_plan_of(request, slug), code)


@require_http_methods(["GET", "POST"])
def import_appendix(request, slug, code):
    plan = viewable_plan(request.user, slug)
    appendix = _appendix(plan, code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not Checker(request.user, plan).may_edit_anything:
        raise PermissionDenied(_("You may not change the figures of this plan."))
    context = {
        "plan": plan,
        "appendix": appendix,
        "importable": is_importable(appendix),
        "export_only_message": "" if is_importable(appendix) else export_only_message(appendix),
        "size_limit": size_limit_text(),
        "row_limit": format_count(MAX_ROWS),
    }
    key = SESSION_KEY.format(slug=plan.slug, code=appendix.code)
    if request.method == "GET" or not context["importable"]:
        status = 200 if request.method == "GET" else 400
        return render(
            request, "spreadsheets/import_upload.html", {**context, "form": WorkbookUploadForm()}, status=status
        )
    if "confirm" in request.POST:
        return _confirm(request, plan, appendix, key, context)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "spreadsheets/import_upload.html", {**context, "form": form}, status=400)
    upload = form.cleaned_data["workbook"]
    # The size is known from the upload before the file is read or parsed.
    result = read_workbook(upload, size=upload.size, plan=plan, appendix=appendix, user=request.user)
    request.session.pop(key, None)
    token = ""
    checker = Checker(request.user, plan)
    if result.ok and result.changes and (not result.conflicts or checker.is_reviewer):
        token = uuid.uuid4().hex
        request.session[key] = {
            "token": token,
            "file": upload.name,
            "reason_required": result.reason_required,
            "changes": [change.to_session() for change in result.changes],
            "conflicts": [conflict.to_session() for conflict in result.conflicts],
            "detects_conflicts": result.detects_conflicts,
            "warnings": [str(warning) for warning in result.warnings],
        }
    return _preview(request, context, result, token, upload.name, may_override=checker.is_reviewer)


def _preview(
    request,
    context: dict,
    result: ImportResult,
    token: str,
    file_name: str,
    status: int = 200,
    *,
    may_override: bool = False,
):
    extra = {
        "result": result,
        "token": token,
        "file_name": file_name,
        "form": WorkbookUploadForm(),
        "may_override": may_override,
    }
    return render(request, "spreadsheets/import_preview.html", {**context, **extra}, status=status)


def _confirm(request, plan: Plan, appendix: Appendix, key: str, context: dict):
    pending = request.session.get(key)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("There is nothing to confirm any more: upload the workbook again."))
        return redirect("spreadsheets:import_appendix", slug=plan.slug, code=appendix.code)
    changes = [Change.from_session(item) for item in pending["changes"]]
    conflicts = [VersionConflict.from_session(item) for item in pending.get("conflicts", [])]
    try:
        # As the grids' reason (editing.grids.BatchForm): at most 300 characters, none that cannot be stored.
        reason = forms.CharField(required=False, max_length=300).clean(request.POST.get("reason", "")).strip()
        invalid = []
    except ValidationError as error:
        reason, invalid = "", error.messages
    if not invalid and pending.get("reason_required") and not reason:
        invalid = [reason_required_message()]
    if not invalid and conflicts:
        if request.POST.get("override") != "1":
            invalid = [_("Tick “Override” to replace the figures changed since the workbook was made, or export anew.")]
        else:
            refusal = override_refusal(plan, request.user, reason)
            invalid = [refusal] if refusal else []
    warnings = pending.get("warnings", [])
    if not invalid and warnings and request.POST.get("warnings_read") != "1":
        invalid = [_("Tick “I have read the warnings” to save these changes: they would do what the warnings say.")]
    if invalid:
        # The same preview again, still pending: only the reason (or the override) is missing or unusable.
        result = ImportResult(
            changes=changes,
            reason_required=pending.get("reason_required", False),
            conflicts=conflicts,
            detects_conflicts=pending.get("detects_conflicts", True),
            warnings=[Problem(warning) for warning in warnings],
        )
        for message in invalid:
            messages.error(request, message)
        may_override = Checker(request.user, plan).is_reviewer
        return _preview(request, context, result, pending["token"], pending["file"], 400, may_override=may_override)
    del request.session[key]
    try:
        count = apply_changes(
            plan,
            changes,
            user=request.user,
            reason=reason,
            source=pending.get("file", ""),
            overridden=conflicts or None,
            confirmed_warnings=warnings,
        )
    except ImportRefused as refused:
        for problem in refused.problems:
            messages.error(request, str(problem))
        return redirect("spreadsheets:import_appendix", slug=plan.slug, code=appendix.code)
    messages.success(
        request,
        ngettext("%(count)s change was saved.", "%(count)s changes were saved.", count) % {"count": count},
    )
    return redirect("spreadsheets:import_appendix", slug=plan.slug, code=appendix.code)
