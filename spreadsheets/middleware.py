"""Request size, checked before anything reads the body.

Django reads a POST body as soon as anything asks for request.POST — the CSRF check does, before the
view — and streams uploaded files to disk whatever their size. A request larger than the largest upload
the application accepts (a workbook, spreadsheets.files) is therefore refused here, from its
Content-Length alone, with 413 and a message, before the CSRF check, the view or the parser sees it.
"""

from django.shortcuts import render

from spreadsheets.files import MAX_REQUEST_BYTES, too_large_message


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length either
        if length > MAX_REQUEST_BYTES:
            return render(request, "spreadsheets/request_too_large.html", {"message": too_large_message()}, status=413)
        return self.get_response(request)
