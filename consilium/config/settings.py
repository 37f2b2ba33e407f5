"""Settings: every value comes from an environment variable with an embedded default.

The embedded defaults run the whole service on one machine (SQLite in var/, encrypted files in
var/, the database task queue). A deployment at scale sets the variables; nothing else changes.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets the admin classes and forms name their model (ModelAdmin[Case]) at runtime, as strict
# mypy asks; Django's own classes do not take type parameters.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CONSILIUM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _local_secret(filename: str, make: Callable[[], str]) -> str:
    """A secret kept in var/ for the embedded deployment, created on first start."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("CONSILIUM_SECRET_KEY") or _local_secret(
    "secret_key", lambda: secrets.token_urlsafe(64)
)
# Wraps each patient's data key (AES-256-GCM); base64 of 32 bytes. Losing it loses every file.
# In production it comes from the environment (CONSILIUM_MASTER_KEY, set by a secret manager) or
# from a file held outside the data directory (CONSILIUM_MASTER_KEY_FILE, such as a mounted
# secret); the demo's key in var/ beside the encrypted files is refused when CONSILIUM_HTTPS=1
# (consilium.core.checks). MASTER_KEY_PATH is the file it was read from, if any.
MASTER_KEY_PATH: Path | None = None
if env("CONSILIUM_MASTER_KEY"):
    MASTER_KEY = env("CONSILIUM_MASTER_KEY")
elif env("CONSILIUM_MASTER_KEY_FILE"):
    MASTER_KEY_PATH = Path(env("CONSILIUM_MASTER_KEY_FILE"))
    MASTER_KEY = MASTER_KEY_PATH.read_text().strip()
else:
    MASTER_KEY_PATH = VAR_DIR / "master_key"
    MASTER_KEY = _local_secret(
        "master_key", lambda: __import__("base64").b64encode(secrets.token_bytes(32)).decode()
    )
DEBUG = env_bool("CONSILIUM_DEBUG", False)
ALLOWED_HOSTS = env_list("CONSILIUM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CONSILIUM_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("CONSILIUM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("CONSILIUM_SITE_NAME", "Consilium")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "consilium.core",
    "consilium.audit",
    "consilium.accounts",
    "consilium.patients",
    "consilium.cases",
    "consilium.documents",
    "consilium.consent",
    "consilium.billing",
    "consilium.notifications",
    "consilium.insights",
    "consilium.review",
    "consilium.reports",
    "consilium.records",
    "consilium.consultations",
    "consilium.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "consilium.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "consilium.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "consilium.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "consilium.core.middleware.PrivacyHeadersMiddleware",
    "consilium.core.middleware.SignedOutPostMiddleware",
]
CSRF_FAILURE_VIEW = "consilium.core.views.csrf_failure"

