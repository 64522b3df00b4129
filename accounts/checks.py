"""Deployment checks of the log-in throttle's view of client addresses (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxy_named(app_configs=None, **kwargs):
    """Behind a reverse proxy (the production settings trust its X-Forwarded-Proto) every request comes from the
    proxy's address: without TRUSTED_PROXIES all users share one address for the log-in throttle, so a few wrong
    passwords lock everyone out and the per-address cap counts the whole office as one guesser."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            Warning(
                "TRUSTED_PROXIES is not set although the site runs behind a reverse proxy (SECURE_PROXY_SSL_HEADER).",
                hint="Set TRUSTED_PROXIES to the proxy's address (e.g. 127.0.0.1): see docs/deploy.md.",
                id="accounts.W001",
            )
        ]
    return []
