"""Pages served at the speed of a static site: conditional requests and rendered pages kept by revision.

`@revision_cached(key_of)` wraps a read-only view. `key_of(request, *args, **kwargs)` returns what the page's
content depends on besides its URL — the data revision it shows and who is looking (workflow/revisions.py) — or
None for a response that must not be kept. It may raise Http404 (a plan the user may not read) before anything
is looked up. With the language, the day (deadlines count days) and the path with its query string that key:

- names the response's `ETag` (weak: each response carries its own masked CSRF token), sent with
  `Cache-Control: private, no-cache`, so that a browser asks again each time and is answered `304 Not Modified`
  without anything being rendered when nothing changed;
- names the rendered response in the cache `CACHES["pages"]` (each process's memory by default; Redis or
  memcached shared by every application host when `CACHE_URL` names one — povertyplan/settings/base.py). The page
  is stored with its CSRF tokens replaced by a placeholder, and each response gets the requesting browser's own.

A page is neither served from nor stored in the cache while the user has messages waiting to be shown (they are
part of the page), for anything but a plain 200, or when larger than `PAGE_CACHE_MAX_BYTES`.
"""

import functools
import hashlib
import re
from io import BytesIO

from django.conf import settings
from django.core.cache import caches
from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from .db_router import reading_from_replica

CACHE_ALIAS = "pages"
# The headers a stored page keeps; the others (cookies, Vary, Content-Language) come from the middleware each time.
KEPT_HEADERS = ("Content-Type", "Content-Disposition")
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_PLACEHOLDER = b"\x00csrf-token\x00"  # NUL never occurs in an HTML page, so the placeholder cannot collide


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() does not mark them as read


def _etag(key: str, request) -> str:
    # The browser's CSRF secret is part of it: a page whose token no longer matches the browser's cookie (a new
    # session, cookies cleared) is sent again rather than confirmed.
    secret = request.META.get("CSRF_COOKIE", "")
    digest = hashlib.sha256(f"{key}|{secret}".encode()).hexdigest()[:40]
    return f'W/"{digest}"'


def _finish(response, etag: str, state: str):
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Page-Cache"] = state
    return response


def _response(content: bytes, headers, streaming: bool):
    # A download stays a file response (streamed), as the view made it; a page an ordinary one.
    response = FileResponse(BytesIO(content)) if streaming else HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def revision_cached(key_of):
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                # An anonymous reader's page — its revision first, then its data — from the read replica when one is
                # configured (kernel.db_router); signed-in users, who write, always read the primary.
                with reading_from_replica():
                    return _conditional(request, view, key_of, args, kwargs)
            return _conditional(request, view, key_of, args, kwargs)

        return wrapped

    return decorator


def _conditional(request, view, key_of, args, kwargs):
    """The response: 304, the kept page, or the view's, kept for the next reader."""
    parts = key_of(request, *args, **kwargs)
    if parts is None or _messages_waiting(request):
        return view(request, *args, **kwargs)
    key = (
        "page:"
        + hashlib.sha256(
            repr(
                (parts, translation.get_language(), timezone.localdate().isoformat(), request.get_full_path())
            ).encode()
        ).hexdigest()
    )
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match:
        etag = _etag(key, request)
        if etag in parse_etags(if_none_match) or etag.removeprefix("W/") in parse_etags(if_none_match):
            return _finish(HttpResponseNotModified(), etag, "not-modified")
    cache = caches[CACHE_ALIAS]
    stored = cache.get(key)
    if stored is not None:
        content, headers, streaming = stored
        if not streaming and _PLACEHOLDER in content:  # a page's forms; a download (binary) is never touched
            # The browser's own token (this also sets the CSRF cookie when the browser has none).
            content = content.replace(_PLACEHOLDER, get_token(request).encode())
        return _finish(_response(content, headers, streaming), _etag(key, request), "hit")
    response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.cookies:
        return response
    headers = tuple((name, response[name]) for name in KEPT_HEADERS if name in response)
    if response.streaming:  # a download: a workbook of a few hundred KB at most, read once here
        content = b"".join(response.streaming_content)
        response = _response(content, headers, True)
    else:
        content = response.content
    if len(content) <= getattr(settings, "PAGE_CACHE_MAX_BYTES", 4 * 1024 * 1024):
        html = response.get("Content-Type", "").startswith("text/html")
        template = _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\2", content) if html else content
        cache.set(key, (template, headers, response.streaming))
    return _finish(response, _etag(key, request), "miss")
