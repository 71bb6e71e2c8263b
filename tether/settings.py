"""Tether's settings. Everything that differs between machines comes from the environment;
the README lists every variable."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tether.lib.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (make demo and make test set one)."
        )
    SECRET_KEY = "demo-only-insecure-key"  # noqa: S105  (DEBUG only; production must set one)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Sign-in throttling (tether/accounts/throttle.py): failed attempts per account and address.
    "axes",
    "tether.accounts",
    "tether.assessments",
    "tether.crisis",
    "tether.care",
    "tether.network",
    "tether.notifications",
    "tether.engagement",
    "tether.peers",
    "tether.audit",
    "tether.scheduling",
    "tether.invitations",
    "tether.staffing",
    "tether.demo",
    "django_tasks",
    "django_tasks_db",
    "tether.api",
    # Two-step sign-in (tether/mfa): authenticator-app codes and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tether.mfa",
    # The change history of clinical records (who changed what, when): tether/audit/changes.py.
    "simple_history",
    # ninja's own templates and static files: the API docs load a pinned Swagger UI from
    # STATIC_URL, not from a CDN (ninja.openapi.docs.render_template).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request id, and the patients' records the access doors handed out, recorded in one
    # insert at the end of the request (tether/audit/middleware.py).
    "tether.audit.middleware.AuditTrailMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: whether the session passed its second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # After authentication, so it knows who is signed in (tether/lib/no_store.py).
    "tether.lib.no_store.NoStoreMiddleware",
    # Nothing but the sign-in pages until the second factor is passed (tether/mfa/middleware.py);
    # after no-store, so its redirects are not cached either.
    "tether.mfa.middleware.SecondFactorMiddleware",
    # After authentication: a clinical record's history names the signed-in person who changed
    # it (an API caller once the token is read); outside a request it is nobody, "Tether".
    "simple_history.middleware.HistoryRequestMiddleware",
    "tether.accounts.middleware.PracticeTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the "sign-in is paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tether.urls"
WSGI_APPLICATION = "tether.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tether" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tether.crisis.context_processors.crisis_resources",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://...) selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'tether.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the page server read while a writer commits; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django-axes first: it refuses a paused account or address before any password is hashed
# (tether/accounts/throttle.py); then Django's own check of the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password rules after NIST SP 800-63B-4 and ASVS 5.0 V6 (V6.2): length over
# complexity, a blocklist of common passwords and of the person's own names; no composition
# rules (so no NumericPasswordValidator: a long string of digits is a length, not a rule).
# 15 is NIST's minimum for a password used alone, as a patient's may be (staff add a second
# factor); 128 leaves room for any passphrase without hashing megabytes.
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 15, 128
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "tether.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": PASSWORD_MAX_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# An emailed password-reset link works once, within an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Sign-in throttling (django-axes; tether/accounts/throttle.py says how the two limits work).
# An account pauses after 5 failures: a person who mistypes gets 4 more tries, a guesser 5
# per pause. An address pauses after SIGN_IN_ADDRESS_FAILURE_LIMIT failures over all names,
# high enough that a practice's shared office address is not paused by one person's typos.
# A pause ends 15 minutes after the failure that started it (failures during it do not
# extend it, so the page's "wait 15 minutes" is true); a password reset or the practice
# admin (/staff/sign-in-pauses/) lifts an account's pause sooner.
AXES_FAILURE_LIMIT = 5
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "tether.accounts.throttle.AccountAndAddressHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tether.accounts.views.sign_in_paused"
# REMOTE_ADDR, or X-Forwarded-For's last entry behind a proxy (BEHIND_HTTPS_PROXY).
AXES_CLIENT_IP_CALLABLE = "tether.accounts.throttle.client_address"
AXES_ENABLE_ADMIN = False  # the admin's page is /staff/sign-in-pauses/, not the Django admin
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Two-step sign-in: the name authenticator apps show, and django-otp's throttling (after each
# wrong code a device refuses codes for 1, 2, 4, 8 ... seconds: the factor times 2^(n-1)).
OTP_TOTP_ISSUER = "Tether"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Automatic logoff (HIPAA §164.312(a)): an idle session ends after this many seconds.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Only behind a proxy that sets X-Forwarded-Proto itself (and strips any sent by a client)
# may the header say a request came over HTTPS; otherwise a client could claim it.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, fonts and everything else come from
# Tether's own static files; no inline script or style, no plugins, no framing, forms post
# only here. Images may also be data: URIs (the QR code for an authenticator app is one).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page of Tether uses the camera,
# microphone, location, payments or devices, so no page (or anything injected) may ask.
# Passkeys stay possible for Tether's own pages.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "clipboard-read": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tether" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: SMTP when EMAIL_HOST is set; the demo prints messages to the console instead.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS unless told otherwise: messages carry links into Tether (the demo prints them).
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not DEBUG)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tether <no-reply@localhost>")

# Text messages: the console prints them for the demo; production sends through Twilio.
SMS_BACKEND = os.environ.get("SMS_BACKEND") or (
    "tether.notifications.sms.ConsoleBackend" if DEBUG else "tether.notifications.sms.TwilioBackend"
)
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")

# Background work: Django's Tasks API (django-tasks backport) on the database backend, so the
# demo needs nothing but SQLite and production runs any number of `db_worker`s on PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic sweeps: idempotent `sweep(*, now) -> int` functions that `manage.py run_scheduler`
# enqueues every minute (tether/scheduling/). A path that does not import stops the scheduler.
SWEEPS = [
    "tether.crisis.sweeps.escalate_unacknowledged_alerts",
    "tether.engagement.sweeps.sweep_missed_appointments",
    "tether.engagement.sweeps.sweep_overdue_outreach",
    "tether.engagement.sweeps.send_due_reminders",
    "tether.notifications.sweeps.retry_failed_deliveries",
    "tether.network.sweeps.send_due_nudges",
    "tether.engagement.sweeps.send_outreach_digests",
    "tether.peers.sweeps.ask_due_belonging_checks",
    "tether.peers.sweeps.nudge_inactive_members",
    "tether.crisis.sweeps.email_rota_gaps",
]

# Links in emails and texts point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Every /api/v1 list is paginated (tether.api.pagination.Pages, ?limit=&offset=) and
# answers at most this many items at a time: a larger ?limit= is a 400. The same maximum as
# pages (tether.lib.pagination.MAX_PAGE_SIZE).
NINJA_PAGINATION_MAX_LIMIT = 100

# The reviewed, dated crisis-resource file; a practice may point this at its own copy.
CRISIS_RESOURCES_FILE = Path(
    os.environ.get("CRISIS_RESOURCES_FILE")
    or BASE_DIR / "tether" / "crisis" / "data" / "crisis_resources.json"
)

# Signed-link tokens are redacted from every logged path and contact details masked
# (tether/lib/log_redaction.py): on the console handler for everything, and on Django's
# request and development-server loggers themselves. gunicorn's own logs: gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "tether.lib.log_redaction.RedactingFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["redact"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
