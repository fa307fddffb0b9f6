"""InnerWork settings, read from the environment (django-environ).

Every variable is documented in `.env.example` with its default. The defaults
run the demo with nothing configured: SQLite, console e-mail, eager Celery.
With DEBUG off the process refuses to start unless SECRET_KEY, ALLOWED_HOSTS
and DATABASE_URL are set.
"""

from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from innerwork.celery import daily, every

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

_REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
if not DEBUG:
    missing = [name for name in _REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured("DEBUG is off, so these environment variables are required: " + ", ".join(missing))

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-innerwork-demo-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "innerwork.core.apps.StaffConsoleAdminConfig",  # django.contrib.admin with the console's own home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "django_htmx",
    "csp",
    "djstripe",
    "innerwork.core",
    "innerwork.accounts",
    "innerwork.scheduling",
    "innerwork.api",
    "courses",
    "commerce",
    "mentorship",
    "coaching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "innerwork.core.csp.SitePolicyMiddleware",  # Content-Security-Policy; adds Stripe Checkout to form-action
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "innerwork.accounts.staff_security.StaffAdminMiddleware",  # admin login via allauth, staff TOTP outside DEBUG
    "django_htmx.middleware.HtmxMiddleware",
    "innerwork.core.no_store.NoStoreForMoneyAndStatusPagesMiddleware",  # money and status pages: no-store
    "innerwork.accounts.middleware.UserTimezoneMiddleware",
    "innerwork.api.middleware.ApiVersionMiddleware",
    # Last, so nothing above reads a parameter into the database and API refusals still carry the version.
    "innerwork.core.nul_bytes.NulByteMiddleware",  # a NUL in the path is a 404, in a parameter a 400
]

ROOT_URLCONF = "innerwork.urls"
WSGI_APPLICATION = "innerwork.wsgi.application"

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
                "innerwork.core.context_processors.site",
                "commerce.context_processors.cart_summary",
                "innerwork.core.context_processors.work_areas",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's SQLite: a Stripe webhook and a checkout write at the same moment. Taking the write
    # lock when a transaction starts (and waiting for it) avoids "database is locked" on the upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole catalogue, course and dashboard pages cached per viewer and invalidated exactly
# (innerwork/core/page_cache.py). Needs a cache every server process shares, so it is on
# by default only with Redis: a local-memory cache cannot see another process's changes.
# Empty (as in .env.example) means that default.
PAGE_CACHE = env.bool("PAGE_CACHE") if env.str("PAGE_CACHE", default="") else bool(REDIS_URL)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Sessions read from Redis (written through to the database) when it is there: one round
# trip less per signed-in request. Not with a per-process cache, which would keep a session
# another process has logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "courses:catalogue"

