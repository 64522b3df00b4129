"""Settings for `make loadtest` only: the application served as in production (gunicorn, DEBUG off, static files
from whitenoise after collectstatic), on 127.0.0.1, against the throwaway PostgreSQL server the target starts.

Not the production settings (povertyplan/settings/production.py): those require a real SECRET_KEY and the
deployment's hosts. STORAGES is changed here and not in base, so that the tests and runserver keep working
without collectstatic.
"""

import os

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "loadtest-only-key-never-used-outside-127.0.0.1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STATIC_ROOT = os.environ.get("STATIC_ROOT") or STATIC_ROOT  # noqa: F405 - collectstatic into a temporary folder

# Static files straight from gunicorn, compressed and with hashed names (cached for ever by browsers).
_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_SECURITY], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_SECURITY:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Connections kept between requests, as a deployment would.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405

# Warnings and errors only: a line per request would measure the logging, not the application.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
