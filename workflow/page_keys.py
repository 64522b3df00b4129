"""What a report page's cache key and ETag name (kernel.page_cache): the data revision it shows and who looks.

The permission check comes first: a plan the user may not read is a 404 before any cache is looked at, so a page
kept for a reviewer can never be handed to a reader who may not see the plan. Beyond that, the key names the viewer:
every anonymous visitor shares one copy (they see the same page); a signed-in user has their own, under a key that
also names their name and their roles, so that a role given or taken away never serves a page built for the old
ones. The plan's row (and its revision) is read before anything the page shows (workflow/revisions.py).
"""

import hashlib

from .permissions import scopes_of, viewable_plan
from .revisions import site_revision


def viewer_key(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    scopes = scopes_of(user)
    rights = (
        user.get_username(),
        user.is_active,
        user.is_staff,
        user.is_superuser,
        scopes.is_admin,
        scopes.reads_everything,
        sorted(scopes.reviewed_provinces),
        sorted(scopes.localities),
        sorted(scopes.agencies),
        sorted(scopes.read_provinces),
    )
    return f"user:{user.pk}:{hashlib.sha256(repr(rights).encode()).hexdigest()[:16]}"


def viewable_plan_of(request, slug: str):
    """`viewable_plan` once per request: the page key reads the plan (and its revision), the view reuses it."""
    plans = request.__dict__.setdefault("_viewable_plans", {})
    if slug not in plans:
        plans[slug] = viewable_plan(request.user, slug)
    return plans[slug]


def plan_page_key(request, slug, *args, **kwargs) -> tuple:
    """A page of one plan: that plan's data revision."""
    plan = viewable_plan_of(request, slug)
    return ("plan", plan.pk, str(plan.data_revision), viewer_key(request.user))


def site_page_key(request, *args, **kwargs) -> tuple:
    """A page that spans plans (home, a locality, an agency): the site's revision."""
    return ("site", site_revision(), viewer_key(request.user))
