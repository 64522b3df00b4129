"""HTTP for machines on /api/v1/ only: language from Accept-Language, problem details for every error, ETag and
304, gzip. The site's pages keep their own rules (Vietnamese unless the person chose English; their own caching).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.http import ConditionalGetMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .problems import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/v1/"
# Headers of an error response that must survive its rewriting as a problem.
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


def api_language(request) -> str:
    """The first language of Accept-Language the API speaks (vi or en, any region); Vietnamese otherwise."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


def _default_detail(status: int) -> str:
    if status == 404:
        return _("There is nothing at this address of the API.")
    if status == 405:
        return _("The API only reads: use GET.")
    if status == 413:
        return _("The request is larger than the API accepts.")
    if status >= 500:
        return _("The server could not answer this request; the error has been recorded.")
    return _("The request was refused.")


class ApiHttpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.conditional = ConditionalGetMiddleware(get_response)
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # HEAD is GET without the body (RFC 9110): clients check a resource, or its ETag, with it.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        translation.activate(language)  # an inner layer may have switched it
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            response = problem_response(request, response.status_code, _default_detail(response.status_code))
            for name, value in kept.items():
                response[name] = value
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Authorization"])
        if "Authorization" in request.headers:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_cache=True)
        # ETag on the uncompressed body first (a 304 when it matches If-None-Match), then compression.
        response = self.conditional.process_response(request, response)
        response = self.gzip.process_response(request, response)
        if head and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
