from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from seeding.seeds import FIXTURES_DIR, SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the catalogue, provinces and plans from fixtures/ (idempotent: existing plans are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=FIXTURES_DIR, help="Folder holding the seed files.")
        parser.add_argument("--replace", action="store_true", help="Delete and reload plans that already exist.")

    def handle(self, *args, directory: Path, replace: bool, **options):
        try:
            report = load_seeds(directory, replace=replace)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for slug in report.loaded_plans:
            self.stdout.write(self.style.SUCCESS(f"Loaded plan {slug}"))
        for slug in report.skipped_plans:
            self.stdout.write(f"Plan {slug} is already loaded (use --replace to reload it)")
        for name, count in sorted(report.created.items()):
            self.stdout.write(f"  {count} {name}")
