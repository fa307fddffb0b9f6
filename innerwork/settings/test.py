"""Test settings: PostgreSQL, fast hashing, in-memory cache and mail, eager tasks (unless a test starts workers)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innerwork")

from innerwork.settings import *  # noqa: F403
from innerwork.settings import env

DATABASES = {"default": env.db("DATABASE_URL")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off unless asked for (PAGE_CACHE=true): page-cache tests turn it on themselves and empty the cache.
PAGE_CACHE = env.bool("PAGE_CACHE", default=False)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
# No test reaches the internet: a Stripe call made without the emulator fixture (which points this at its
# own emulator) is refused at once by a closed local port instead of waiting on api.stripe.com. Processes a
# test starts are given their emulator's address in STRIPE_API_HOST.
STRIPE_API_HOST = env.str("STRIPE_API_HOST", default="http://127.0.0.1:9")
# Tasks run eagerly, except in the processes a distributed test starts (commerce/tests/test_inbox_worker.py:
# the site and real Celery workers, given TEST_CELERY_BROKER_URL=redis://…).
CELERY_BROKER_URL = env.str("TEST_CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
if not CELERY_TASK_ALWAYS_EAGER:
    # Several test runs may share one Redis: each distributed test gives its processes their own key prefix.
    # A task whose worker it kills goes to the next worker after TEST_CELERY_VISIBILITY_TIMEOUT seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "global_keyprefix": env.str("TEST_CELERY_KEY_PREFIX", default="test:"),
        "visibility_timeout": env.int("TEST_CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
# Uploads made by tests (covers, lesson files, seed_demo's drawn covers) never land in the working tree.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "innerwork-test-media" / "public"
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "innerwork-test-media" / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "innerwork.core.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
