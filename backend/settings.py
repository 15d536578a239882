"""The one settings module, configured from the environment (twelve-factor).

Every variable is documented in `.env.example`. OS variables win over a `.env` file. Safe by
default where it matters: a deployment (one that sets DATABASE_URL) runs with DEBUG off unless
it asks, there is no default SECRET_KEY outside DEBUG, and every API view requires
authentication unless it says otherwise. With nothing set at all it is a local development
checkout: SQLite in the repo, DEBUG on.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from backend import observability, public_service, schedule
from backend.i18n import *  # noqa: F403 (LANGUAGES, LOCALE_PATHS: English and Welsh)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# With nothing set (no DATABASE_URL: the local SQLite file) it runs in DEBUG, as DESIGN.md asks,
# so `manage.py` works on a bare machine; any deployment that names its database gets DEBUG off
# unless it asks for it, and then needs a SECRET_KEY.
DEBUG = env.bool("DEBUG", default=not env.str("DATABASE_URL", default=""))

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-local-development-key-never-used-with-debug-off"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where residents' phones reach us: the QR posters encode <PUBLIC_BASE_URL>/q/<token>.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "backend",
    "venues.admin_config.BackOfficeAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "venues",
    "checkins",
    "rewards",
    "residents",
    "insight",
    "api_docs",
    "venues.admin_config.SignInProtectionConfig",  # django-axes, named in Welsh too
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "backend.observability.RequestIdMiddleware",
    # Early, so that they mark every answer, the 413 and the envelopes included.
    "backend.caching.PersonalAnswersNotStoredMiddleware",
    "backend.throttling.RateLimitHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "backend.limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Both slash forms are served in place, before CommonMiddleware would redirect (a POST too).
    "backend.slashes.TrailingSlashOptionalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Accounts made before ages were asked give their birth year once, before any other page.
    "accounts.web.birth_year.BirthYearAskedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.security.ContentSecurityPolicyMiddleware",
    "backend.errors.ApiEnvelopeMiddleware",
    # Last but for the metrics, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.service_name.service_name_context",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL: parameters bound by the server, and psycopg prepares a statement on a connection
# from its DB_PREPARE_THRESHOLD-th run, so PostgreSQL stops parsing and planning it: about half
# the database's CPU per check-in (bench/README.md, "Issue 16"). 0 turns it off (Django's
# default); a pooler in transaction mode that cannot keep prepared statements (PgBouncer before
# 1.21, or without max_prepared_statements) needs 0.
DB_PREPARE_THRESHOLD = env.int("DB_PREPARE_THRESHOLD", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARE_THRESHOLD:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=DB_PREPARE_THRESHOLD
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite builds covering indexes without their INCLUDE columns; PostgreSQL, the production
# database, uses them (venues.Venue's geo index).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Redis is optional: without it the cache (and so the throttle counters) is per process, which
# is right for `make run` and wrong for several web processes behind a load balancer.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="checkins"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Signing in. Pages (the back office, the desk, the resident pages) use Django's session and
# CSRF; the JSON API uses JWT (and also accepts the session of same-origin pages, CSRF enforced).
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a sign-in while its (email, client IP) pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "sign-in"
CSRF_FAILURE_VIEW = "backend.csrf.csrf_failure"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "sign-in"
# Brute-force protection of every password sign-in (admin, pages, POST /auth/token/): after
# AXES_FAILURE_LIMIT failures for one email from one client IP, that pair is refused for
# AXES_COOLOFF_MINUTES. Keyed on the pair, so nobody can lock a colleague out from elsewhere,
# and a shared office IP doesn't lock out everyone behind it. A successful sign-in resets it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
# The client's IP as the proxies in front of gunicorn report it (X-Forwarded-For, read by
# django-ipware); set AXES_IPWARE_PROXY_COUNT to the number of proxies you run. With none, the
# header is ignored (a client could write anything in it).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# --- Email (password resets, the weekly digest). EMAIL_URL: smtp+tls://user:pass@host:587 in
# production; with nothing set, messages are printed on the console (development).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Council check-ins <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TIME_ZONE = "Europe/London"
USE_TZ = True

# --- Background jobs (Celery, backend/celery.py). The broker (and the result store) is Redis:
# CELERY_BROKER_URL, else REDIS_URL. With neither, every task runs in-process at .delay()
# (eager), so `make run` needs no Redis, worker or beat; `make worker` / `make beat` refuse.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = not CELERY_BROKER_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it finishes, not when a worker takes it, so a worker that dies
# (deploy, OOM kill) gives its task back to the queue: every task must be idempotent (the
# periodic jobs are). A task lost that way is retried up to its max_retries, then fails, so a
# task that kills its worker cannot loop forever; requeueing is the fallback if the retry
# cannot be sent. One message at a time per process, so a long job holds up nothing else.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_RETRY_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Processes per worker (default: the machine's CPU count).
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)
# The soft limit raises SoftTimeLimitExceeded inside the task; the hard one kills its process.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT_SECONDS", default=1500)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT_SECONDS", default=1800)
# Redis hands an unacknowledged task to another worker after this long; with late acks a task
# still running then would run twice, so it must outlast the hard time limit.
_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _VISIBILITY_TIMEOUT}
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT_SECONDS must be below CELERY_TASK_TIME_LIMIT_SECONDS."
    )
if CELERY_TASK_TIME_LIMIT >= _VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed CELERY_TASK_TIME_LIMIT_SECONDS."
    )
# Run exactly one beat; the schedule (London wall-clock times) is in backend/schedule.py.
# Task modules that autodiscovery (each app's ``tasks``) does not find.
CELERY_IMPORTS = [
    "venues.foursquare.tasks",
    "rewards.schemes.tasks",
    "rewards.stripe.tasks",
    "rewards.vouchers.tasks",
    "rewards.wallet.tasks",
]
CELERY_BEAT_SCHEDULE = schedule.BEAT_SCHEDULE

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- HTTP security: on whenever DEBUG is off; each can be relaxed from the environment.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health, and Prometheus scrapes, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"

# Request bodies: over the size, 413 `request_too_large`; JSON nested deeper, 400 `invalid`.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=64)

# --- DRF: authenticated by default, one error envelope, page numbers with page_size <= 100.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # SimpleJWT's, telling an expired token (token_expired) from a bad one.
        "accounts.authentication.BearerAuthentication",
        # Same-origin pages (the wallet's QR images), CSRF enforced; a 401 still names Bearer.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Timestamps whole seconds in UTC with Z (backend/timestamps.py).
    "DEFAULT_RENDERER_CLASSES": ["backend.timestamps.ApiJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["backend.parsers.DepthLimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "backend.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [],
    # DRF's, in one Redis round trip when Redis is the cache (backend/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "backend.throttling.AnonRateThrottle",
        "backend.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        # Login, registration and token refresh: a stricter per-IP scope against guessing.
        "auth": env.str("THROTTLE_AUTH", default="10/min"),
        "checkins": env.str("THROTTLE_CHECKINS", default="30/min"),
        "comments": env.str("THROTTLE_COMMENTS", default="20/hour"),
    },
    "EXCEPTION_HANDLER": "backend.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "backend.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # How many proxies (load balancers) sit in front: throttles then key on the real client IP.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# A refresh token sent again this soon after its rotation gets the same new pair (a phone that
# lost the answer retries safely); later it is 401 token_reused and its sign-in ends.
JWT_REFRESH_REUSE_GRACE_SECONDS = env.int("JWT_REFRESH_REUSE_GRACE_SECONDS", default=30)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Council venues: check-ins and rewards API",
    "DESCRIPTION": (
        "Check-ins at UK council venues, proven by location or by a signed QR poster, and the "
        "rewards venue managers configure. Errors always carry "
        '`{"code", "detail", "fields"?}`; the codes each operation can answer are listed on it.'
    ),
    "VERSION": "1.0.0",
    # 3.1: JSON Schema's own null (3.0's ``nullable`` beside a $ref means nothing to a validator).
    "OAS_VERSION": "3.1.0",
    "SERVERS": [{"url": PUBLIC_BASE_URL, "description": "This deployment (PUBLIC_BASE_URL)."}],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api_docs.postprocessing.add_header_components",
        "api_docs.postprocessing.add_summaries_and_examples",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No logo of the schema's (x-logo) from elsewhere; api_docs/views.py says how the rest stays.
    "REDOC_UI_SETTINGS": {"hideLogo": True},
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "venues.models.Role.Kind",
        "VenueCategoryEnum": "venues.models.Venue.Category",
        "FoursquareStatusEnum": "venues.models.Venue.FoursquareStatus",
        "CommentStatusEnum": "checkins.models.CommentStatus",
        "CheckinMethodEnum": "checkins.models.CheckinMethod",
        "EvidenceEnum": "rewards.evidence.Evidence",
    },
}

# --- Geocoding: geopy's Nominatim by default; a test points it at a local fake by domain.
GEOCODER_DOMAIN = env.str("GEOCODER_DOMAIN", default="nominatim.openstreetmap.org")
GEOCODER_SCHEME = env.str("GEOCODER_SCHEME", default="https")
GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", default="council-checkins/0.1")
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=5.0)
GEOCODER_COUNTRY_CODES = env.str("GEOCODER_COUNTRY_CODES", default="gb")
# The back office's CSV import geocodes while the page waits: at most this long in all, under
# gunicorn's 30 s worker timeout (rows past it are rejected with the reason).
GEOCODER_IMPORT_BUDGET_SECONDS = env.float("GEOCODER_IMPORT_BUDGET_SECONDS", default=20.0)

# --- The council's app: "Get the app" on the poster page only when APP_DOWNLOAD_URL is set; the
# /.well-known/ hand-over files for /q/* only when the app is named (see .env.example).
APP_DOWNLOAD_URL = env.str("APP_DOWNLOAD_URL", default="")
IOS_APP_IDS = env.list("IOS_APP_IDS", default=[])
ANDROID_APP_PACKAGE = env.str("ANDROID_APP_PACKAGE", default="")
ANDROID_APP_SHA256_FINGERPRINTS = env.list("ANDROID_APP_SHA256_FINGERPRINTS", default=[])

# --- Check-ins (API.md, "Settings that change behaviour").
CHECKIN_COOLDOWN_SECONDS = env.int("CHECKIN_COOLDOWN_SECONDS", default=14400)
CHECKIN_MAX_ACCURACY_M = env.float("CHECKIN_MAX_ACCURACY_M", default=100.0)
CHECKIN_ACCURACY_SLACK_M = env.float("CHECKIN_ACCURACY_SLACK_M", default=50.0)
CHECKIN_MAX_SPEED_KMH = env.float("CHECKIN_MAX_SPEED_KMH", default=200.0)
LOCATION_RETENTION_DAYS = env.int("LOCATION_RETENTION_DAYS", default=30)

# --- Evidence of presence, fraud review and the desk (README, "Evidence of presence").
# A poster-only check-in by a resident whose own fix placed them outside that venue within this
# many minutes is refused (location_mismatch).
CHECKIN_LOCATION_MEMORY_MINUTES = env.int("CHECKIN_LOCATION_MEMORY_MINUTES", default=30)
# The desk screen's code changes this often; a code is accepted for two periods.
SCREEN_CODE_SECONDS = env.int("SCREEN_CODE_SECONDS", default=20)
if SCREEN_CODE_SECONDS < 1:
    raise ImproperlyConfigured("SCREEN_CODE_SECONDS must be at least 1.")
# One poster used alone by more than POSTER_LEAK_RESIDENTS residents within POSTER_LEAK_MINUTES
# raises a poster_leak alert.
POSTER_LEAK_RESIDENTS = env.int("POSTER_LEAK_RESIDENTS", default=10)
POSTER_LEAK_MINUTES = env.int("POSTER_LEAK_MINUTES", default=30)
# How long after a redemption the person who redeemed it (or a manager) may undo it; 0: never.
REDEEM_UNDO_MINUTES = env.int("REDEEM_UNDO_MINUTES", default=10)

# How long a stored Idempotency-Key answer is replayed (manage.py purge_idempotency_keys).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# --- Rewards.
POINTS_EXPIRY_DAYS = env.int("POINTS_EXPIRY_DAYS", default=365)
VOUCHER_VALID_DAYS = env.int("VOUCHER_VALID_DAYS", default=90)

# --- Comments.
COMMENT_CHECKIN_WINDOW_DAYS = env.int("COMMENT_CHECKIN_WINDOW_DAYS", default=30)
COMMENT_REPORTS_TO_HIDE = env.int("COMMENT_REPORTS_TO_HIDE", default=3)
# Extra words to refuse in comments, comma-separated, on top of checkins/comments/blocked_words.txt.
COMMENT_BLOCKED_WORDS = env.list("COMMENT_BLOCKED_WORDS", default=[])
# A comment rated this or lower is emailed to the venue's managers within minutes (the rest of
# the week's comments go in their weekly digest). 0 turns these alerts off.
COMMENT_ALERT_RATING_AT_MOST = env.int("COMMENT_ALERT_RATING_AT_MOST", default=2)

# --- QR poster signing (ES256). The PEM of an EC P-256 private key; previous public keys stay
# verifiable so that printed posters outlive a key rotation. Without a key, one is derived from
# SECRET_KEY (fine for development; `check --deploy` warns).
QR_SIGNING_KEY = env.str("QR_SIGNING_KEY", default="", multiline=True)
QR_PREVIOUS_PUBLIC_KEYS = env.str("QR_PREVIOUS_PUBLIC_KEYS", default="", multiline=True)

# --- Foursquare Places API (venues/foursquare/). The service key of the council's Foursquare
# developer account; without it the sync records "not configured" instead of calling out.
FOURSQUARE_API_KEY = env.str("FOURSQUARE_API_KEY", default="")
FOURSQUARE_API_BASE = env.str("FOURSQUARE_API_BASE", default="https://places-api.foursquare.com")
# The X-Places-Api-Version date the client's paths and JSON were written against.
FOURSQUARE_API_VERSION = env.str("FOURSQUARE_API_VERSION", default="2025-06-17")
FOURSQUARE_CONNECT_TIMEOUT_SECONDS = env.float("FOURSQUARE_CONNECT_TIMEOUT_SECONDS", default=3.05)
FOURSQUARE_READ_TIMEOUT_SECONDS = env.float("FOURSQUARE_READ_TIMEOUT_SECONDS", default=10.0)
# Retries after the first attempt on 429/5xx (and, for reads, on connection/read failures).
FOURSQUARE_MAX_RETRIES = env.int("FOURSQUARE_MAX_RETRIES", default=2)
FOURSQUARE_BACKOFF_FACTOR = env.float("FOURSQUARE_BACKOFF_FACTOR", default=1.0)
FOURSQUARE_BACKOFF_MAX_SECONDS = env.float("FOURSQUARE_BACKOFF_MAX_SECONDS", default=30.0)
FOURSQUARE_RETRY_AFTER_MAX_SECONDS = env.int("FOURSQUARE_RETRY_AFTER_MAX_SECONDS", default=60)
# Place match scores below this are no match (Foursquare scores 0.45-1.0).
FOURSQUARE_MATCH_MIN_SCORE = env.float("FOURSQUARE_MATCH_MIN_SCORE", default=0.8)
# The nearby-search fallback refuses candidates whose name is less similar than this (0-1).
FOURSQUARE_MIN_NAME_SIMILARITY = env.float("FOURSQUARE_MIN_NAME_SIMILARITY", default=0.7)
# Foursquare's coordinates further than this from the council's are drift.
FOURSQUARE_DRIFT_DISTANCE_M = env.float("FOURSQUARE_DRIFT_DISTANCE_M", default=50.0)
# Push the council's values to Foursquare (Places Feedback) when they differ.
FOURSQUARE_PROPOSE_EDITS = env.bool("FOURSQUARE_PROPOSE_EDITS", default=True)
# How long Foursquare's own values (name, rating, hours...) may be kept; only the place id may be
# kept indefinitely. Foursquare's usage guidelines allow at most 24 h (Enterprise), none at all
# on Pay-as-you-go and Sandbox keys: set 0 there, and nothing but the id is stored.
FOURSQUARE_DETAILS_MAX_AGE_HOURS = env.int("FOURSQUARE_DETAILS_MAX_AGE_HOURS", default=24)
# How many of a place's newest tips each sync fetches (the Places API gives 1-50 per call); 0
# fetches none. Tips are kept no longer than the details above.
FOURSQUARE_TIPS_LIMIT = env.int("FOURSQUARE_TIPS_LIMIT", default=20)

# --- Stripe (rewards/stripe/client.py): offers with a Stripe coupon issue vouchers that are also
# single-use promotion codes at the council's online checkout. A restricted key with write
# access to promotion codes is enough. Without it the codes wait in the outbox.
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
# Pinned: since 2025-09-30.clover a promotion code names its coupon as promotion[coupon].
STRIPE_API_VERSION = env.str("STRIPE_API_VERSION", default="2026-10-28.endive")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
# The library's own retries of one call (idempotency keys make them safe); the outbox retries
# across calls with backoff, up to STRIPE_OUTBOX_MAX_ATTEMPTS.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_OUTBOX_MAX_ATTEMPTS = env.int("STRIPE_OUTBOX_MAX_ATTEMPTS", default=12)

# --- Venue search.
VENUE_SEARCH_DEFAULT_RADIUS_M = 5000
VENUE_SEARCH_MAX_RADIUS_M = 50000

# --- Operations: JSON logs with request ids, Sentry, /metrics (backend/observability.py).
vars().update(observability.settings_from(env, debug=DEBUG))
# --- The legal pages' controller, invitations, account emails (backend/public_service.py).
vars().update(public_service.settings_from(env))
