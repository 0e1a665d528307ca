"""Django settings, read from the environment.

Every knob an operator may turn is an environment variable documented in README.md
("Settings"). Nothing here reads outside the repository or the ``var/`` folder.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("CHINHQUYEN_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("CHINHQUYEN_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" refuses to start without a real SECRET_KEY and turns on secure cookies;
# "development" (the default, used by `make demo` and the tests) generates a key under var/.
ENVIRONMENT = os.environ.get("CHINHQUYEN_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when CHINHQUYEN_ENV=production "
            "(SECRET_KEY phải được đặt khi chạy ở chế độ production)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "treebeard",
    "django_tasks_db",
    "oauth2_provider",  # system accounts of the integration API (exchange/api/auth.py)
    "chinhquyen.core",
    "chinhquyen.accounts",
    "chinhquyen.audit",
    "chinhquyen.directory",
    "chinhquyen.procedures",
    "chinhquyen.worktime",
    "chinhquyen.dossiers",
    "chinhquyen.signing",
    "chinhquyen.portal",
    "chinhquyen.citizens",
    "chinhquyen.tracking",
    "chinhquyen.eforms",
    "chinhquyen.payments",
    "chinhquyen.notifications",
    "chinhquyen.appointments",
    "chinhquyen.news",
    "chinhquyen.documents",
    "chinhquyen.meetings",
    "chinhquyen.exchange",
    "chinhquyen.postal",
    "chinhquyen.insights",
    "chinhquyen.infrastructure",
]

MIDDLEWARE = [
    "chinhquyen.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the language switch chose otherwise (ignores Accept-Language).
    "chinhquyen.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chinhquyen.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "chinhquyen.audit.middleware.AuditContextMiddleware",
    # Integration API: body size limit and one message-log entry per call (exchange/api).
    "chinhquyen.exchange.api.middleware.ApiCallLogMiddleware",
    # Last, so a locked-out login is answered before any view runs (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

# System accounts (OAuth2 client credentials, django-oauth-toolkit): short-lived tokens stored
# as SHA-256 only; clients, secrets and scopes are checked by exchange/api/auth.py.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "OAUTH2_VALIDATOR_CLASS": "chinhquyen.exchange.api.auth.SystemClientValidator",
    "SCOPES_BACKEND_CLASS": "chinhquyen.exchange.api.auth.SystemClientScopes",
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # named by our migration

ROOT_URLCONF = "chinhquyen.urls"
WSGI_APPLICATION = "chinhquyen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chinhquyen.core.context_processors.platform",
                "chinhquyen.core.context_processors.preferences",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL selects the database; the embedded default is SQLite in WAL mode under var/.
DEFAULT_SQLITE_PATH = VAR_DIR / "chinhquyen.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
        # instead of failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
    if not str(DATABASES["default"]["NAME"]).startswith(":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # The test database is a file too, not Django's shared in-memory one: with an in-memory
        # database the live server's request threads all share the test's one connection, and
        # two overlapping requests (an htmx autosave during a form post) break each other's
        # savepoints. A file gives each thread its own connection, as in production.
        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(DATABASES["default"]["NAME"]).with_name("test-chinhquyen.sqlite3"))
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 server-side binding: parameters travel apart from the SQL, and a statement
    # run DB_PREPARE_THRESHOLD times on a connection is prepared (parsed and planned once;
    # about half of the server's CPU per dossier intake). DB_PREPARE_THRESHOLD=off behind a
    # pooler that cannot keep prepared statements (PgBouncer < 1.21 in transaction mode).
    # See docs/benchmarks.md (issue 3).
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": env_bool("DB_SERVER_SIDE_BINDING", True),
        "prepare_threshold": None if _prepare in ("", "off", "none") else int(_prepare),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "chinhquyen.accounts.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:backoffice"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout after repeated failures (django-axes): per username and per IP.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Roles whose members must use a TOTP second factor (comma-separated role codes).
REQUIRE_2FA_ROLES = env_list(
    "REQUIRE_2FA_ROLES", "agency_leader,division_leader,it_admin,system_admin" if PRODUCTION else ""
)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "ChinhQuyen")

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # idle expiry: the age counts from the last request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "chinhquyen.core.views.csrf_failure"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Language and time ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "chinhquyen_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the choice is remembered per browser
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "ChinhQuyen")
PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "Tuyên Quang")
# Absolute base of public links made outside a request (the QR code of the slips, the links in
# e-mails and SMS): a production site must say its own address, never fall back to localhost.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not PUBLIC_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "PUBLIC_BASE_URL must be set to the portal's https:// address when "
        "CHINHQUYEN_ENV=production (PUBLIC_BASE_URL phải là địa chỉ https:// của cổng)."
    )
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnam Culture Day (24 Nov, holidays >= 0.109): legal basis UNCONFIRMED, so switchable.
WORKTIME_OBSERVE_CULTURE_DAY = env_bool("WORKTIME_OBSERVE_CULTURE_DAY", True)
# Digital signatures (docs/signing.md): an RFC 3161 time-stamping URL turns on PAdES B-LT;
# stored PKCS#12 keys are sealed with a key derived from this setting (else from SECRET_KEY).
SIGNING_TSA_URL = os.environ.get("SIGNING_TSA_URL", "")
SIGNING_KEY_ENCRYPTION_KEY = os.environ.get("SIGNING_KEY_ENCRYPTION_KEY", "")
# Slips (giấy tiếp nhận …) get the receiving agency's organisation signature when it has a key.
SIGNING_SIGN_SLIPS = env_bool("SIGNING_SIGN_SLIPS", True)
# Certificate expiry warnings go out this many days ahead (chinhquyen signing_expiry_warnings).
SIGNING_EXPIRY_WARNING_DAYS = int(os.environ.get("SIGNING_EXPIRY_WARNING_DAYS", "30"))
# Online payment (docs/payments.md): a signed-redirect gateway (VNPAY-style). In development
# the defaults point at the local sandbox (`chinhquyen payment_sandbox --port 8010`); in
# production online payment is off until the three are set.
PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "vnpay")
PAYMENT_GATEWAY_URL = os.environ.get(
    "PAYMENT_GATEWAY_URL", "" if PRODUCTION else "http://127.0.0.1:8010/paymentv2/vpcpay.html"
)
PAYMENT_MERCHANT_CODE = os.environ.get("PAYMENT_MERCHANT_CODE", "" if PRODUCTION else "CQSANDBX")
PAYMENT_HASH_SECRET = os.environ.get(
    "PAYMENT_HASH_SECRET", "" if PRODUCTION else "sandbox-secret-not-for-production"
)
# Citizen accounts (docs/citizens.md): national single sign-on over OpenID Connect. In
# development the defaults point at the local provider (`chinhquyen oidc_dev_provider`).
CITIZEN_OIDC_ISSUER = os.environ.get(
    "CITIZEN_OIDC_ISSUER", "" if PRODUCTION else "http://127.0.0.1:8020"
)
CITIZEN_OIDC_CLIENT_ID = os.environ.get(
    "CITIZEN_OIDC_CLIENT_ID", "" if PRODUCTION else "chinhquyen-dev"
)
CITIZEN_OIDC_CLIENT_SECRET = os.environ.get(
    "CITIZEN_OIDC_CLIENT_SECRET", "" if PRODUCTION else "chinhquyen-dev-secret"
)
CITIZEN_OIDC_SCOPES = os.environ.get("CITIZEN_OIDC_SCOPES", "openid profile email phone")
# Which claim carries what: JSON merged over the defaults in citizens/services.py.
CITIZEN_OIDC_CLAIMS = json.loads(os.environ.get("CITIZEN_OIDC_CLAIMS") or "{}")
CITIZEN_SMS_BACKEND = os.environ.get(
    "CITIZEN_SMS_BACKEND", "chinhquyen.citizens.sms.DevelopmentLogSmsBackend"
)

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Attachments go to an S3-compatible object store when S3_BUCKET is set (MinIO, Ceph, Viettel
# Cloud Object Storage …); otherwise to MEDIA_ROOT on local disk.
if os.environ.get("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest dossier attachment accepted (bytes); the type is sniffed from the content.
DOSSIER_UPLOAD_MAX_BYTES = int(os.environ.get("DOSSIER_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))

# --- Background work ------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- E-mail and SMS notifications (docs/notifications.md) -----------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ChinhQuyen <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Django 6.1 mailers: SMTP when EMAIL_HOST is set (always in production), else the console.
if os.environ.get("EMAIL_HOST") or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "use_ssl": env_bool("EMAIL_USE_SSL"),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
NOTIFICATION_EMAIL_DOMAIN = os.environ.get("NOTIFICATION_EMAIL_DOMAIN", "chinhquyen.localhost")
NOTIFICATION_SMS_BACKEND = os.environ.get("NOTIFICATION_SMS_BACKEND", CITIZEN_SMS_BACKEND)
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "8"))
NOTIFICATION_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATION_RETRY_BASE_SECONDS", "60"))
# Brandname-SMS HTTP gateway (chinhquyen.notifications.sms.HttpSmsGateway; format UNCONFIRMED).
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = os.environ.get("SMS_GATEWAY_API_KEY", "" if PRODUCTION else "sandbox-key")
SMS_GATEWAY_SECRET_KEY = os.environ.get("SMS_GATEWAY_SECRET_KEY", "")
SMS_BRANDNAME = os.environ.get("SMS_BRANDNAME", "CHINHQUYEN")
SMS_TYPE = os.environ.get("SMS_TYPE", "2")
SMS_GATEWAY_TIMEOUT = int(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
# Strip Vietnamese diacritics from SMS text (GSM-7: 160 characters per part, not 70).
SMS_ASCII_ONLY = env_bool("SMS_ASCII_ONLY", default=True)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
