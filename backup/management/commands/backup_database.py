from pathlib import Path

from django.core.management.base import BaseCommand

from backup.backup import backup, default_path


class Command(BaseCommand):
    help = "Back the database up: pg_dump (custom format) on PostgreSQL, a consistent copy on SQLite."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the backup file (default: backups/povertyplan-<time>.…)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        path = backup(output or default_path(database), database)
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")
