"""Test settings: the production module with fast, hermetic overrides.

The database and Redis still come from DATABASE_URL / REDIS_URL, so CI's second pass runs the
same suite on PostgreSQL and Redis.
"""

import os
import shutil
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{os.getpid()}")


# Under pytest-xdist (`make test`), worker gwK uses the Redis database K below the one of
# REDIS_URL (wrapping at 0 to 15): a test's `cache.clear()` flushes its database, the throttle
# tests watch theirs with MONITOR, and a real worker's test purges its broker queue, so two test
# processes never share one. (PostgreSQL needs nothing: pytest-django gives each worker its own
# test database.)
if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    _url = urlsplit(os.environ["REDIS_URL"])
    _database = int(_url.path.strip("/") or 0) - int(os.environ["PYTEST_XDIST_WORKER"][2:] or 0)
    os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_database % 16}"))

from backend.settings import *  # noqa: F403
from backend.settings import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the apps (no collectstatic), still served by whitenoise, so the
# API docs can be fetched with DEBUG off as in production.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The geocoder points nowhere real: a test that geocodes starts a fake and points here.
GEOCODER_DOMAIN = "127.0.0.1:9"
GEOCODER_SCHEME = "http"
GEOCODER_TIMEOUT_SECONDS = 2.0

CACHES = CACHES

# Foursquare points nowhere real: a test that syncs starts a fake server and points here. Short
# timeouts and backoff keep the retry tests quick; the retry *counts* are the production ones.
FOURSQUARE_API_KEY = "fsq-test-service-key"
FOURSQUARE_API_BASE = "http://127.0.0.1:9"
FOURSQUARE_CONNECT_TIMEOUT_SECONDS = 1.0
FOURSQUARE_READ_TIMEOUT_SECONDS = 1.0
FOURSQUARE_BACKOFF_FACTOR = 0.01
FOURSQUARE_BACKOFF_MAX_SECONDS = 0.05

# Tests never need a broker: every task runs in-process at .delay() and raises what it raises,
# even when REDIS_URL is set. The broker URL stays, for the real worker of tests/celery_worker.py.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Stripe points nowhere real: a test that issues promotion codes starts the fake
# (tests/rewards/stripe/fake_stripe.py) and points here. The outbox's retries are tested, so the
# library's own retries are off.
STRIPE_API_KEY = "sk_test_fake_council_checkins"
STRIPE_API_BASE = "http://127.0.0.1:9"
STRIPE_WEBHOOK_SECRET = "whsec_test_fake_council_checkins"
STRIPE_MAX_NETWORK_RETRIES = 0
STRIPE_TIMEOUT_SECONDS = 2.0

# Browser tests (tests/browser/): Debian's Chromium, never a browser Playwright downloads.
BROWSER_TESTS_CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
