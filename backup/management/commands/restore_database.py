from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from backup.backup import restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by backup_database (pg_restore --clean on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, backup: Path, database="default", interactive=True, **options):
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(f"Every figure, change and account in {name} will be replaced by {backup}. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        restore(backup, database)
        self.stdout.write(f"Restored {name} from {backup}. Every session was ended: everyone logs in again.")
