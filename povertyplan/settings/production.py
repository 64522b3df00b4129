"""Production: behind a reverse proxy that terminates HTTPS, served by gunicorn (`make serve`, docs/deploy.md).

Required from the environment — the application refuses to start without them:
  SECRET_KEY      a long random string (python -c "import secrets; print(secrets.token_urlsafe(50))")
  ALLOWED_HOSTS   the host names the site answers to, comma-separated
Expected:
  DATABASE_URL    postgres://user:password@host:5432/name (without it, the SQLite file: development only)
Optional:
  CSRF_TRUSTED_ORIGINS     https://origins, comma-separated (default: https:// + each allowed host)
  SECURE_HSTS_SECONDS      default one year; set 0 for a first deployment you may still move off HTTPS
  SECURE_HSTS_PRELOAD      default true; false before the domain is sure to stay on HTTPS
  SECURE_SSL_REDIRECT      default true (the proxy should redirect already)
  TRUSTED_PROXIES          the reverse proxy's address(es), e.g. 127.0.0.1: X-Forwarded-For is read from it only
  LOG_LEVEL                default INFO
  CACHE_URL                redis://host:6379/1 or memcached://host:11211: rendered pages shared by every
                           application host (default: each process's memory; docs/performance.md)
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env_bool, env_list


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production (povertyplan.settings.production); "
            "see docs/deploy.md."
        )
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [host for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ",".join(f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*")
)

# HTTPS. The proxy terminates TLS and tells Django so with this header; it must set it itself and strip
# any value a client sends (nginx: proxy_set_header X-Forwarded-Proto $scheme;), or a client could claim
# HTTPS over plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload: browsers will only ever use HTTPS for the domain; `check --deploy` asks for it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Static files served by the application itself (whitenoise), compressed and with hashed names that
# browsers may cache for ever; `collectstatic` writes them to STATIC_ROOT.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE = [*MIDDLEWARE[: _security + 1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_security + 1 :]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One cache shared by every gunicorn worker, without another service: the log-in throttle's counts
# (`manage.py createcachetable` creates the table; `make serve` runs it).
# Rendered parts of pages stay in each worker's memory (see base.py): their keys name their revision.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "povertyplan_cache",
    },
    "rendered": CACHES["rendered"],  # noqa: F405
    # Whole pages by revision: shared by every application host when CACHE_URL names Redis or memcached (base.py).
    "pages": CACHES["pages"],  # noqa: F405
}

# Logs to standard output: gunicorn and systemd (or the container) collect them.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # Refused requests (a bad Host header, a CSRF failure) are worth seeing; each is one line.
        "django.security": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
