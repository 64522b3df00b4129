"""A base for management commands that speak the user's language to the end, their error line included."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class TranslatedCommand(BaseCommand):
    """Django prints a refusal from the command line as "CommandError: …", in English around a translated message.
    Run from the command line, this prints it as "Lỗi: …" (the active language's word) with the same exit status;
    called from code (call_command, the tests) it still raises CommandError."""

    def execute(self, *args, **options):
        if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
            return super().execute(*args, **options)
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            self.stderr.write(_("Error: %(message)s") % {"message": error})
            raise SystemExit(error.returncode) from error