ROOT_URLCONF = "consilium.config.urls"
WSGI_APPLICATION = "consilium.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "consilium" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "consilium.core.context_processors.site",
                "consilium.accounts.context_processors.second_step",
                "consilium.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'consilium.sqlite3'}"),
        conn_max_age=int(env("CONSILIUM_DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it, so one the server dropped
        # (a restart, a failover, an idle timeout) is replaced instead of failing the request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids lock upgrades
    # failing under concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database is a file, not Django's shared in-memory one: that one answers "table is
    # locked" at once to a second connection (the live server of browser tests, a second worker
    # thread) instead of waiting like the service's own file does. One file per test process, in
    # memory-backed /dev/shm where there is one so it costs about what the in-memory one did;
    # Django deletes it when the run ends.
    _test_db_dir = Path(env("CONSILIUM_TEST_DB_DIR", "/dev/shm"))  # noqa: S108 - test data only
    if not (_test_db_dir.is_dir() and os.access(_test_db_dir, os.W_OK)):
        _test_db_dir = Path(tempfile.gettempdir())
    DATABASES["default"]["TEST"] = {
        "NAME": str(_test_db_dir / f"consilium-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "consilium_cache",
    }
}
if env("CONSILIUM_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CONSILIUM_REDIS_URL"),
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = ["consilium.accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "consilium.accounts.validators.ConsiliumPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "CONSILIUM_PASSWORD_HASHERS",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
)

# Sessions end after 30 minutes without a request. The window is renewed by the first request
# more than SESSION_REFRESH_SECONDS after the last renewal (consilium.core.middleware
# .SessionRefreshMiddleware), not by a write on every request: a session therefore ends between
# 30 minutes minus that interval and 30 minutes after its last request, never later.
SESSION_COOKIE_AGE = int(env("CONSILIUM_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_REFRESH_SECONDS = int(env("CONSILIUM_SESSION_REFRESH_SECONDS", "60"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Rows on one page of a long list (queues, inboxes, a patient's cases, notices, the outbox).
LIST_PAGE_SIZE = int(env("CONSILIUM_LIST_PAGE_SIZE", "25"))

HTTPS = env_bool("CONSILIUM_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("CONSILIUM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own static files (and Razorpay's checkout on the payment page): no inline
# script or handler runs, so an injected <script> or onerror= does nothing. Inline style
# attributes are allowed (redaction boxes are positioned with them); style elements are not.
_RAZORPAY = ["https://checkout.razorpay.com", "https://api.razorpay.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_RAZORPAY],
        "style-src": ["'self'", "'unsafe-inline'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *_RAZORPAY, "https://lumberjack.razorpay.com"],
        "frame-src": _RAZORPAY,
        "form-action": ["'self'", *_RAZORPAY],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Nothing here needs a device sensor; payment is allowed for Razorpay's frame only.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), hid=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    'payment=(self "https://api.razorpay.com")'
)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [BASE_DIR / "consilium" / "locale"]
TIME_ZONE = env("CONSILIUM_TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project's own CSS and the vendored Pico and htmx live outside any app.
STATICFILES_DIRS = [BASE_DIR / "consilium" / "static"]
STATIC_ROOT = Path(env("CONSILIUM_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Encrypted files (documents, signed PDFs). Local disk by default; "s3" for S3-compatible storage
# (consilium/core/s3.py): AWS S3, SeaweedFS, MinIO, Ceph. Files are encrypted before they leave
# the process either way. Empty S3 credentials use boto3's own chain (an instance or pod role).
FILES_BACKEND = env("CONSILIUM_FILES_BACKEND", "local")
FILES_DIR = Path(env("CONSILIUM_FILES_DIR", str(VAR_DIR / "files")))
FILES_S3_BUCKET = env("CONSILIUM_FILES_S3_BUCKET")
FILES_S3_ENDPOINT = env("CONSILIUM_FILES_S3_ENDPOINT")
FILES_S3_REGION = env("CONSILIUM_FILES_S3_REGION", "us-east-1")
FILES_S3_ACCESS_KEY_ID = env("CONSILIUM_FILES_S3_ACCESS_KEY_ID")
FILES_S3_SECRET_ACCESS_KEY = env("CONSILIUM_FILES_S3_SECRET_ACCESS_KEY")
# Objects go under this prefix, so one bucket can hold several deployments.
FILES_S3_PREFIX = env("CONSILIUM_FILES_S3_PREFIX")
# Servers other than AWS (an endpoint given) mostly want path-style URLs.
FILES_S3_ADDRESSING_STYLE = env(
    "CONSILIUM_FILES_S3_ADDRESSING_STYLE", "path" if FILES_S3_ENDPOINT else "auto"
)
# Multipart part size: one part is in memory per upload in progress (S3's minimum is 5).
FILES_S3_PART_MB = int(env("CONSILIUM_FILES_S3_PART_MB", "8"))

# Uploads: never buffer a file in memory or in a plaintext temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CASE_UPLOAD_LIMIT_BYTES = int(env("CONSILIUM_CASE_UPLOAD_LIMIT_BYTES", str(75 * 1024 * 1024)))
# What one PDF may ask of the worker: pages per file, the area of any page (1 m² is A0, the
# largest paper a report is printed on), and seconds of reading before it is given up.
DOCUMENT_MAX_PAGES = int(env("CONSILIUM_DOCUMENT_MAX_PAGES", "300"))
DOCUMENT_MAX_PAGE_AREA_M2 = float(env("CONSILIUM_DOCUMENT_MAX_PAGE_AREA_M2", "1.05"))
DOCUMENT_READ_SECONDS = int(env("CONSILIUM_DOCUMENT_READ_SECONDS", "600"))
# Address space of the background worker (`manage.py worker`); 0 for no limit.
WORKER_MEMORY_MB = int(env("CONSILIUM_WORKER_MEMORY_MB", "4096"))

TASKS = {
    "default": {
        "BACKEND": env("CONSILIUM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env("CONSILIUM_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env("CONSILIUM_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("CONSILIUM_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("CONSILIUM_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("CONSILIUM_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("CONSILIUM_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("CONSILIUM_FROM_EMAIL", "Consilium <care@consilium.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Service rules a deployment sets.
CURRENCY = env("CONSILIUM_CURRENCY", "INR")
PRICE_SINGLE = Decimal(env("CONSILIUM_PRICE_SINGLE", "2500"))
PRICE_DOUBLE = Decimal(env("CONSILIUM_PRICE_DOUBLE", "3500"))
PRICE_BOARD = Decimal(env("CONSILIUM_PRICE_BOARD", "5000"))
PRICE_PLATFORM = Decimal(env("CONSILIUM_PRICE_PLATFORM", "2500"))
PAYMENT_PROVIDER = env("CONSILIUM_PAYMENT_PROVIDER", "offline")
# Where offline payments go (the checkout page shows a UPI QR code and link when UPI_ID is set,
# and the bank details for a transfer); empty ones fall back to what the admin entered.
UPI_ID = env("CONSILIUM_UPI_ID").strip()
UPI_PAYEE_NAME = env("CONSILIUM_UPI_PAYEE_NAME").strip()
BANK_ACCOUNT_NAME = env("CONSILIUM_BANK_ACCOUNT_NAME").strip()
BANK_ACCOUNT_NUMBER = env("CONSILIUM_BANK_ACCOUNT_NUMBER").strip()
BANK_IFSC = env("CONSILIUM_BANK_IFSC").strip().upper()
BANK_NAME = env("CONSILIUM_BANK_NAME").strip()
# The receipt's tax lines, shown only when a GSTIN is set: the price includes GST at GST_RATE
# percent, as IGST ("igst") or split into CGST and SGST ("cgst_sgst").
GSTIN = env("CONSILIUM_GSTIN").strip().upper()
GST_RATE = Decimal(env("CONSILIUM_GST_RATE", "0") or "0")
GST_KIND = env("CONSILIUM_GST_KIND", "igst").strip().lower()
BILLING_NAME = env("CONSILIUM_BILLING_NAME").strip()
BILLING_ADDRESS = env("CONSILIUM_BILLING_ADDRESS").strip()
RAZORPAY_KEY_ID = env("CONSILIUM_RAZORPAY_KEY_ID")
RAZORPAY_KEY_SECRET = env("CONSILIUM_RAZORPAY_KEY_SECRET")
RAZORPAY_WEBHOOK_SECRET = env("CONSILIUM_RAZORPAY_WEBHOOK_SECRET")
RAZORPAY_API_URL = env("CONSILIUM_RAZORPAY_API_URL", "https://api.razorpay.com/v1")
IDENTITY_MODE = env("CONSILIUM_IDENTITY_MODE", "blind")
DOCTOR_CHOICE = env("CONSILIUM_DOCTOR_CHOICE", "platform")
FOLLOW_UP_QUESTIONS = int(env("CONSILIUM_FOLLOW_UP_QUESTIONS", "3"))
TURNAROUND_TARGET_HOURS = int(env("CONSILIUM_TURNAROUND_TARGET_HOURS", "72"))
TURNAROUND_LIMIT_HOURS = int(env("CONSILIUM_TURNAROUND_LIMIT_HOURS", "120"))
STAFF_REQUIRE_2FA = env_bool("CONSILIUM_STAFF_REQUIRE_2FA", True)
# Reminders to specialists this many hours before the target; an offer not answered within
# OFFER_RESPONSE_HOURS goes back to the coordinator for reassignment.
TURNAROUND_REMINDER_HOURS = int(env("CONSILIUM_TURNAROUND_REMINDER_HOURS", "24"))
OFFER_RESPONSE_HOURS = int(env("CONSILIUM_OFFER_RESPONSE_HOURS", "24"))
# Consultations by video or phone: the length of a slot, how far ahead one may book, the least
# notice a booking needs, until how many hours before the call either side may move or cancel
# it, and the video service (a Jitsi Meet server; the room name is random).
CONSULTATION_SLOT_MINUTES = int(env("CONSILIUM_CONSULTATION_SLOT_MINUTES", "30"))
CONSULTATION_BOOKING_DAYS = int(env("CONSILIUM_CONSULTATION_BOOKING_DAYS", "14"))
CONSULTATION_NOTICE_HOURS = int(env("CONSILIUM_CONSULTATION_NOTICE_HOURS", "2"))
CONSULTATION_CHANGE_HOURS = int(env("CONSILIUM_CONSULTATION_CHANGE_HOURS", "12"))
CONSULTATION_MEETING_BASE_URL = env(
    "CONSILIUM_CONSULTATION_MEETING_BASE_URL", "https://meet.jit.si"
).rstrip("/")
# The deployment's signing certificate and key (PEM). Without them the embedded deployment makes a
# self-signed pair in var/signing/ on first use: fine for a demo, not trusted by PDF readers.
SIGNING_CERT_FILE = env("CONSILIUM_SIGNING_CERT_FILE")
SIGNING_KEY_FILE = env("CONSILIUM_SIGNING_KEY_FILE")
SIGNING_KEY_PASSPHRASE = env("CONSILIUM_SIGNING_KEY_PASSPHRASE")
SIGNING_DIR = Path(env("CONSILIUM_SIGNING_DIR", str(VAR_DIR / "signing")))
# Who signs, as printed on the report.
REPORT_ORGANISATION = env("CONSILIUM_REPORT_ORGANISATION", SITE_NAME)
# The patient's export of their record (a zip): its link works this many days after it is ready,
# then the stored zip is deleted.
EXPORT_LINK_DAYS = int(env("CONSILIUM_EXPORT_LINK_DAYS", "7"))
# Erasing a patient deletes their signed reports too, unless the deployment keeps them (India's
# Telemedicine Practice Guidelines ask the practitioner to keep records of teleconsultations):
# then they are re-encrypted under a key derived from the master key and kept.
ERASURE_KEEPS_REPORTS = env_bool("CONSILIUM_ERASURE_KEEPS_REPORTS", False)
# The "Your data and your rights" page (DPDP Rules 2025, Rule 3): the grievance officer, or the
# person who answers for the processing of personal data, and how long backups are kept.
GRIEVANCE_OFFICER_NAME = env("CONSILIUM_GRIEVANCE_OFFICER_NAME", "The grievance officer")
GRIEVANCE_OFFICER_EMAIL = env("CONSILIUM_GRIEVANCE_OFFICER_EMAIL", "grievance@example.org")
GRIEVANCE_OFFICER_PHONE = env("CONSILIUM_GRIEVANCE_OFFICER_PHONE")
GRIEVANCE_OFFICER_ADDRESS = env("CONSILIUM_GRIEVANCE_OFFICER_ADDRESS")
BACKUP_RETENTION_DAYS = int(env("CONSILIUM_BACKUP_RETENTION_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "consilium.core.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("CONSILIUM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print request bodies' field names and paths only; keep it
        # at WARNING so 4xx noise (which may carry identifiers in URLs) stays out.
        "django.request": {"level": "ERROR"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
