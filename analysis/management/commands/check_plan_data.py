"""`manage.py check_plan_data <slug>`: the plan's data-quality findings, for scripts and CI.

Exits with status 1 when there are findings, so a loading pipeline can stop on them; the
published figures are never changed.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis.quality import check_plan
from plans.models import Plan


class Command(BaseCommand):
    help = "Check a plan's figures: rates against counts, remaining poor households, totals, target directions."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan's address in links, e.g. hung-yen-2023-2025.")

    def handle(self, *args, slug, **options):
        try:
            plan = Plan.objects.get(slug=slug)
        except Plan.DoesNotExist as error:
            raise CommandError(_("There is no plan with the address “%(slug)s”.") % {"slug": slug}) from error
        findings = check_plan(plan)
        self.stdout.write(f"{plan.reference} — {plan.title}")
        for finding in findings:
            self.stdout.write("")
            self.stdout.write(f"{finding.table} | {finding.row} | {finding.column}")
            self.stdout.write(
                "  "
                + _("published %(published)s, computed %(computed)s, difference %(difference)s")
                % {
                    "published": finding.published_text,
                    "computed": finding.computed_text,
                    "difference": finding.difference_text,
                }
            )
            self.stdout.write(f"  {finding.message}")
        self.stdout.write("")
        if not findings:
            self.stdout.write(self.style.SUCCESS(_("No findings: every figure that can be checked agrees.")))
            return
        self.stdout.write(
            self.style.WARNING(
                ngettext("%(count)s finding.", "%(count)s findings.", len(findings)) % {"count": len(findings)}
            )
        )
        self.stdout.flush()
        sys.exit(1)
