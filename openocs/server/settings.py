"""Django settings for OpenOCS.

Development needs no variable at all: SQLite and files under ``OCS_DATA_DIR`` (``./var``), the
task queue on SQLite, e-mail printed to the console. Production sets ``OCS_ENV=production``,
``SECRET_KEY``, ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and the storage variables; the
process refuses to start without a secret key. Every variable is in ``.env.example`` and in the
README's configuration table.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

import openocs
from openocs.env import (
    SettingError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)
from openocs.server.components import COMPONENTS, DEFAULT_COMPONENTS
from openocs.server.security import (
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE,
    secret_key_is_strong,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

OCS_ENV = env_choice("OCS_ENV", "development", ["development", "production"])
PRODUCTION = OCS_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

DATA_DIR = Path(env_str("OCS_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, the task queue and caches live here

_DEV_SECRET = "openocs-development-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if not SECRET_KEY:
    raise SettingError("SECRET_KEY", "", "a long random string (required when OCS_ENV=production)")
if PRODUCTION and not secret_key_is_strong(SECRET_KEY, known_weak=[_DEV_SECRET]):
    # The message never repeats the key itself: it may be a real secret, merely a short one.
    raise SettingError(
        "SECRET_KEY",
        "<hidden>",
        f"at least {SECRET_KEY_MIN_LENGTH} characters with at least {SECRET_KEY_MIN_UNIQUE} "
        "different ones, not the development key nor a 'django-insecure-' key "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')",
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
USE_X_FORWARDED_HOST = env_bool("OCS_USE_PROXY_HEADERS", False)
if USE_X_FORWARDED_HOST:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- HTTPS (docs/security.md) -------------------------------------------------------------------
# Redirect plain HTTP to HTTPS and send Strict-Transport-Security; on by default in production.
# Health probes (and Prometheus scrapes) are exempt so they may reach a worker over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("OCS_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^(.+/)?health/?$", r"^zpages/health/?$", r"^metrics/?$"]
SECURE_HSTS_SECONDS = env_int("OCS_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OCS_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("OCS_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Components -------------------------------------------------------------------------------
OCS_COMPONENTS = env_list("OCS_COMPONENTS", DEFAULT_COMPONENTS)
for _name in OCS_COMPONENTS:
    if _name not in COMPONENTS:
        raise SettingError(
            "OCS_COMPONENTS", ",".join(OCS_COMPONENTS), "names among " + ", ".join(COMPONENTS)
        )

# Base URLs other components are reached at. Empty means "co-hosted in this process": the
# clients then use the in-process transport against this deployment's own URLs.
OCS_PORTAL_URL = env_str("OCS_PORTAL_URL", "")
OCS_CONFIGDB_URL = env_str("OCS_CONFIGDB_URL", "")
OCS_DOWNTIME_URL = env_str("OCS_DOWNTIME_URL", "")
OCS_ARCHIVE_URL = env_str("OCS_ARCHIVE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "openocs.web",  # the shared page layout; before drf_spectacular, whose Redoc page it overrides
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc and Swagger UI files, served by us (no CDN)
    "corsheaders",
    "huey.contrib.djhuey",
    "openocs.server",
]
for _name in OCS_COMPONENTS:
    INSTALLED_APPS += COMPONENTS[_name].django_apps()

MIDDLEWARE = [
    "openocs.server.metrics.MetricsMiddleware",  # first: it times everything below it
    "django.middleware.security.SecurityMiddleware",
    "openocs.server.middleware.ApiErrorMiddleware",  # body limit, JSON errors under the APIs
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]
if "portal" in OCS_COMPONENTS:  # a throttled login on a web form answers a 429 page
    MIDDLEWARE.append("openocs.portal.accounts.login_throttle.LoginThrottledMiddleware")

ROOT_URLCONF = "openocs.server.urls"
WSGI_APPLICATION = "openocs.server.wsgi.application"
APPEND_SLASH = False  # every route answers with and without its slash (spec README §4.1)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openocs.server.navigation.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'openocs.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("OCS_DB_CONN_MAX_AGE", 60, minimum=0)
    )
}
# A pool of PostgreSQL connections per process (issue 17): opened by the start-up warm-up, so no
# web thread connects on its first request; Django then returns each request's connection to the
# pool instead of keeping it per thread (OCS_DB_CONN_MAX_AGE no longer applies). 0: no pool.
DB_POOL_SIZE = env_int("OCS_DB_POOL_SIZE", 0, minimum=0)
if DB_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": DB_POOL_SIZE,
        "max_size": 2 * DB_POOL_SIZE,  # a burst beyond the web threads waits for none
        "timeout": 30.0,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "openocs",
        "url": REDIS_URL,
        "immediate": env_bool("OCS_TASKS_IMMEDIATE", False),
        "consumer": {"workers": env_int("OCS_TASK_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "openocs",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": env_bool("OCS_TASKS_IMMEDIATE", False),
        "consumer": {"workers": env_int("OCS_TASK_WORKERS", 2, minimum=1), "worker_type": "thread"},
    }

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Portal identity (issue 4): login by username or e-mail; OAuth2 provider at /o/.
# The portal's backend signs in by username or e-mail; a deployment without the portal (the
# archive, configdb or downtime alone) uses Django's own, since the portal's apps are not there.
AUTHENTICATION_BACKENDS = [
    "openocs.portal.accounts.backends.UsernameOrEmailBackend"
    if "portal" in OCS_COMPONENTS
    else "django.contrib.auth.backends.ModelBackend"
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
# OAuth2 (docs/security.md): the authorization-code grant with PKCE S256 only, the client-
# credentials and refresh grants; no implicit or password grant, no bearer token in a query
# string, a replayed refresh token revokes its whole family (RFC 9700). Redirect URIs must be
# https in production unless OCS_OAUTH2_ALLOW_HTTP_REDIRECTS (native apps' loopback callbacks).
OAUTH2_PROVIDER = {
    "SCOPES": {"read": "Read access", "write": "Write access"},
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": (
        ["http", "https"]
        if env_bool("OCS_OAUTH2_ALLOW_HTTP_REDIRECTS", not PRODUCTION)
        else ["https"]
    ),
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # Access and refresh tokens are stored as their SHA-256 only. The profile's archive token,
    # which the contract shows on every call, is kept sealed with a key derived from SECRET_KEY
    # (openocs.portal.accounts.sealing; docs/security.md).
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,  # a grace period needs tokens in clear (E001)
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# API tokens (docs/security.md): accepted this many days after they were made; 0: forever.
OCS_API_TOKEN_LIFETIME_DAYS = env_float("OCS_API_TOKEN_LIFETIME_DAYS", 0.0, minimum=0.0)
# D1: 401 with WWW-Authenticate for missing/invalid credentials; 403 restores the reference.
OCS_UNAUTHENTICATED_STATUS = int(env_choice("OCS_UNAUTHENTICATED_STATUS", "401", ["401", "403"]))

# --- Internationalisation and time ------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
# `ocs up` (and the image at build time) collects static files here; WhiteNoise serves them.
STATIC_ROOT = Path(env_str("OCS_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: compressed files with content hashes in their names, cached forever.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("OCS_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "openocs.web.staticfiles.PackageFileFinder",  # plotly/plotly.min.js from the plotly wheel
]

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Portal API tokens; verified against the portal when OCS_PORTAL_URL is set (split shape).
        "openocs.web.portal_auth.PortalTokenAuthentication",
        # Portal OAuth2 bearer tokens (issue 4); after Token so 401 keeps `WWW-Authenticate: Token`.
        *(
            ["oauth2_provider.contrib.rest_framework.OAuth2Authentication"]
            if "portal" in OCS_COMPONENTS
            else []
        ),
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "openocs.web.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_FILTER_BACKENDS": ["openocs.web.filters.DjangoFilterBackend"],
    # Bounded depth, finite numbers, no NUL characters (issue 14).
    "DEFAULT_PARSER_CLASSES": [
        "openocs.web.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "openocs.web.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "openocs.web.renderers.JSONRenderer",  # orjson where the bytes are the same (issue 17)
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Docstrings shown as prose in the browsable API: no raw reST, no contract section numbers.
    "VIEW_DESCRIPTION_FUNCTION": "openocs.web.descriptions.view_description",
    # Per-user throttles of the request-group endpoints (spec README §4.8).
    "DEFAULT_THROTTLE_RATES": {
        "requestgroups.create": env_str("REQUESTGROUPS_CREATE_DEFAULT_THROTTLE", "5000/day"),
        "requestgroups.validate": env_str("REQUESTGROUPS_VALIDATE_DEFAULT_THROTTLE", "20000/day"),
        "requestgroups.cancel": env_str("REQUESTGROUPS_CANCEL_DEFAULT_THROTTLE", "2000/day"),
    },
}
# Portal behaviour (portal-api.md §23).
MAX_FAILURES_PER_REQUEST = env_int("MAX_FAILURES_PER_REQUEST", 0, minimum=0)
PROPOSAL_TIME_OVERUSE_ALLOWANCE = env_float("PROPOSAL_TIME_OVERUSE_ALLOWANCE", 1.1, minimum=0.0)
MAX_UNAUTHENTICATED_LIMIT = env_int("MAX_UNAUTHENTICATED_LIMIT", 100, minimum=1)
MAX_UNAUTHENTICATED_OFFSET = env_int("MAX_UNAUTHENTICATED_OFFSET", 10000, minimum=0)
# Seconds the portal reuses the downtime list in visibility checks (the contract allows 15 min).
DOWNTIME_CACHE_S = env_float("DOWNTIME_CACHE", 60.0, minimum=0.0)
# Telescope states (portal-api.md §17.3): "none" answers every telescope AVAILABLE; "database"
# reads the samples the site software POSTs to /api/telescope_states/.
OCS_TELESCOPE_STATES_PROVIDER = env_choice(
    "OCS_TELESCOPE_STATES_PROVIDER", "none", ["none", "database"]
)
# Seconds after its latest sample a telescope becomes SITE_AGENT_UNRESPONSIVE (database provider).
OCS_TELESCOPE_STATES_STALE_S = env_float("OCS_TELESCOPE_STATES_STALE_S", 900.0, minimum=1.0)
# the scheduler's runs kept for the staff pages and the requests' explanations (issue 15)
OCS_SCHEDULER_RUNS_KEEP = env_int("OCS_SCHEDULER_RUNS_KEEP", 100, minimum=1)

# --- Limits on one call's work (issue 14; docs/limits.md) -------------------------------------
# Bodies larger than this (multipart uploads excepted) are refused with 413 before they are read.
OCS_MAX_REQUEST_BYTES = env_int("OCS_MAX_REQUEST_BYTES", 2_621_440, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = OCS_MAX_REQUEST_BYTES
# JSON bodies nested deeper than this are refused with 400.
OCS_MAX_JSON_DEPTH = env_int("OCS_MAX_JSON_DEPTH", 32, minimum=8)
# The request language: each limit answers 400 naming the field.
OCS_MAX_REQUESTS_PER_GROUP = env_int("OCS_MAX_REQUESTS_PER_GROUP", 500, minimum=1)
OCS_MAX_WINDOWS_PER_REQUEST = env_int("OCS_MAX_WINDOWS_PER_REQUEST", 100, minimum=1)
OCS_MAX_CONFIGURATIONS_PER_REQUEST = env_int("OCS_MAX_CONFIGURATIONS_PER_REQUEST", 50, minimum=1)
OCS_MAX_INSTRUMENT_CONFIGS = env_int("OCS_MAX_INSTRUMENT_CONFIGS", 50, minimum=1)
OCS_MAX_EXPOSURE_COUNT = env_int("OCS_MAX_EXPOSURE_COUNT", 10_000, minimum=1)
OCS_MAX_EXPOSURE_TIME_S = env_float("OCS_MAX_EXPOSURE_TIME_S", 86_400.0, minimum=1.0)
# Items in one call to a bulk endpoint (observations, direct submissions, telescope states).
OCS_MAX_BULK_ITEMS = env_int("OCS_MAX_BULK_ITEMS", 1000, minimum=1)
OCS_MAX_CONFIGURATION_REPEATS = env_int("OCS_MAX_CONFIGURATION_REPEATS", 100, minimum=1)

SPECTACULAR_SETTINGS = {
    "TITLE": "OpenOCS API",
    "DESCRIPTION": "The HTTP API of the OpenOCS Observatory Control System.",
    "VERSION": openocs.__version__,  # the package metadata: one place
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The reference pages work offline: their scripts come from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "openocs.server.schema_hooks.add_error_responses",
        "openocs.server.schema_hooks.describe_times",
        "openocs.server.schema_hooks.attach_request_examples",
    ],
}

# Cross-origin reads (docs/security.md): only the listed origins ("*": any origin, which is
# never combined with credentials); cookies are sent cross-origin only when both are configured.
# A token is sent by the page itself in the Authorization header and needs no credentials mode.
_CORS_ORIGINS = env_list("OCS_CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_ALL_ORIGINS = _CORS_ORIGINS == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _CORS_ORIGINS
CORS_ALLOW_CREDENTIALS = env_bool("OCS_CORS_ALLOW_CREDENTIALS", False)
if CORS_ALLOW_CREDENTIALS and CORS_ALLOW_ALL_ORIGINS:
    raise SettingError(
        "OCS_CORS_ALLOW_CREDENTIALS", "true", "false while OCS_CORS_ALLOWED_ORIGINS is '*'"
    )
CORS_URLS_REGEX = r"^/(api|accounts|o|media|archive|frames|configdb|downtime)/.*$"

# Prometheus metrics at /metrics: open in development; in production only with this bearer token.
OCS_METRICS_TOKEN = env_str("OCS_METRICS_TOKEN", "")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# EMAIL_FILE_PATH (a folder): write each e-mail to a file there instead (demos, tests)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
    if EMAIL_FILE_PATH
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OpenOCS <noreply@localhost>")

# --- Component behaviour ----------------------------------------------------------------------
# D15: configdb writes need staff; "authenticated" restores the reference rule.
CONFIGDB_WRITE_PERMISSION = env_choice(
    "CONFIGDB_WRITE_PERMISSION", "staff", ["staff", "authenticated"]
)
# How long (seconds) consumers may keep using a cached configdb document when configdb is down.
CONFIGDB_MAX_STALENESS_S = env_float("CONFIGDB_MAX_STALENESS", 24 * 3600.0, minimum=0.0)
# Timeout (seconds) of every service-to-service call through openocs.clients.
OCS_CLIENT_TIMEOUT_S = env_float("OCS_CLIENT_TIMEOUT", 10.0, minimum=0.1)
# How often (seconds) consumers revalidate their cached configdb/downtime copies.
OCS_CONFIG_REFRESH_S = env_float("OCS_CONFIG_REFRESH", 15 * 60.0, minimum=0.0)

# One line per event: JSON in production (openocs.logformat), plain text in development.
OCS_LOG_FORMAT = env_choice("OCS_LOG_FORMAT", "json" if PRODUCTION else "plain", ["json", "plain"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "openocs.logformat.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": OCS_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("OCS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},  # every in-process client call would log at INFO
        # run_huey adds its own handler to a "huey" logger that has none: giving it ours (and
        # not propagating) prints each task-queue line once instead of twice.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

SESSION_COOKIE_SECURE = env_bool("OCS_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
