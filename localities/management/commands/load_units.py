"""manage.py load_units CATALOGUE --effective DD/MM/YYYY [--conversion CONVERSION] [--dry-run] — docs/units.md."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from localities.catalogue import UnitsRefused, units_load


def _date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as error:
        raise CommandError(_("The effective date “%(date)s” is not a date dd/mm/yyyy.") % {"date": text}) from error


def _file(path: str) -> tuple[str, bytes]:
    try:
        return Path(path).name, Path(path).read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error


class Command(BaseCommand):
    help = "Load an administrative-unit catalogue (and the conversion of old units to new ones) effective on a date."

    def add_arguments(self, parser):
        parser.add_argument("catalogue", help="CSV (UTF-8) or .xlsx: code, name, kind, parent_code")
        parser.add_argument("--effective", required=True, help="dd/mm/yyyy: the day the catalogue's units begin")
        parser.add_argument("--conversion", help="CSV or .xlsx: old_code, new_code, change, share_percent")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")

    def handle(self, *args, catalogue, effective, conversion=None, dry_run=False, **options):
        effective_date = _date(effective)
        try:
            report = units_load(
                catalogue=_file(catalogue),
                effective=effective_date,
                conversion=_file(conversion) if conversion else None,
                dry_run=dry_run,
            )
        except UnitsRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            self.stderr.write(_("Nothing was written."))
            raise SystemExit(1) from refused
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
