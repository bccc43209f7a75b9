"""Settings shared by every environment, read from the environment.

The defaults give a working single-machine trial: SQLite and a broker that needs no server
(kombu's filesystem transport). Set DATABASE_URL and REDIS_URL for PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "treebeard",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "units.third_party.AxesConfig",  # the same apps, with Chinese names in the admin
    "django_otp",
    "units.third_party.TOTPConfig",
    "units.third_party.StaticConfig",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "units",
    "campaign",
    "complaints",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Outside everything that may answer 403 (CSRF, the views, the admin): logs each refusal.
    "units.security_log.PermissionDeniedLogMiddleware",
    # Before the idle limit: a session that is over ends with its own reason.
    "units.security.SessionValidityMiddleware",
    "units.security.StaffIdleTimeoutMiddleware",
    "units.security.TwoFactorRequiredMiddleware",
    # After sign-in and its checks: the user's grants are asked once per request.
    "units.middleware.RequestMemoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Inside everything that reads request.user on the way out (units/api/log.py).
    "units.api.log.ApiCallLogMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.shell",
            ],
        },
    },
]


def tuned_database(database: dict) -> dict:
    """The connection settings every process uses (web, worker, beat, bench) for a database
    read from a URL: settings modules that name another database pass it through here too."""
    database.setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Web, worker and beat share one SQLite file in the trial setup: wait for locks
        # instead of failing, and let readers proceed while one process writes.
        database.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            }
        )
    elif database["ENGINE"].startswith("django.db.backends.postgresql"):
        # No JIT: PostgreSQL compiles a large query before running it (over a second for
        # the complaint search at province scale, 100-150 ms for the 督办 board's union),
        # which short web requests never earn back.
        options = database.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    return database


DATABASES = {
    "default": tuned_database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username+address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that also loads the account's session cut-off (units.security).
    "units.security.SessionCheckingModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: the public never holds object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Passwords (等保 2.0): at least 8 characters from at least 3 of the 4 classes (upper case,
# lower case, digits, symbols) by default; no forced periodic change (NIST SP 800-63B).
ZUOFENG_PASSWORD_MIN_LENGTH = env.int("ZUOFENG_PASSWORD_MIN_LENGTH", default=8)
ZUOFENG_PASSWORD_MIN_CLASSES = env.int("ZUOFENG_PASSWORD_MIN_CLASSES", default=3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "units.passwords.ComplexityValidator",
        "OPTIONS": {
            "min_length": ZUOFENG_PASSWORD_MIN_LENGTH,
            "min_classes": ZUOFENG_PASSWORD_MIN_CLASSES,
        },
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served at the site's root (/favicon.ico, /apple-touch-icon.png): browsers, the admin's
# pages and bookmarks ask there, whatever the page's <link> says.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis when REDIS_URL is set; otherwise a file cache every local process shares.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down or hung: a miss within a second, never an error page (config/cache.py).
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis in real use; kombu's filesystem transport for the single-machine trial.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
else:
    # visibility_timeout must stay above the longest ETA/countdown any task uses; the socket
    # timeouts keep a web request from hanging when Redis is unreachable.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Seconds before Redis hands an unacknowledged task (its worker died) to another worker.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# A notice being sent is claimed first; nobody retakes a claim younger than this (seconds):
# longer than any send can take, so the drain never duplicates a message still in flight.
ZUOFENG_NOTICE_CLAIM_SECONDS = env.int("ZUOFENG_NOTICE_CLAIM_SECONDS", default=900)
# A long task (scoring, every periodic job) beats this often (seconds) while it runs; a run
# whose heartbeat is older than the timeout counts as interrupted (its process died) and may
# be started again (units.jobs.job_run).
ZUOFENG_JOB_HEARTBEAT_SECONDS = env.float("ZUOFENG_JOB_HEARTBEAT_SECONDS", default=10)
ZUOFENG_JOB_HEARTBEAT_TIMEOUT = env.float("ZUOFENG_JOB_HEARTBEAT_TIMEOUT", default=90)
# An upload staged for its import preview (and the note of a finished import) is deleted
# by the daily sweep (units.tasks.sweep_staged_uploads) once older than this many hours.
ZUOFENG_STAGED_UPLOAD_HOURS = env.float("ZUOFENG_STAGED_UPLOAD_HOURS", default=24)
# An export (complaint ledger, rectification ledger) of at most this many rows is sent
# at once; a larger one is offered as a background export (我的导出, units.exports), since a
# web request is cut off after 60 s (gunicorn --timeout) and a province's file takes longer.
ZUOFENG_EXPORT_DIRECT_MAX_ROWS = env.int("ZUOFENG_EXPORT_DIRECT_MAX_ROWS", default=20000)
# Background exports (their files and records) are deleted by the daily cleanup
# (units.tasks.sweep_exports) once older than this many days; one still generating after
# ZUOFENG_EXPORT_RUNNING_HOURS is recorded as failed.
ZUOFENG_EXPORT_KEEP_DAYS = env.int("ZUOFENG_EXPORT_KEEP_DAYS", default=7)
ZUOFENG_EXPORT_RUNNING_HOURS = env.float("ZUOFENG_EXPORT_RUNNING_HOURS", default=6)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's database schedule, behind a lease so that only one beat ticks.
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# Text messages for urgent notices: the default only logs them (units/sms.py).
ZUOFENG_SMS_BACKEND = env("ZUOFENG_SMS_BACKEND", default="units.sms.LoggingBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="zuofeng@localhost")
# Absolute links in e-mails and notifications.
SITE_URL = env("ZUOFENG_SITE_URL", default="http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Login hardening (units/security.py) -----------------------------------------------
# Lockout: 5 failures for one username from one address lock that pair for 30 minutes.
# Attempts live in the database, so every web process sees them; officers unlock in the
# admin (Axes › access attempts) or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env.int("ZUOFENG_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ZUOFENG_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "units.security.client_ip"
AXES_LOCKOUT_CALLABLE = "units.security.lockout_response"
AXES_VERBOSE = False
# Two-factor login for inspection staff and administrators (django-otp).
OTP_TOTP_ISSUER = "作风建设管理平台"
# Staff are signed out after this long without a request; others keep SESSION_COOKIE_AGE.
ZUOFENG_STAFF_IDLE_SECONDS = env.int("ZUOFENG_STAFF_IDLE_SECONDS", default=30 * 60)
# ... and, active or not, this many hours after they signed in (an absolute lifetime).
ZUOFENG_STAFF_SESSION_MAX_HOURS = env.int("ZUOFENG_STAFF_SESSION_MAX_HOURS", default=12)
# Rate limits count in the shared cache (Redis in production); over the limit: 429.html.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "units.security.ratelimited"
# With the cache (Redis) unreachable, let requests through rather than refuse everyone; the
# login lockout (django-axes) lives in the database and still holds.
RATELIMIT_FAIL_OPEN = True
ZUOFENG_LOGIN_RATE = env("ZUOFENG_LOGIN_RATE", default="30/10m")
# Content-Security-Policy: no inline or foreign script. Inline *styles* stay allowed because
# ECharts builds its tooltips as HTML with style attributes; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # only strips "=": units.resources escapes

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# --- Audit trail (units/audit.py, docs/AUDIT.md) -------------------------------------------
# Audit records (transition records, change history, the identity reveal log, the security
# log) are kept this many days before `manage.py audit_archive` may move them to a file;
# the system check refuses less than 180 (Cybersecurity Law art. 21: six months).
ZUOFENG_AUDIT_RETENTION_DAYS = env.int("ZUOFENG_AUDIT_RETENTION_DAYS", default=365)
# audit_verify reports a record without a link in the hash chain once it is this old (the
# sweeper seals records that escaped sealing every 5 minutes).
ZUOFENG_AUDIT_UNSEALED_GRACE_MINUTES = env.int("ZUOFENG_AUDIT_UNSEALED_GRACE_MINUTES", default=15)
# Audit tables besides the transition records and the change history, which are found by
# themselves: "app.Model" → the field that dates a record.
ZUOFENG_AUDIT_EXTRA_MODELS = {"complaints.IdentityReveal": "revealed_at"}
# django-pgtrigger: the append-only triggers are installed by units after each migrate (on
# tables of every app), not through the apps' migrations.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = False

# A complainant's identity is shown only after a second officer (an identity custodian)
# approves the request, for this many hours; False keeps the one-step reveal with a reason
# (a small office with a single officer). Every view is logged either way.
ZUOFENG_IDENTITY_NEEDS_APPROVAL = env.bool("ZUOFENG_IDENTITY_NEEDS_APPROVAL", default=True)
ZUOFENG_IDENTITY_REVEAL_HOURS = env.int("ZUOFENG_IDENTITY_REVEAL_HOURS", default=24)

# Key of the HMAC under which complainants' tracking codes are stored (complaints.tracking).
# Unset: derived from SECRET_KEY with a fixed salt, so rotating SECRET_KEY would void every
# code given out. Set it (any long random string) before taking real complaints; never change it.
ZUOFENG_TRACKING_KEY = env("ZUOFENG_TRACKING_KEY", default="")

# A leadership digest is compiled as a draft for inspection staff to review and send; one
# nobody has sent this many working days later goes out as drafted (units.digests). 0: sent
# at once with the drafted comment, without review.
ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS = env.int("ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS", default=1)

ZUOFENG_SITE_NAME = _("Work-Style Campaign Platform")

# --- The REST API (units/api, <app>/api, config/api_urls.py, docs/API.md) ------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its header makes a call without credentials 401, not 403.
        "units.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["units.api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["units.api.auth.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# A client's own rate is set on its record; these are the defaults (DRF's "n/period").
ZUOFENG_API_CLIENT_RATE = env("ZUOFENG_API_CLIENT_RATE", default="600/min")
ZUOFENG_API_SESSION_RATE = env("ZUOFENG_API_SESSION_RATE", default="120/min")
# The changes feed shows a state change this many seconds after it happened, so that one
# committed a moment after a later-numbered one is never skipped by a poller (docs/API.md).
ZUOFENG_API_CHANGES_SETTLE_SECONDS = env.int("ZUOFENG_API_CHANGES_SETTLE_SECONDS", default=5)
SPECTACULAR_SETTINGS = {
    "TITLE": "作风建设管理平台 API",
    "DESCRIPTION": (
        "对接接口：12345 热线等系统推送投诉、读取办理进展。详见 docs/API.md。\n\n"
        "Integration API: the 12345 hotline and other systems push complaints and read "
        "their progress. See docs/API.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATIONS": True,
    # Swagger UI and Redoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choices are explained in both languages in each field's description (the generated
    # list would be in one language only).
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The filesystem transport has no host; kombu warns about that on every connection.
        "kombu.connection": {"level": "ERROR"},
    },
}