# django-allauth: e-mail is the login; verification is mandatory outside DEBUG.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per person; a new one replaces it once confirmed
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_ADAPTER = "innerwork.accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "innerwork.accounts.forms.SignupNameForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[InnerWork] "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the owner when a password or address changes
# Brute force: 30 login posts a minute per IP get the styled 429 page
# (templates/429.html); 5 failures per address in 5 minutes lock that address.
ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must set up TOTP before reaching the admin whenever DEBUG is off (innerwork/accounts/staff_security.py).
# Decided here, from the environment's DEBUG, because the test runner turns DEBUG off for every test.
STAFF_MFA_REQUIRED = not DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Lesson videos, captions and downloads: never under MEDIA_URL, only through courses.views.media, which
# checks access first. Production can point STORAGES["private"] at object storage instead.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))
STORAGES = {
    # Public uploads (course covers and their renditions), served at MEDIA_URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "innerwork.core.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The site serves MEDIA_URL itself (the demo, tests); behind a web server or object storage, turn it off.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# With nginx in front: the internal location that maps to PRIVATE_MEDIA_ROOT (e.g. "/_private-media/"); the
# access-checking view then answers with X-Accel-Redirect and nginx streams the file. Empty: Django streams it.
PRIVATE_MEDIA_ACCEL_PREFIX = env.str("PRIVATE_MEDIA_ACCEL_PREFIX", default="")
# Upload limits (courses/media_validation.py).
COURSE_COVER_MAX_BYTES = env.int("COURSE_COVER_MAX_BYTES", default=5 * 1024 * 1024)
COURSE_COVER_MAX_PIXELS = env.int("COURSE_COVER_MAX_PIXELS", default=6000)  # longest side
LESSON_VIDEO_MAX_BYTES = env.int("LESSON_VIDEO_MAX_BYTES", default=500 * 1024 * 1024)
LESSON_RESOURCE_MAX_BYTES = env.int("LESSON_RESOURCE_MAX_BYTES", default=25 * 1024 * 1024)

# E-mail: every message goes through the outbox (innerwork.core.emails) and is
# delivered by this backend; console unless a provider is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where the file-based backend writes (make run's demo seeding sends its e-mails there).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".demo-mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="InnerWork <hello@innerwork.test>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
STAFF_ALERT_EMAILS = env.list("STAFF_ALERT_EMAILS", default=[])
ANYMAIL = {
    key: value
    for key, value in {
        "MAILGUN_API_KEY": env.str("MAILGUN_API_KEY", default=""),
        "MAILGUN_SENDER_DOMAIN": env.str("MAILGUN_SENDER_DOMAIN", default=""),
        "POSTMARK_SERVER_TOKEN": env.str("POSTMARK_SERVER_TOKEN", default=""),
        "SENDGRID_API_KEY": env.str("SENDGRID_API_KEY", default=""),
        "AMAZON_SES_CLIENT_PARAMS": {},
    }.items()
    if value
}
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=8)

# Invoices and credit notes: the seller printed on them, and the tax rate included in prices.
SELLER_NAME = env.str("SELLER_NAME", default="InnerWork")
# Several lines, written with "\n" between them in the environment.
SELLER_ADDRESS = env.str("SELLER_ADDRESS", default="", multiline=True)
SELLER_TAX_ID = env.str("SELLER_TAX_ID", default="")
SELLER_EMAIL = env.str("SELLER_EMAIL", default="hello@innerwork.test")
INVOICE_TAX_RATE = Decimal(env.str("INVOICE_TAX_RATE", default="0"))
if not Decimal(0) <= INVOICE_TAX_RATE < 100:
    raise ImproperlyConfigured(f"INVOICE_TAX_RATE is a percent from 0 to below 100, not {INVOICE_TAX_RATE}")

# Celery: Redis broker from the environment; tasks run eagerly when none is set.
_celery_broker = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not _celery_broker
# Eager tasks never use the broker; "memory://" keeps kombu from guessing amqp://localhost.
CELERY_BROKER_URL = _celery_broker or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died is given back to the queue (with acks late, it is run again).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Periodic jobs, sent by Celery beat (`celery -A innerwork beat`, or `worker -B` on a single host). Each line
# is keyed by the management command that does the same work from cron (README, "Running in production",
# lists both, and a test keeps the two lists equal); its task calls the service the command calls.
CELERY_BEAT_SCHEDULE = {
    "deliver_pending_emails": every("innerwork.core.tasks.deliver_due_emails", minutes=1),
    "deliver_partner_webhooks": every("innerwork.api.tasks.deliver_due_partner_webhooks", minutes=1),
    "purge_idempotency_records": every("innerwork.api.tasks.purge_idempotency_records", minutes=60),
    "expire_abandoned_orders": every("commerce.tasks.expire_abandoned_orders", minutes=10),
    "send_pending_refunds": every("commerce.tasks.send_pending_refunds", minutes=10),
    "send_booking_reminders": every("mentorship.tasks.send_booking_reminders", minutes=10),
    "send_access_expiry_reminders": every("courses.tasks.send_access_expiry_reminders", minutes=60),
    "end_coaching_contracts": every("coaching.tasks.end_coaching_contracts", minutes=10),
    "expire_coaching_proposals": every("coaching.tasks.expire_coaching_proposals", minutes=10),
    "render_pending_documents": every("commerce.documents.render_pending", minutes=10),
    "stripe_deliveries_sweep": every("commerce.inbox.tasks.stripe_deliveries_sweep", minutes=5),
    "stripe_deliveries_purge": daily("commerce.inbox.tasks.stripe_deliveries_purge", at="03:30"),
    "reconcile_stripe": daily("commerce.tasks.reconcile_stripe_yesterday", at="03:15"),
}
CELERY_IMPORTS = [
    "commerce.inbox.tasks",
    "commerce.documents.tasks",
    "commerce.checkout.tasks",
    "commerce.stripe_gateway.tasks",
]
# Stripe's events and invoice PDFs have queues of their own, so payments never wait behind e-mails or
# documents, and a burst of sales never waits behind PDFs: run a worker with
# `-Q celery,stripe-events,documents` (or one per queue).
STRIPE_EVENTS_QUEUE = "stripe-events"
CELERY_TASK_ROUTES = {
    "commerce.inbox.tasks.*": {"queue": STRIPE_EVENTS_QUEUE},
    "commerce.documents.*": {"queue": "documents"},
}
# Redis gives an unacknowledged task (its worker killed) to another worker after this many seconds.
# It must exceed the longest task (a Stripe event takes well under a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}

