"""Settings shared by every environment; each environment module imports these and overrides.

Configuration comes from the environment (see `.env.example`): DATABASE_URL, SECRET_KEY, DEBUG,
ALLOWED_HOSTS. Without DATABASE_URL the application uses an embedded SQLite database.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "kernel.apps.KernelAdminConfig",  # django.contrib.admin, with the project's search in every admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tables2",
    # django-ninja: the read API's OpenAPI schema from its types; listed so that its docs page's assets are served
    # from the package's static files (no CDN: servers may have no internet).
    "ninja",
    # Our apps, bottom up (docs/architecture.md): each imports only those listed before it.
    "kernel",  # numbers, fields, text, Vietnamese formats, the admin base
    "localities",  # the domain: administrative units …
    "plans",  # … plan documents and their household figures …
    "indicators",  # … and indicator targets
    "workflow",  # roles and scopes, the one permission check, the one write service, the change log
    "plan_tables",  # the reads of a plan's tables that pages, checks, grids and workbooks share
    "analysis",  # data quality, results against targets, reporting deadlines
    "reports",  # the read-only pages
    "editing",  # the editing grids
    "review",  # the review screen and the change log pages
    "spreadsheets",  # appendix workbooks: export and import
    "accounts",  # log-in (throttled)
    "seeding",  # the seed plans and the national demo data
    "backup",  # make backup / make restore
    "api",  # the read API for other systems (/api/v1/) and personal tokens
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: only the site's own scripts and styles run (kernel.csp).
    "kernel.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the user chose English; see the middleware for why not LocaleMiddleware.
    "kernel.middleware.VietnameseFirstLocaleMiddleware",
    # /api/v1/ only: language from Accept-Language, errors as problem details, ETag and 304, gzip.
    "api.middleware.ApiHttpMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change (figures, targets, duties, tasks) in their history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses a request body larger than any upload the application accepts, before anything reads it.
    "spreadsheets.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "povertyplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "povertyplan.wsgi.application"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    # Rendered parts of pages, under keys naming the revision of what they show (Plan.text_revision): each
    # process may keep its own copy — a changed text has a new key, so no copy is ever stale.
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rendered",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}


def cache_from_url(url: str) -> dict:
    """CACHE_URL → the `pages` cache: where rendered pages are kept by revision (kernel.page_cache).

    - empty or `locmem://` — each process's memory (the default; enough for one application host);
    - `redis://host:6379/1` (or `rediss://…`) — Redis through django-redis, shared by every application host;
      a Redis that is down makes pages slower, never failing (IGNORE_EXCEPTIONS);
    - `memcached://host:11211[,host2:11211]` — memcached through pymemcache, shared likewise;
    - `dummy://` — keeps nothing: every request renders its page (`make loadtest`'s uncached run).
    """
    scheme, _sep, rest = url.partition("://")
    if scheme in ("", "locmem"):
        # Most pages are tens of KB, the national table and workbook about 0,5 MB: 200 of them bound a worker's
        # copies to well under 100 MB even if every one were national (a third of them are dropped when full).
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "pages",
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in ("redis", "rediss"):
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "TIMEOUT": 24 * 60 * 60,
            "KEY_PREFIX": "povertyplan",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    if scheme in ("memcached", "pymemcache"):
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": [host for host in rest.split(",") if host],
            "TIMEOUT": 24 * 60 * 60,
            "KEY_PREFIX": "povertyplan",
            "OPTIONS": {"ignore_exc": True, "connect_timeout": 1, "timeout": 1},
        }
    raise ImproperlyConfigured(f"CACHE_URL {url!r}: use locmem://, redis://, rediss://, memcached:// or dummy://.")


# Whole rendered pages and downloads, under keys naming the data revision they show (kernel.page_cache).
CACHES["pages"] = cache_from_url(os.environ.get("CACHE_URL", "").strip())

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}

# A PostgreSQL read replica (streaming replication) for anonymous readers' report pages: kernel/db_router.py.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"].strip(), conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))
        ),
        "TEST": {"MIRROR": "default"},  # tests read the replica's alias from the test database itself
    }
    DATABASE_ROUTERS = ["kernel.db_router.ReplicaRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Officials choose their own passwords: long ones resist guessing better than complicated short ones.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after a working day, and when the browser is closed (shared office computers).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Log-in throttling (accounts.login_throttle): failures per user name and address, and for how long.
LOGIN_THROTTLE_FAILURES = 5
LOGIN_THROTTLE_ADDRESS_FAILURES = 30  # failures from one address, whatever the user names
LOGIN_THROTTLE_WINDOW = 15 * 60
# The reverse proxies whose X-Forwarded-For is believed (comma-separated addresses, e.g. "127.0.0.1"): the client's
# address is taken from that header only for requests that come from one of them (docs/deploy.md).
TRUSTED_PROXIES = [part.strip() for part in os.environ.get("TRUSTED_PROXIES", "").split(",") if part.strip()]

# Uploads: the largest request body is checked by spreadsheets.middleware before it is read (the limit is the
# workbook import's, spreadsheets.files); form fields other than files stay within Django's default,
# and an uploaded file is kept in memory up to 1 MB, on disk in a temporary file above.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

# Language and formats: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Our own format modules: Django's `vi` formats have no NUMBER_GROUPING (so 7540 would not become
# 7.540) and no DATE_INPUT_FORMATS (so 03/01/2024 would be read month-first).
FORMAT_MODULE_PATH = ["kernel.formats"]
# Deliberately not USE_THOUSAND_SEPARATOR: it would print years as 2.024. Counts are grouped
# explicitly where they are shown (kernel.numbers.format_count).

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "reports:home"

# History is evidence: it is shown, never edited or reverted.
SIMPLE_HISTORY_REVERT_DISABLED = True
# A reason for a change is the official's own words: no 100-character limit.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
