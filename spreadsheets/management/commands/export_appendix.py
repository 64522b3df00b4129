from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kernel.commands import TranslatedCommand
from plans.models import Appendix, Plan
from spreadsheets.export import appendices_to_export, save_workbook
from spreadsheets.layout import sheet_names


class Command(TranslatedCommand):
    help = (
        "Write a plan's appendices to an Excel workbook in the official layout, one sheet per appendix "
        "(or only --appendix)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan, e.g. hung-yen-2023-2025.")
        parser.add_argument("--output", "-o", type=Path, required=True, help="The .xlsx file to write.")
        parser.add_argument("--appendix", dest="code", help="Only this appendix, by its code (e.g. 01).")

    def handle(self, *args, slug: str, output, code: str | None, **options):
        output = Path(output)  # call_command passes keyword options through without their type
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(_("There is no plan “%(slug)s”.") % {"slug": slug})
        try:
            appendices = appendices_to_export(plan, code)
        except Appendix.DoesNotExist as error:
            codes = ", ".join(sheet_names(plan)) or "—"
            raise CommandError(
                _("Plan %(slug)s has no exported appendix “%(code)s” (its appendices: %(codes)s).")
                % {"slug": slug, "code": code, "codes": codes}
            ) from error
        if output.suffix.lower() != ".xlsx":
            raise CommandError(_("The output file must end in .xlsx."))
        save_workbook(plan, output, code)
        names = sheet_names(plan)
        sheets = ", ".join(f"“{names[appendix.code]}”" for appendix in appendices)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(sheets)s of %(plan)s to %(output)s")
                % {"sheets": sheets, "plan": plan.slug, "output": output}
            )
        )
