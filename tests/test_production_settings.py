"""povertyplan.settings.production: `check --deploy` is clean, and the settings refuse to start half-configured.

Each case runs `manage.py` in its own process: settings are read once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "k3y-for-the-test-only-" + "x" * 50


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a production server never has it.
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="povertyplan.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing_with_the_required_environment():
    done = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="giamngheo.example.vn",
        TRUSTED_PROXIES="127.0.0.1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_when_the_reverse_proxy_is_not_named():
    done = manage("check", "--deploy", SECRET_KEY=SECRET, ALLOWED_HOSTS="giamngheo.example.vn")
    assert "accounts.W001" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("missing", "env"),
    [("SECRET_KEY", {"ALLOWED_HOSTS": "giamngheo.example.vn"}), ("ALLOWED_HOSTS", {"SECRET_KEY": SECRET})],
)
def test_production_refuses_to_start_without_a_required_variable(missing, env):
    done = manage("check", **env)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert f"The environment variable {missing} is required in production" in done.stderr


def test_production_settings_are_secure_and_log_to_stdout():
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_PROXY_SSL_HEADER, s.STORAGES['staticfiles']['BACKEND'],"
        " 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE,"
        " s.LOGGING['handlers']['stdout']['stream'], s.ALLOWED_HOSTS)"
    )
    done = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        script,
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="a.example.vn,b.example.vn",
        DEBUG="true",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "False",  # DEBUG=true in the environment does not turn it on
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
        "ext://sys.stdout",
        "['a.example.vn',",
        "'b.example.vn']",
    ]


def test_sessions_expire_and_passwords_must_be_long(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    with pytest.raises(ValidationError) as short:
        validate_password("Hue-2024!x")  # 10 characters, not a common password
    assert "password_too_short" in {error.code for error in short.value.error_list}
    validate_password("ke-hoach-giam-ngheo-tinh")
