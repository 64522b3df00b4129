"""Mark the history records of each plan's first load as the initial load (workflow.changelog.INITIAL_LOAD).

Before, the seeding left them without a reason: the change log showed one entry per seeded figure and the review
screen counted them as changes since approval. A record created (“+”) without a user and without a reason is
such a record: imports name their file in the reason, and the admin and grids always have a user.
"""

from django.db import migrations
from django.db.models import Q

INITIAL_LOAD = "initial load"
MODELS = [
    ("plans", "HistoricalHouseholdFigure"),
    ("plans", "HistoricalDuty"),
    ("plans", "HistoricalPolicyTask"),
    ("indicators", "HistoricalIndicatorValue"),
]


def mark(apps, schema_editor):
    for app, name in MODELS:
        apps.get_model(app, name).objects.filter(
            Q(history_change_reason="") | Q(history_change_reason__isnull=True),
            history_type="+",
            history_user__isnull=True,
        ).update(history_change_reason=INITIAL_LOAD)


def unmark(apps, schema_editor):
    for app, name in MODELS:
        apps.get_model(app, name).objects.filter(history_change_reason=INITIAL_LOAD).update(history_change_reason=None)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_site_revision"),
        ("plans", "0007_plan_data_revision"),
        ("indicators", "0002_history_versions_results"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
