"""The Content-Security-Policy header: pages run only the scripts and styles the site itself serves.

Django 5.2 has no built-in CSP (6.0 adds one). Our own middleware rather than django-csp: the policy is one fixed
string with no nonces (the templates have no inline script or style — they use static files and CSS classes), so
a dozen lines say it all, without another app's settings and decorators to learn and keep up to date.

The admin is Django's own and sets a few style attributes in its templates: under /admin/ the policy also allows
inline style attributes (never inline scripts).
"""

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = SITE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    header = "Content-Security-Policy"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self.header not in response:
            policy = ADMIN_POLICY if request.path.startswith("/admin/") else SITE_POLICY
            response[self.header] = policy
        return response
