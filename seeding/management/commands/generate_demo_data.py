import time

from django.core.management.base import BaseCommand, CommandError

from seeding.demo_data import DemoDataExists, DemoSize, generate_demo_data, remove_demo_data


class Command(BaseCommand):
    help = (
        "Create a deterministic demo dataset shaped like the whole country (by default 63 provinces, about 700 "
        "districts and 10.600 communes, 2021–2025). Every slug starts with “demo-”; the seed plans are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=int, default=63, help="Number of provinces (default 63).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiplies the districts per province and the communes per district (default 1; 0.3 is small).",
        )
        parser.add_argument("--seed", type=int, default=2025, help="Seed of the random numbers (default 2025).")
        parser.add_argument(
            "--no-national", action="store_true", help="Without the two national plans (all districts, all communes)."
        )
        parser.add_argument(
            "--two-level",
            action="store_true",
            help="Also the two-level country from 01/07/2025: 34 province-level units, about a third as many communes, "
            "the successions from the old units and 2026 targets.",
        )
        parser.add_argument("--replace", action="store_true", help="Delete the existing demo data first.")
        parser.add_argument("--remove", action="store_true", help="Only delete the existing demo data.")

    def handle(self, *args, provinces, scale, seed, no_national, replace, remove, two_level=False, **options):
        if provinces < 1 or scale <= 0:
            raise CommandError("--provinces must be at least 1 and --scale above 0.")
        started = time.perf_counter()
        if remove:
            count = remove_demo_data()
            self.stdout.write(self.style.SUCCESS(f"Removed the demo data ({count} plans)."))
            return
        size = DemoSize(provinces=provinces, scale=scale, seed=seed, national=not no_national, two_level=two_level)
        try:
            report = generate_demo_data(size, replace=replace)
        except DemoDataExists as error:
            raise CommandError(f"{error} Nothing was changed; run with --replace to rebuild it.") from error
        if report.removed_plans:
            self.stdout.write(f"Removed the previous demo data ({report.removed_plans} plans).")
        for name, count in sorted(report.created.items()):
            self.stdout.write(f"  {count:>8} {name}")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data generated in {elapsed:.1f} s (seed {seed})."))
