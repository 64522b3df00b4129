"""Data revisions: what a rendered page, its ETag and its cache key are keyed by (docs/performance.md).

Each plan has `Plan.data_revision`, a new random value in the same transaction as every write that can change what
a page of that plan shows; the pages that span plans (home, locality, agency) are keyed by the site revision, a
digest of every plan's revision and of `SiteRevision`, the one row renewed when data no plan owns changes
(localities, successions, agencies, the catalogue, a user's name).

Who advances them:
- the one write service (workflow.services) for the writes it makes in bulk (figures and indicator values: no
  model signals), in its own transaction;
- model signals for everything saved or deleted one object at a time — the admin, the seed loader, review steps,
  the shell, and any model added later: every model of the domain apps (localities, plans, indicators, workflow)
  is connected when the application starts (`connect()`), so that a new write path is covered by construction.
  A model with a `plan` (or whose parent has one) advances that plan; any other advances every plan and the site.

A page reads the revision *before* the data it renders (the plan's row comes first), so a page stored under a
revision never holds data older than that revision. Random values rather than counters: a rolled-back write, a
deleted and recreated plan or a restored backup never brings back a key that named other data.

Bulk writes outside the service (`QuerySet.update`, `bulk_create`, raw SQL) send no signals: call `advance_plans`
or `advance_everything` in the same transaction — see “How to make a new write path advance the revision” in
docs/performance.md.
"""

import hashlib
import threading
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from plans.models import Plan

from .models import RoleAssignment, SiteRevision

# The apps whose models are shown on pages. Every model in them advances a revision when saved or deleted, except
# these: the history (written with the change it records), roles (they change who sees a page, which the page's key
# names by itself, not what the page shows) and the revision row itself.
TRACKED_APPS = ("localities", "plans", "indicators", "workflow")
UNTRACKED = (RoleAssignment, SiteRevision)

EVERYTHING = "everything"

_local = threading.local()


def _pending() -> list:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def advance_plans(plan_ids) -> None:
    """Give these plans (ids, or a queryset of ids) a new data revision; the site's changes with them (its digest
    covers every plan)."""
    stack = _pending()
    if stack:
        stack[-1]["plans"].update(plan_ids if isinstance(plan_ids, (set, list, tuple)) else list(plan_ids))
        return
    Plan.objects.filter(pk__in=plan_ids).update(data_revision=uuid.uuid4())


def advance_everything() -> None:
    """A change that any page may show (a locality, an agency, the catalogue): every plan and the site."""
    stack = _pending()
    if stack:
        stack[-1]["everything"] = True
        return
    Plan.objects.update(data_revision=uuid.uuid4())
    if not SiteRevision.objects.filter(pk=1).update(value=uuid.uuid4()):
        SiteRevision.objects.get_or_create(pk=1)


@contextmanager
def deferred():
    """Collect the advances of many single-object writes (the seed loader's thousands of saves) and make them once,
    on leaving the block — call it inside the writes' transaction. Nested blocks hand theirs to the outer one."""
    stack = _pending()
    stack.append({"plans": set(), "everything": False})
    try:
        yield
    finally:
        batch = stack.pop()
        if batch["everything"]:
            advance_everything()
        elif batch["plans"]:
            advance_plans(batch["plans"])


# --- reading -------------------------------------------------------------------------------------------------


def site_revision() -> str:
    """The revision of the pages that span plans: a digest of every plan's revision and the site's row, in one
    query. A plan added or deleted changes it too."""
    values = Plan.objects.order_by().values_list("data_revision", flat=True)
    values = values.union(SiteRevision.objects.order_by().values_list("value", flat=True), all=True)
    digest = hashlib.sha1(usedforsecurity=False)
    for value in sorted(str(value) for value in values):
        digest.update(value.encode())
    return digest.hexdigest()


# --- signals -------------------------------------------------------------------------------------------------


def _plan_field(model):
    try:
        field = model._meta.get_field("plan")
    except Exception:
        return None
    return field if getattr(field, "related_model", None) is Plan and field.concrete else None


def _parent_with_plan(model):
    """The foreign key to a model that has a plan (an appendix's row, a duty, an indicator value, a review step)."""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and _plan_field(field.related_model) is not None:
            return field
    return None


def _advance_for(instance) -> None:
    model = type(instance)
    if model is Plan:
        advance_plans([instance.pk])
        return
    if _plan_field(model) is not None:
        if instance.plan_id is not None:
            advance_plans([instance.plan_id])
        return
    parent = _parent_with_plan(model)
    if parent is not None:
        parent_id = getattr(instance, parent.attname)
        if parent_id is None:
            return
        if parent.is_cached(instance):
            advance_plans([getattr(instance, parent.name).plan_id])
        else:
            advance_plans(parent.related_model.objects.filter(pk=parent_id).values_list("plan_id", flat=True))
        return
    advance_everything()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the fixture's rows, whose plans are new or are loaded with them
        _advance_for(instance)


def _deleted(sender, instance, **kwargs):
    _advance_for(instance)


def _m2m_changed(sender, instance, action: str, **kwargs):
    if action.startswith("post_"):
        _advance_for(instance)


def _user_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    # A user's name is shown beside the reviews they made; a log-in (last_login) or a new password changes no page.
    if raw or created or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    advance_everything()


def tracked_models() -> list:
    return [
        model
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models()
        if model not in UNTRACKED and not hasattr(model, "instance_type")  # simple_history's historical models
    ]


def connect() -> None:
    for model in tracked_models():
        uid = f"data_revision_{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}_{field.name}")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="data_revision_user")
