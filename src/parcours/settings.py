"""Parcours settings: one module, driven by the environment.

PARCOURS_ENV selects the posture: ``development`` (default: SQLite and generated keys under
var/), ``test``, or ``production`` (refuses to start without SECRET_KEY, encryption keys and
ALLOWED_HOSTS). See docs/operators.md for every variable.
"""

import datetime
import secrets
from pathlib import Path

import dj_database_url

from parcours.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("PARCOURS_HOME") or Path.cwd()).resolve()
VAR_DIR = BASE_DIR / "var"

PARCOURS_ENV = env_choice("PARCOURS_ENV", ("development", "test", "production"), "development")
PRODUCTION = PARCOURS_ENV == "production"
DEBUG = env_bool("DEBUG", default=PARCOURS_ENV == "development")


def _local_secret(name: str, make) -> str:
    """Read or create a development secret under var/ (never used in production)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    _missing: list[str] = []
    SECRET_KEY = env_str("SECRET_KEY") or ""
    if not SECRET_KEY:
        _missing.append("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        _missing.append("ALLOWED_HOSTS")
    if not env_str("PARCOURS_ENCRYPTION_KEYS"):
        _missing.append("PARCOURS_ENCRYPTION_KEYS")
    if not env_str("PARCOURS_BLIND_INDEX_KEY"):
        _missing.append("PARCOURS_BLIND_INDEX_KEY")
    if not env_str("PARCOURS_AUDIT_KEY"):
        _missing.append("PARCOURS_AUDIT_KEY")
    if _missing:
        raise ConfigurationError(
            "PARCOURS_ENV=production needs these environment variables: " + ", ".join(_missing)
        )
else:
    SECRET_KEY = env_str("SECRET_KEY") or _local_secret(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

# Field encryption keys (comma-separated, newest first) and the blind-index key. Outside
# production, a key file under var/ is created on first use: see parcours.privacy.keys.
PARCOURS_ENCRYPTION_KEYS = env_list("PARCOURS_ENCRYPTION_KEYS")
PARCOURS_BLIND_INDEX_KEY = env_str("PARCOURS_BLIND_INDEX_KEY") or ""
# The key that chains the audit trail's rows (parcours verify-audit), kept apart from the others.
PARCOURS_AUDIT_KEY = env_str("PARCOURS_AUDIT_KEY") or ""
PARCOURS_KEY_FILE = VAR_DIR / "keys.json"
# Network pooling (parcours.network): the key the projects of a network share to sign and check
# evaluation exports, and this organisation's secret for the pseudonyms in them (outside
# production, made under var/ on first use).
PARCOURS_NETWORK_KEY = env_str("PARCOURS_NETWORK_KEY") or ""
PARCOURS_EXPORT_SECRET = env_str("PARCOURS_EXPORT_SECRET") or ""
# Backups (parcours backup / verify-backup / restore): an age key, never a field key. The public
# half (age1...) writes backups; the secret half (AGE-SECRET-KEY-1...) is needed to open them.
# Outside production, a secret key is made under var/backup.key on first use.
PARCOURS_BACKUP_KEY = env_str("PARCOURS_BACKUP_KEY") or ""
# Uploaded documents, sealed, outside the web root; and the largest upload accepted.
PARCOURS_FILE_ROOT = Path(env_str("PARCOURS_FILE_ROOT") or VAR_DIR / "files")
PARCOURS_MAX_UPLOAD_BYTES = env_int("PARCOURS_MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = PARCOURS_MAX_UPLOAD_BYTES + 1024 * 1024
# Imports (spreadsheets, XLSForms, network files): refused above this size before they are read,
# an XLSX above eight times it unpacked, and above this many rows while they are read.
PARCOURS_MAX_IMPORT_BYTES = env_int("PARCOURS_MAX_IMPORT_MB", 25, minimum=1) * 1024 * 1024
PARCOURS_MAX_UNPACKED_BYTES = 8 * PARCOURS_MAX_IMPORT_BYTES
PARCOURS_MAX_IMPORT_ROWS = env_int("PARCOURS_MAX_IMPORT_ROWS", 250_000, minimum=100)

# Long work runs in the background (parcours worker), on the database the site already has:
# imports of more rows than this, exports and report files of more families or sheets.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
PARCOURS_BACKGROUND_ROWS = env_int("PARCOURS_BACKGROUND_ROWS", 2000, minimum=1)
PARCOURS_JOB_KEEP_DAYS = env_int("PARCOURS_JOB_KEEP_DAYS", 7, minimum=1)
# Each worker says it is alive this often; a job whose worker fell silent for six times as long
# (or whose process on the same machine is gone) is failed with a message.
PARCOURS_WORKER_BEAT_SECONDS = env_int("PARCOURS_WORKER_BEAT_SECONDS", 30, minimum=1)

# What the worker does every day on its own, at or after a local time ("" switches it off):
# the members' age bands for the day's reports, retention (on by default in production), and a
# sealed backup into PARCOURS_BACKUP_DIR when
# one is set, deleting there the archives older than PARCOURS_BACKUP_KEEP_DAYS.
PARCOURS_BACKUP_DIR = env_str("PARCOURS_BACKUP_DIR")
PARCOURS_BACKUP_KEEP_DAYS = env_int("PARCOURS_BACKUP_KEEP_DAYS", 35, minimum=1)
PARCOURS_DAILY = {
    "cases.ages": (
        "parcours.cases.jobs.reckon_ages",
        env_str("PARCOURS_AGES_AT", "00:05"),
        "Age bands",
    ),
    # The figures that depend on the day (legal deadlines, flags that end), for the dashboard.
    "cases.figures": (
        "parcours.cases.jobs.figures_to_the_day",
        env_str("PARCOURS_FIGURES_AT", "00:10"),
        "Figures for the day",
    ),
    "backups.backup": (
        "parcours.backups.jobs.nightly_backup",
        env_str("PARCOURS_BACKUP_AT", "02:15") if PARCOURS_BACKUP_DIR else "",
        "Backup",
    ),
    "rights.retention": (
        "parcours.rights.jobs.apply_retention",
        env_str("PARCOURS_RETENTION_AT", "03:00" if PRODUCTION else ""),
        "Retention",
    ),
    # Reminders of what is due (legal deadlines, overdue reviews and actions, quiet files),
    # then each person's digest, queued for the worker to send (parcours remind).
    "reminders.remind": (
        "parcours.reminders.jobs.remind_today",
        env_str("PARCOURS_REMIND_AT", "06:30"),
        "Reminders",
    ),
    "reminders.digest": (
        "parcours.reminders.jobs.send_digests",
        env_str("PARCOURS_DIGEST_AT", "07:00"),
        "Daily digest",
    ),
}

# E-mail (parcours.notify): PARCOURS_EMAIL_URL says where mails go: smtp://host:port,
# smtp+tls://user:password@host:587 (STARTTLS), smtps://user:password@host:465, or console://.
# Unset, development writes each mail to the console and to var/mail/; elsewhere no mail is
# sent at all (nothing leaves Parcours unless an operator says where). Mails are sent by
# parcours worker from the outbox, never from a request.
PARCOURS_EMAIL_URL = env_str("PARCOURS_EMAIL_URL") or {
    "development": "dev://",
    "test": "locmem://",
}.get(PARCOURS_ENV, "")
PARCOURS_EMAIL_FROM = env_str("PARCOURS_EMAIL_FROM") or "Parcours <parcours@localhost>"
# The site's address as its users reach it, for the links in mails (no trailing slash).
PARCOURS_SITE_URL = (env_str("PARCOURS_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
PARCOURS_MAIL_DIR = VAR_DIR / "mail"
PARCOURS_NOTIFICATION_KEEP_DAYS = env_int("PARCOURS_NOTIFICATION_KEEP_DAYS", 90, minimum=1)
# A message the outbox could not deliver is tried again with backoff for this long, then failed.
PARCOURS_OUTBOX_RETRY_HOURS = env_int("PARCOURS_OUTBOX_RETRY_HOURS", 24, minimum=1)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "parcours.accounts",
    "parcours.projects",
    "parcours.privacy",
    "parcours.notify",
    "parcours.sso",
    "parcours.jobs",
    "parcours.cases",
    "parcours.casework",
    "parcours.legal",
    "parcours.instruments",
    "parcours.reports",
    "parcours.network",
    "parcours.rights",
    "parcours.collect",
    "parcours.dashboard",
    "parcours.volume",
    "parcours.demo",
    "parcours.backups",
    "parcours.reminders",
    "parcours.pages",
    "parcours.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parcours.accounts.middleware.SessionLimitsMiddleware",
    "parcours.sso.middleware.ProviderRecheckMiddleware",
    "parcours.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "parcours.privacy.middleware.NoStoreMiddleware",
    "parcours.privacy.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "parcours.versioning.StaleEditMiddleware",
]

# Sign-in throttling (django-axes): after PARCOURS_LOGIN_FAILURES failed attempts for one name
# from one address, that pair is refused for PARCOURS_LOGIN_COOLOFF_MINUTES. Counted per name
# and address together, so an office behind one address is not locked out by one person.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PARCOURS_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("PARCOURS_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "parcours.privacy.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "parcours.accounts.lockout.locked_out"
AXES_VERBOSE = False

ROOT_URLCONF = "parcours.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parcours.accounts.context_processors.roles",
                "parcours.navigation.menu",
                "parcours.notify.context_processors.bell",
                "parcours.sso.context_processors.single_sign_on",
            ],
            "builtins": ["parcours.errors"],  # {% error_summary %} for every form's errors
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL") or _default_db,
            # Tests open and drop databases: they must not keep pooled connections around.
            conn_max_age=env_int(
                "DATABASE_CONN_MAX_AGE", 0 if PARCOURS_ENV == "test" else 60, minimum=0
            ),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ConfigurationError(
        f"DATABASE_URL is not a database URL Parcours can use: {exc}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: erased values are overwritten on disk, not left in free pages.
        # wal_autocheckpoint: the log is copied into the database (and synced) every 10 000
        # pages, not SQLite's 1 000: a list page's fifty audit rows dirty some fifty pages of
        # the audit trail's per-family index, so at 1 000 one request in twenty paid for a
        # checkpoint (its p95 twice its median); ten times rarer, each copies the same hot
        # pages once, a third of the work in all. journal_size_limit trims the log after.
        # (The planner's statistics: parcours.database.)
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA wal_autocheckpoint=10000; PRAGMA journal_size_limit=67108864; "
        "PRAGMA secure_delete=ON;",
    }
    # A file, not memory: the browser tests' live server answers from several threads.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compiling: PostgreSQL compiles a query whose plan it guesses costly, and a report's
    # count guarded by a subquery that never runs cost 230 ms of compiling for 15 ms of work
    # (the report at 100 000 files: 2.2 s with it, 1.8 without). Nothing here runs long
    # enough to win it back.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Kosovo has no ISO 3166 code yet; XK is the code the EU and ICAO use (the seed's families from
# Kosovo). One list for the forms, the model and the imports.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}
# English as used in Belgium: day before month, 24-hour clock.
FORMAT_MODULE_PATH = ["parcours.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
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

# Sessions end with the browser, after PARCOURS_SESSION_IDLE_MINUTES without a request (the
# session store's expiry, renewed by a request once a minute at most) and
# PARCOURS_SESSION_MAX_HOURS after sign-in whatever the activity (parcours.accounts.middleware).
PARCOURS_SESSION_IDLE_MINUTES = env_int("PARCOURS_SESSION_IDLE_MINUTES", 30, minimum=2)
PARCOURS_SESSION_MAX_HOURS = env_int("PARCOURS_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = PARCOURS_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (django-otp, TOTP): required for every role unless turned off, which only
# the demo does by default. Lost phone: `parcours reset-2fa USERNAME`.
PARCOURS_REQUIRE_2FA = env_bool("PARCOURS_REQUIRE_2FA", PARCOURS_ENV != "development")
OTP_TOTP_ISSUER = "Parcours"

# Single sign-on with the organisation's OpenID Connect provider (parcours.sso), off unless
# PARCOURS_OIDC_ISSUER is set. Who may do what stays decided in Parcours: a person signs in
# only to an account an administrator or coordinator made. The client secret comes from the
# environment only.
PARCOURS_OIDC_ISSUER = (env_str("PARCOURS_OIDC_ISSUER", "") or "").rstrip("/")
PARCOURS_OIDC_CLIENT_ID = env_str("PARCOURS_OIDC_CLIENT_ID", "") or ""
PARCOURS_OIDC_CLIENT_SECRET = env_str("PARCOURS_OIDC_CLIENT_SECRET", "") or ""
PARCOURS_OIDC_LABEL = env_str("PARCOURS_OIDC_LABEL", "") or ""
PARCOURS_OIDC_ONLY = env_bool("PARCOURS_OIDC_ONLY", False)
# Scopes asked for; add offline_access where the provider gives a refresh token only then
# (Microsoft Entra ID), so the worker can re-check the account between requests.
PARCOURS_OIDC_SCOPES = env_str("PARCOURS_OIDC_SCOPES", "openid email profile")
# More parameters for the provider's sign-in address, as a query string (Google Workspace:
# access_type=offline&prompt=consent, for a refresh token).
PARCOURS_OIDC_EXTRA_PARAMS = env_str("PARCOURS_OIDC_EXTRA_PARAMS", "") or ""
# The acr values that say a second factor was used, beside amr's mfa, otp, hwk, swk, sms…
PARCOURS_OIDC_MFA_ACR = env_list("PARCOURS_OIDC_MFA_ACR")
PARCOURS_OIDC_RECHECK_MINUTES = env_int("PARCOURS_OIDC_RECHECK_MINUTES", 15, minimum=1)
if PARCOURS_OIDC_ISSUER:
    if not (PARCOURS_OIDC_CLIENT_ID and PARCOURS_OIDC_CLIENT_SECRET):
        raise ConfigurationError(
            "PARCOURS_OIDC_ISSUER needs PARCOURS_OIDC_CLIENT_ID and PARCOURS_OIDC_CLIENT_SECRET"
        )
    if PRODUCTION and not PARCOURS_OIDC_ISSUER.startswith("https://"):
        raise ConfigurationError("PARCOURS_OIDC_ISSUER must be an https:// address in production")
OTP_TOTP_THROTTLE_FACTOR = 1
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The case list's index carries the families' ids on PostgreSQL (INCLUDE); SQLite, which keeps
# no such columns, builds it without them, and the check says so on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Entering the browsers' preload list is the domain owner's decision, not ours.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): only our own files run or style a page; no inline
# script or style, no framing, no plugins, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# Only these proxies are believed about the client address written to the audit trail.
PARCOURS_TRUSTED_PROXIES = env_list("PARCOURS_TRUSTED_PROXIES")
PARCOURS_CASE_LIST_PAGE_SIZE = 50
# Files closed longer ago than their project's retention period (this is the default for new
# projects) are erased by `parcours apply-retention`, unless held.
PARCOURS_RETENTION_YEARS = env_int("PARCOURS_RETENTION_YEARS", 5, minimum=1)
# "Who has seen this file" flags a person who opened more files than this within an hour.
PARCOURS_ACCESS_ALERT = env_int("PARCOURS_ACCESS_ALERT", 20, minimum=1)
# In outputs for outside the organisation, counts below this show as "<k".
PARCOURS_SMALL_CELL = env_int("PARCOURS_SMALL_CELL", 5, minimum=1)

# The REST API (parcours.api): personal Bearer tokens only, JSON only, errors as RFC 9457
# problem details, rates per token (docs/api.md). PARCOURS_API_RATE is per minute.
PARCOURS_API_RATE = env_int("PARCOURS_API_RATE", 120, minimum=1)
PARCOURS_API_IDEMPOTENCY_HOURS = env_int("PARCOURS_API_IDEMPOTENCY_HOURS", 24, minimum=1)
# Webhooks to http:// and to loopback or private addresses: development and tests only.
PARCOURS_WEBHOOKS_LOCAL = not PRODUCTION and env_bool("PARCOURS_WEBHOOKS_LOCAL", True)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["parcours.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["parcours.api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["parcours.api.throttles.PerToken"],
    "DEFAULT_SCHEMA_CLASS": "parcours.api.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "parcours.api.problems.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parcours API",
    "DESCRIPTION": (
        "Families, casework, sheets, reports and webhooks of Parcours, through the same "
        "visibility gate and audit trail as the pages. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "FamilyStatusEnum": "parcours.cases.choices.FamilyStatus",
        "ActionStatusEnum": "parcours.casework.choices.ActionStatus",
    },
    "SECURITY": [{"bearer": []}],
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token"}
        }
    },
    "AUTHENTICATION_WHITELIST": [],
    "DISABLE_ERRORS_AND_WARNINGS": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
