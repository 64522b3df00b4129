"""Settings for the test suite (pytest uses these through pyproject.toml)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
