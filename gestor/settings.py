"""Gestor settings, read from the environment (see README, "Configuration").

Two modes:
- ``embedded`` (default): SQLite under ``var/``, tasks run in-process, e-mails
  written as .eml files under ``var/mail/``. Nothing to configure.
- ``production``: PostgreSQL, Redis and SMTP, secure cookies and HSTS; every
  secret must come from the environment.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_choice, env_decimal, env_int, env_list, env_str

# Django's generic classes (ModelAdmin[Invoice], …) take their type arguments at run
# time too, so the code is typed with them (mypy --strict) without ignores.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GESTOR_VAR_DIR", str(BASE_DIR / "var")))
# The embedded database, e-mails and uploads live here; a fresh clone has no var/ yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)

MODE = env_choice("GESTOR_MODE", ("embedded", "production"), "embedded")
PRODUCTION = MODE == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

if DEBUG and not PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
else:
    SECRET_KEY = env_str("SECRET_KEY")

# The product's name as customers see it in e-mails (greeting, signature,
# subject prefix) and in the authenticator app: a provider may rebrand Gestor.
PRODUCT_NAME = env_str("PRODUCT_NAME", "Gestor")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Catalog data per language (X1); must come before the admin it extends.
    "modeltranslation",
    "core.admin_site.GestorAdminConfig",  # django.contrib.admin, forms with the text rule
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Gestor's apps come before allauth so that their templates override allauth's.
    "core",
    "accounts",
    "orgs",
    "catalog",
    "products",
    "ledger",
    "billing",
    "wallet",
    "shop",
    "flows",  # the flows that span several domains (checkout: billing's signals and settler)
    "api",
    "panel",
    "benchdata",  # manage.py bench_seed (the benchmark data set)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "ninja",
    "django_countries",
    "phonenumber_field",
    "bootstrap",
    "django.forms",  # last: Gestor's widget templates (core/templates/django/forms) win
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "api.middleware.ApiLanguageMiddleware",
    "core.middleware.InputHygieneMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "orgs.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gestor.urls"
# Widgets render from templates, so core/templates/django/forms adds Bootstrap's classes.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "gestor.wsgi.application"

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
                "panel.context_processors.panel",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gestor.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo's reader and writer work side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds the
    # same index without the extra columns, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits and login lock-outs live here) --------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if PRODUCTION or env_bool("CACHE_REDIS", False):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "panel.adapter.PanelAccountAdapter"  # accounts' adapter + the sign-up flow
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PRODUCT_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", PRODUCT_NAME)
USERSESSIONS_TRACK_ACTIVITY = True
# Recorded by accounts.middleware.SessionActivityMiddleware at most this often
# per session (seconds), so that a page view writes nothing (issue 9).
USERSESSIONS_ACTIVITY_INTERVAL = env_int("USERSESSIONS_ACTIVITY_INTERVAL", 300)

# --- Internationalisation (X1) --------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Zurich")
USE_I18N = True
USE_TZ = True
# Day-first English dates (Django's "en" is American) and Italian without the weekday.
FORMAT_MODULE_PATH = ["gestor.formats"]
# Gestor's own catalogs come first: another app's translation of the same
# msgid (the admin's Italian "Log out", for instance) never replaces ours.
LOCALE_PATHS = [
    BASE_DIR / app / "locale" for app in INSTALLED_APPS if (BASE_DIR / app / "locale").is_dir()
]
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Catalog data (offer and plan names, descriptions, VAT mentions) is stored per
# language; English and Spanish are required in the back office, a missing
# translation shows the English text, else the Spanish one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "es")
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"  # identifiers (slugs) from the English name

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Gestor serves its few uploaded images itself; turn off when the web server does it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- E-mail (X2): everything goes through core.outbox ----------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Gestor <no-reply@gestor.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_DELIVERY = env_choice("EMAIL_DELIVERY", ("eml", "smtp"), "smtp" if PRODUCTION else "eml")
if EMAIL_DELIVERY == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "core.mail_backends.EmlFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# How many pending e-mails the sweep and send_outbox read at a time (they go on until none is left).
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 500)
# I5: an e-mailed invoice export up to this size is attached; a larger one is a signed link.
INVOICE_EXPORT_ATTACHMENT_MAX_BYTES = env_int("INVOICE_EXPORT_ATTACHMENT_MAX_BYTES", 5_000_000)

# --- Background work ---------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": timedelta(minutes=1)},
    "payments-expire": {
        "task": "billing.tasks.payments_expire_task",
        "schedule": timedelta(minutes=5),
    },
}

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if ALLAUTH_TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Money (P1, P4, X5) ------------------------------------------------------
# Limits of one credit of the prepaid account, in the account's currency.
PREPAID_CREDIT_MIN = env_decimal("PREPAID_CREDIT_MIN", "10.00")
PREPAID_CREDIT_MAX = env_decimal("PREPAID_CREDIT_MAX", "5000.00")
# The provider printed on invoices (copied onto each invoice when it is issued).
SELLER = {
    "name": env_str("SELLER_NAME", "Gestor Hosting SA"),
    "address": env_str("SELLER_ADDRESS", "Rue du Rhône 1\n1204 Genève\nSwitzerland"),
    "vat_number": env_str("SELLER_VAT_NUMBER", "CHE-123.456.789 MWST"),
    "iban": env_str("SELLER_IBAN", "CH93 0076 2011 6238 5295 7"),
}
# A card or PayPal payment still unconfirmed after this many minutes expires (the
# sweep every five minutes, or manage.py payments_expire); a confirmation arriving
# later credits the prepaid account (billing.services.payment_confirm).
PAYMENT_PENDING_EXPIRY_MINUTES = env_int("PAYMENT_PENDING_EXPIRY_MINUTES", 60)
# I4: a payment request is due this many days after its issue (shown on its PDF).
PAYMENT_REQUEST_DUE_DAYS = env_int("PAYMENT_REQUEST_DUE_DAYS", 30)
# HMAC secrets of the payment providers' webhooks (billing/providers/); in
# production a provider without its secret refuses every webhook.
_WEBHOOK_DEV_SECRET = "" if PRODUCTION else "dev-only-webhook-secret-"
PAYMENT_WEBHOOK_SECRETS = {
    "card": env_str(
        "PAYMENT_WEBHOOK_SECRET_CARD", _WEBHOOK_DEV_SECRET and _WEBHOOK_DEV_SECRET + "card"
    ),
    "paypal": env_str(
        "PAYMENT_WEBHOOK_SECRET_PAYPAL", _WEBHOOK_DEV_SECRET and _WEBHOOK_DEV_SECRET + "paypal"
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "core.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # A refused request (403, 404) logs one line, never a traceback.
    "loggers": {"django.request": {"filters": ["refusal_without_traceback"]}},
}

PHONENUMBER_DEFAULT_FORMAT = "E164"
