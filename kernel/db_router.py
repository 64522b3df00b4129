"""Read-only report pages for anonymous readers from a PostgreSQL read replica, when one is configured.

`DATABASE_REPLICA_URL` adds the database alias "replica" and this router (povertyplan/settings/base.py). Only
what runs inside `reading_from_replica()` reads there: the page cache wraps an anonymous reader's report page in it
(kernel.page_cache). Everything else — every write, every signed-in user's page (the people who write must see
their own writes at once), the admin, the grids, sessions — uses the primary.

A replica applies the primary's commits in order, so what a page reads there is a state the primary had: the
page's revision and its figures are read from the same replica, revision first, and the page is kept under the
revision it shows (workflow/revisions.py). An anonymous reader may see a change a replication delay late (usually
well under a second), never a page older than the revision it is kept under.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_replica = ContextVar("reading_from_replica", default=False)


@contextmanager
def reading_from_replica():
    token = _replica.set(REPLICA in settings.DATABASES)
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