# Django REST framework and the OpenAPI schema: the partner API (innerwork/api/). One way in, a partner key
# (`Authorization: Bearer iw_test_…`), checked with the scopes each view declares; one error shape; the
# `InnerWork-Version` header; per-key throttling. The site's pages do not use the API.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["innerwork.api.authentication.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["innerwork.api.permissions.PartnerKey"],
    "DEFAULT_THROTTLE_CLASSES": ["innerwork.api.throttling.PartnerKeyThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "innerwork.api.pagination.CursorPagination",
    "EXCEPTION_HANDLER": "innerwork.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "InnerWork partner API",
    "DESCRIPTION": "Catalogue, availability, customers, bookings, checkout and payment status for partners. "
    "Every call needs `Authorization: Bearer <key>`; every POST an `Idempotency-Key`; errors are "
    '`{"error": {"type", "code", "message", "param"}}`.',
    "VERSION": "2026-12-01",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several objects have a `status`: each its own enum, named after its model.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "coaching.models.Proposal.Status",
        "ContractStatusEnum": "coaching.models.Contract.Status",
        "CoachingSessionStatusEnum": "coaching.models.CoachingSession.Status",
        "EnrollmentStatusEnum": "courses.models.Enrollment.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "innerwork.api.schema.postprocess",
    ],
}
# Requests per key: sustained rate ("120/min", per s, min or hour) and how many may come at once.
PARTNER_API_RATE = env.str("PARTNER_API_RATE", default="120/min")
PARTNER_API_BURST = env.int("PARTNER_API_BURST", default=20)
# How long an Idempotency-Key's answer is kept (and replayed) after its first use.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)

# Stripe through dj-stripe. STRIPE_API_HOST points stripe-python at the local
# emulator; outside DEBUG it is refused unless explicitly allowed.
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
# dj-stripe only accepts keys shaped like Stripe's (`sk_test_` + at least 24 letters or digits).
STRIPE_TEST_SECRET_KEY = env.str("STRIPE_TEST_SECRET_KEY", default="sk_test_InnerWorkStripeEmulatorDemo0000")
STRIPE_TEST_PUBLIC_KEY = env.str("STRIPE_TEST_PUBLIC_KEY", default="pk_test_InnerWorkStripeEmulatorDemo0000")
STRIPE_LIVE_SECRET_KEY = env.str("STRIPE_LIVE_SECRET_KEY", default="")
STRIPE_LIVE_PUBLIC_KEY = env.str("STRIPE_LIVE_PUBLIC_KEY", default="")
# Under DEBUG the default is the emulator on EMULATOR_PORT (`make run EMULATOR_PORT=…` moves both).
_emulator_port = env.int("EMULATOR_PORT", default=12111)
_stripe_api_host = env.str("STRIPE_API_HOST", default=f"http://127.0.0.1:{_emulator_port}" if DEBUG else "")
if _stripe_api_host:
    if not DEBUG and not env.bool("STRIPE_ALLOW_API_HOST", default=False):
        raise ImproperlyConfigured(
            "STRIPE_API_HOST is set while DEBUG is off; set STRIPE_ALLOW_API_HOST=true "
            "if you really mean to send payments to a non-Stripe server."
        )
    STRIPE_API_HOST = _stripe_api_host
