from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kernel.commands import TranslatedCommand
from plans.models import Appendix, Plan
from spreadsheets.changes import override_refusal
from spreadsheets.importing import ImportRefused, apply_changes, read_workbook


class Command(TranslatedCommand):
    help = (
        "Check a workbook of a plan's appendices (as export_appendix writes it), print the errors or the changes, "
        "and save the changes unless --dry-run. Exits with status 1, having written nothing, when it refuses the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan, e.g. hung-yen-2023-2025.")
        parser.add_argument("file", type=Path, help="The .xlsx workbook.")
        parser.add_argument("--appendix", dest="code", help="Only this appendix, by its code (e.g. 01).")
        parser.add_argument("--dry-run", action="store_true", help="Check and show the changes; write nothing.")
        parser.add_argument(
            "--user",
            dest="username",
            help="Import as this account: only what it may change, recorded in the history under its name. "
            "Without it the import runs as the server's operator: any row the review has not locked.",
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why the figures change; kept in the history. Required for a table approved and then reopened.",
        )
        parser.add_argument(
            "--override-conflicts",
            action="store_true",
            help="Save the workbook's figures even where the stored figure was changed by someone else after the "
            "workbook was exported. A reviewer only (--user), with --reason; the history names the overridden figures.",
        )
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="Save although the changes have warnings (a rate that moves, a total that no longer equals its rows, "
            "a rate that halves in a year, a target against its indicator's direction): read them first with "
            "--dry-run. The history records them as confirmed.",
        )

    def handle(
        self,
        *args,
        slug,
        file,
        code,
        dry_run,
        username,
        reason,
        override_conflicts=False,
        accept_warnings=False,
        **opts,
    ):
        file = Path(file)  # call_command passes keyword options through without their type
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(_("There is no plan “%(slug)s”.") % {"slug": slug})
        user = None
        if username:
            user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
            if user is None:
                raise CommandError(_("There is no account “%(username)s”.") % {"username": username})
        appendix = None
        if code is not None:
            appendix = Appendix.objects.filter(plan=plan, code=code, in_source=True).first()
            if appendix is None:
                raise CommandError(_("Plan %(slug)s has no appendix “%(code)s”.") % {"slug": slug, "code": code})
        try:
            size = file.stat().st_size
            with file.open("rb") as source:
                result = read_workbook(source, size=size, plan=plan, appendix=appendix, user=user)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror or error}
            ) from error

        for notice in result.notices:
            self.stdout.write(_("Note: %(notice)s") % {"notice": notice})
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(str(problem))
            count = len(result.errors)
            raise CommandError(
                ngettext(
                    "%(file)s was refused (%(count)d error): nothing was written.",
                    "%(file)s was refused (%(count)d errors): nothing was written.",
                    count,
                )
                % {"file": file.name, "count": count}
            )
        if not result.changes:
            self.stdout.write(
                self.style.SUCCESS(_("%(file)s holds the stored figures: nothing to change.") % {"file": file.name})
            )
            return
        count = len(result.changes)
        self.stdout.write(ngettext("%(count)d change:", "%(count)d changes:", count) % {"count": count})
        for change in result.changes:
            where = {"sheet": change.sheet, "row": change.row, "change": change}
            self.stdout.write("  " + _("%(sheet)s, row %(row)s: %(change)s") % where)
        if result.conflicts:
            count = len(result.conflicts)
            self.stderr.write(
                ngettext(
                    "%(count)d figure was changed by someone else after this workbook was exported:",
                    "%(count)d figures were changed by someone else after this workbook was exported:",
                    count,
                )
                % {"count": count}
            )
            for conflict in result.conflicts:
                self.stderr.write(f"  {conflict}")
            if not override_conflicts:
                raise CommandError(
                    _(
                        "%(file)s was refused: it would undo changes made since it was exported; nothing was written. "
                        "Export the appendix again, or (a reviewer, with --reason) use --override-conflicts."
                    )
                    % {"file": file.name}
                )
            refusal = override_refusal(plan, user, reason)
            if refusal:
                raise CommandError(_("%(refusal)s Nothing was written.") % {"refusal": refusal})
        if result.warnings:
            count = len(result.warnings)
            self.stdout.write(ngettext("%(count)d warning:", "%(count)d warnings:", count) % {"count": count})
            for warning in result.warnings:
                self.stdout.write("  " + _("Warning: %(warning)s") % {"warning": warning})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        if result.warnings and not accept_warnings:
            raise CommandError(
                _(
                    "%(file)s was not saved: its changes have warnings (above). Check them, then run again with "
                    "--accept-warnings to save; nothing was written."
                )
                % {"file": file.name}
            )
        try:
            count = apply_changes(
                plan,
                result.changes,
                user=user,
                reason=reason,
                source=file.name,
                overridden=result.conflicts if override_conflicts else None,
                confirmed_warnings=[str(warning) for warning in result.warnings],
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("The changes were refused: nothing was written.")) from refused
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("Saved %(count)d change.", "Saved %(count)d changes.", count) % {"count": count}
            )
        )
