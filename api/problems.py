"""Errors as RFC 9457 problem details, in the caller's language: every refusal of the API looks the same.

`{"type", "title", "status", "detail", "instance", "errors": [{"parameter", "message"}]}` with the media type
`application/problem+json`. `type` is `about:blank` where the status says it all, else one of PROBLEM_TYPES
(documented in docs/api.md).
"""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"
PROBLEM_TYPES = {
    "invalid-parameter": TYPE_BASE + "invalid-parameter",
    "invalid-token": TYPE_BASE + "invalid-token",
}


class ParameterError(Exception):
    """A parameter the caller sent that the API cannot use: 400, naming the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def status_title(status: int) -> str:
    titles = {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        413: _("Request too large"),
        429: _("Too many requests"),
    }
    return titles.get(status, _("Server error") if status >= 500 else _("Request refused"))


def problem_response(
    request,
    status: int,
    detail: str,
    *,
    kind: str = "",
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPES.get(kind, "about:blank"),
        "title": status_title(status),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        "errors": errors or [],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def parameter_problem(request, errors: list[dict]) -> HttpResponse:
    if len(errors) == 1:
        detail = errors[0]["message"]
    else:
        detail = _("%(count)s parameters are not valid; each is named below.") % {"count": len(errors)}
    return problem_response(request, 400, detail, kind="invalid-parameter", errors=errors)


def validation_messages(errors: list[dict]) -> list[dict]:
    """Pydantic's errors about the request's parameters, as sentences a person reads in their language."""
    messages = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "header")]
        name = location[0] if location else "?"
        context = error.get("ctx") or {}
        kind = error.get("type", "")
        if kind == "missing":
            message = _("The parameter “%(name)s” is missing.") % {"name": name}
        elif kind in {"int_parsing", "int_type", "int_from_float"}:
            message = _("“%(name)s” must be a whole number.") % {"name": name}
        elif kind in {"greater_than_equal", "greater_than"}:
            limit = context.get("ge", context.get("gt"))
            message = _("“%(name)s” must be at least %(limit)s.") % {"name": name, "limit": limit}
        elif kind in {"less_than_equal", "less_than"}:
            limit = context.get("le", context.get("lt"))
            message = _("“%(name)s” must be at most %(limit)s.") % {"name": name, "limit": limit}
        elif kind.startswith("date") or kind.startswith("datetime"):
            message = _("“%(name)s” must be a date written YYYY-MM-DD, e.g. 2025-07-01.") % {"name": name}
        elif kind in {"literal_error", "enum"}:
            message = _("“%(name)s” must be one of: %(expected)s.") % {
                "name": name,
                "expected": context.get("expected", ""),
            }
        elif kind == "string_too_long":
            message = _("“%(name)s” is too long (at most %(limit)s characters).") % {
                "name": name,
                "limit": context.get("max_length"),
            }
        elif kind == "string_pattern_mismatch":
            message = _("“%(name)s” has a form the API does not know.") % {"name": name}
        else:
            message = _("The value of “%(name)s” is not valid.") % {"name": name}
        messages.append({"parameter": name, "message": message})
    return messages