# Our own Stripe calls (commerce.stripe_gateway): give up after this many seconds and retry
# this many times (same idempotency key), then tell the customer to try again.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=15.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)
# Checkout attempts per minute, per person and per address (commerce.views.checkout).
CHECKOUT_ATTEMPTS_PER_MINUTE = env.int("CHECKOUT_ATTEMPTS_PER_MINUTE", default=10)
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_USE_NATIVE_JSONFIELD = True
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# Stripe webhook deliveries (dj-stripe's WebhookEventTrigger) are kept this many days (commerce.inbox).
WEBHOOK_LOG_DAYS = env.int("WEBHOOK_LOG_DAYS", default=90)

# Learning rules.
COURSES_PAGE_SIZE = env.int("COURSES_PAGE_SIZE", default=12)
# Refund policy for courses (commerce.refunds.policy, courses.product_kind): a customer's refund is automatic
# within this many days of payment, below this share of the lessons done, and before a certificate.
COURSE_REFUND_DAYS = env.int("COURSE_REFUND_DAYS", default=14)
COURSE_REFUND_MAX_PROGRESS_PERCENT = env.int("COURSE_REFUND_MAX_PROGRESS_PERCENT", default=30)

# Mentorship bookings (mentorship.product_kind, mentorship.services). A slot is held for its booking as long
# as its Stripe payment page stays open (at least Stripe's 30 minutes); a paid session can be moved up to
# BOOKING_RESCHEDULE_NOTICE_HOURS before it starts, at most BOOKING_MAX_RESCHEDULES times; a customer who
# cancels gets back the share of the first tier whose notice they gave ("hours:percent", most notice first).
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=30)
BOOKING_RESCHEDULE_NOTICE_HOURS = env.int("BOOKING_RESCHEDULE_NOTICE_HOURS", default=24)
BOOKING_MAX_RESCHEDULES = env.int("BOOKING_MAX_RESCHEDULES", default=2)
BOOKING_CANCEL_REFUND_TIERS = env.str("BOOKING_CANCEL_REFUND_TIERS", default="48:100,24:50,0:0")

# Webhooks to partners (innerwork.api.webhooks): how long we wait for a partner's endpoint to answer one POST
# before counting the try as failed and scheduling the next (growing back-off over three days).
PARTNER_WEBHOOK_TIMEOUT_SECONDS = env.float("PARTNER_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Endpoints must be https:// outside DEBUG (decided from the environment's DEBUG, as STAFF_MFA_REQUIRED is,
# because the test runner turns DEBUG off and the tests' receivers are plain http on 127.0.0.1).
PARTNER_WEBHOOK_REQUIRE_HTTPS = not DEBUG

# Security: hardened whenever DEBUG is off (`manage.py check --deploy` is clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp; innerwork/core/csp.py adds Stripe's Checkout
# origin to form-action). Nothing inline: templates use classes and static files. The script nonce appears
# only on pages that ask for it (the API docs' start-up scripts); ReDoc alone gets inline styles (its view).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: Swagger UI's CSS icons, the authenticator QR code (allauth)
        "font-src": [SELF],
        "media-src": [SELF],  # lesson videos and their captions, streamed by courses.views.media
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "report-uri": "/csp-report/",
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO; keep its warnings (e.g. a refused URL).
        "weasyprint.progress": {"level": "WARNING"},
        # stripe-python logs every request and response at INFO; our gateway logs what matters.
        "stripe": {"level": "WARNING"},
    },
}
