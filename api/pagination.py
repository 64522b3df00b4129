"""Cursor pagination for every list of the API: keyset pages over a unique ordering, so a page costs the same
whether it is the first or the hundredth, and a row added meanwhile neither repeats nor hides another.

The cursor is opaque to callers (base64url of the last item's ordering key); a cursor that was not made here is
refused with 400 naming `cursor`.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .problems import ParameterError

DEFAULT_LIMIT = 100
# Enough for a national district table (704 rows) in one page; a commune table (10.600) takes eleven.
MAX_LIMIT = 1000
MAX_CURSOR_LENGTH = 2000


@dataclass(frozen=True)
class Key:
    """One field of a list's ordering: its lookup (for the database) and its type (to check a cursor)."""

    lookup: str
    type: type = str


@dataclass
class Page:
    items: list
    next_cursor: str | None
    # The rows of the page as a condition on the ordering keys (after the cursor, up to the last item): for a
    # second query about the page's rows that stays one short statement whatever the page's size.
    within: Q | None = None


def encode_cursor(values: Sequence) -> str:
    text = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[Key]) -> list:
    invalid = ParameterError("cursor", _("This cursor is not one the API gave: start again without it."))
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise invalid from error
    if not isinstance(values, list) or len(values) != len(keys):
        raise invalid
    for value, key in zip(values, keys, strict=True):
        if type(value) is not key.type:  # bool is not an int here
            raise invalid
    return values


def _after(keys: Sequence[Key], values: Sequence) -> Q:
    """Rows strictly after `values` in the ordering (k1, k2, …): k1 > v1, or k1 = v1 and k2 > v2, …"""
    condition = Q()
    for index in range(len(keys) - 1, -1, -1):
        step = Q(**{f"{keys[index].lookup}__gt": values[index]})
        condition = step if index == len(keys) - 1 else step | (Q(**{keys[index].lookup: values[index]}) & condition)
    return condition


def _up_to(keys: Sequence[Key], values: Sequence) -> Q:
    """Rows at or before `values` in the ordering: the complement of `_after`."""
    return ~_after(keys, values)


def keyset_page(queryset: QuerySet, keys: Sequence[Key], cursor: str | None, limit: int, key_of: Callable) -> Page:
    """One page of `queryset` ordered by `keys` (the last one unique), after the `cursor` position."""
    ordered = queryset.order_by(*(key.lookup for key in keys))
    within = Q()
    if cursor:
        within = _after(keys, decode_cursor(cursor, keys))
        ordered = ordered.filter(within)
    items = list(ordered[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    if more:
        within &= _up_to(keys, key_of(items[-1]))
    return Page(items, encode_cursor(key_of(items[-1])) if more and items else None, within)


def list_page(items: Sequence, keys: Sequence[Key], cursor: str | None, limit: int, key_of: Callable) -> Page:
    """The same over items already read and sorted by `key_of` (a list filtered in Python, e.g. a search)."""
    if cursor:
        position = tuple(decode_cursor(cursor, keys))
        items = [item for item in items if tuple(key_of(item)) > position]
    page = list(items[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return Page(page, encode_cursor(key_of(page[-1])) if more and page else None)


def next_url(request, next_cursor: str | None) -> str | None:
    if next_cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = next_cursor
    # A reference relative to the server (no host): the same page gives the same body, and so the same ETag.
    return request.path + "?" + urlencode(sorted(query.lists()), doseq=True)
