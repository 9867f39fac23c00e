"""Settings shared by every environment.

Everything that differs between environments comes from the environment. The defaults here
are the embedded ones for a first run on a new machine: a SQLite file and Celery tasks run
in-process. Production (``config.settings.production``) refuses to start without real values.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SHELFCAST_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Dependency order (docs/architecture.md): core <- accounts <- inventory <- forecasting <-
    # planning. accounts comes before Django's apps so that its `migrate` command (which runs
    # migrations as the database owner role) overrides Django's own.
    "core",
    "accounts",
    "inventory",
    "forecasting",
    "planning",
    "accounts.apps.ShelfcastAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer of the middleware below it (redirects, CSRF refusals) has it.
    "config.content_security_policy.ContentSecurityPolicyMiddleware",
    "config.timing.ServerTimingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the answer: the language cookie, else the Accept-Language header.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's chosen language wins over the browser's (portal pages only).
    "accounts.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL is the application's connection. On PostgreSQL it names a role that does NOT own
# the tables, so row-level security applies to it. DATABASE_OWNER_URL (same database, the owner
# role) is used only by `migrate` and by the test runner to create and migrate the database.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shelfcast.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The name of the PostgreSQL setting that carries the current merchant inside a transaction.
TENANT_DB_SETTING = "shelfcast.merchant_id"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Users sign in with their email; guardian's anonymous user is not used (portal and API
# require a signed-in member or a token).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_MAX_AGE_DAYS = 14

# Sign-in throttling (accounts/sign_in_throttle.py), counted in the cache (Redis in production,
# so every web process sees the same counts): after this many failed sign-ins for one email
# address, or from one client address, within the window, sign-ins are refused for the
# lockout. A success clears the address's count. Password reset requests count per client
# address in the same window.
SIGN_IN_MAX_FAILURES = int(os.environ.get("SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_MAX_FAILURES_PER_IP = int(os.environ.get("SIGN_IN_MAX_FAILURES_PER_IP", "30"))
SIGN_IN_FAILURE_WINDOW_SECONDS = int(os.environ.get("SIGN_IN_FAILURE_WINDOW_SECONDS", "900"))
SIGN_IN_LOCKOUT_SECONDS = int(os.environ.get("SIGN_IN_LOCKOUT_SECONDS", "900"))
PASSWORD_RESET_MAX_PER_IP = int(os.environ.get("PASSWORD_RESET_MAX_PER_IP", "10"))
# How many proxies in front of the application append to X-Forwarded-For: the client's address
# is the one the outermost of them saw. 0: REMOTE_ADDR (no proxy; X-Forwarded-For is ignored,
# since a client can send anything in it).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Shelfcast <no-reply@shelfcast.local>")
# Where links in emails point.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The languages of the portal, the emails and the API. English is the source language; the
# catalogues are locale/<locale>/LC_MESSAGES/django.po, compiled by scripts/setup.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Request bodies and uploads ------------------------------------------------------------
# Form bodies without files (the portal's largest, a page of 100 order lines, is a few kB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Uploaded files above this size stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The size limit runs while a file streams in (core/uploads.py): a file past the largest
# accepted size is dropped, not written to disk, and the form says why.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Pages and API reads go on while Redis is away (config/cache.py).
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shelfcast",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
# Without a broker, tasks run in-process (the embedded default); with one, workers pick them up.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # never used while tasks run eagerly
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, long jobs (imports, forecasts, replays) run on a background thread of the
# web process, so the page that queued one answers at once (core/dispatch.py).
LONG_JOBS_IN_BACKGROUND_THREAD = CELERY_TASK_ALWAYS_EAGER
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 10
CELERY_TASK_TIME_LIMIT = 60 * 12
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Longer than the longest task, so an unacknowledged task is not handed out twice; also how
# long a task whose worker was killed waits before another worker gets it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(60 * 60 * 6))),
    # A send to a broker that is away gives up within about two seconds (a refused connection
    # at once) instead of holding the request: the job waits queued for the sweep below.
    # Without a socket timeout, a broker that accepts but never answers holds a send forever.
    # Longer than the workers' one-second BRPOP wait.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# A send retries once, at once (after a broker restart a pooled connection is dead: the retry
# reconnects), then gives up (Celery: three retries 0.2 s apart).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# A long job still queued this long after it was queued has its task sent again by a sweep
# every five minutes (core/dispatch.py): sending it failed while the broker was away, or
# the broker lost it (Redis restarted: it keeps nothing on disk). A duplicate finds the job
# claimed and does nothing.
CELERY_REDISPATCH_AFTER_SECONDS = int(os.environ.get("CELERY_REDISPATCH_AFTER_SECONDS", "300"))
# Where the sweep finds those jobs, by dotted path (each app lists its own, so accounts imports
# none of them): a callable (queued_before=datetime) -> [(task, kwargs)].
CELERY_REDISPATCH_SOURCES = [
    "inventory.ingest.import_uploads.imports_stranded",
    "inventory.services.purchase_order_emails_stranded",
    "forecasting.services.forecast_runs_stranded",
    "forecasting.chunks.chunks_stranded",
    "forecasting.services.training_runs_stranded",
    "planning.services.policy_replays_stranded",
    "planning.suggestions.bulk.suggestion_bulk_actions_stranded",
    "planning.notifications.deliveries_stranded",
]

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.StableCursorPagination",
    # Every list: the filters of its FilterSet (`updated_since` at least, accounts/api/
    # filters.py) and `ordering`.
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": ["accounts.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Requests per store (all its tokens and members together) and per caller (one token,
    # user or anonymous address), in DRF's rate syntax: counted atomically in the cache and
    # reported in RateLimit headers (accounts/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api.throttling.MerchantRateThrottle",
        "accounts.api.throttling.CallerRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "merchant": os.environ.get("API_MERCHANT_RATE_LIMIT", "2400/minute"),
        "api": os.environ.get("API_RATE_LIMIT", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "accounts.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "accounts.api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Anonymous callers are throttled by address: the same proxy count as sign-ins, so a
    # client cannot pick its own address with X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_HOPS,
}

# How long a write's Idempotency-Key is remembered (at least 24 hours are promised).
IDEMPOTENCY_KEY_RETENTION_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_RETENTION_HOURS", "48"))

# Request, API and ingestion limits: config/settings/limits.py.
from config.settings.limits import *  # noqa: E402, F403

SPECTACULAR_SETTINGS = {
    "TITLE": "Shelfcast API",
    "DESCRIPTION": (
        "Sync catalogue, stock, sales, promotions and purchase orders; read what Shelfcast "
        "plans. Authenticate with `Authorization: Bearer <token>` (an owner creates tokens in "
        "the portal). Writes upsert by natural key and accept an `Idempotency-Key` header."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "shap": {"level": "WARNING"},  # it logs every solve of every explanation at INFO
    },
}

# Forecasting: the shipped base model, fine-tuning and the nightly run.
FORECAST_BASE_MODEL_DIR = Path(
    os.environ.get("FORECAST_BASE_MODEL_DIR", BASE_DIR / "forecasting" / "weights" / "base")
)
FORECAST_TORCH_THREADS = int(os.environ.get("FORECAST_TORCH_THREADS", "0"))  # 0: all cores
# Forecasting reads at most this many days back from a store's last day of sales: what the
# model and the baselines can use (a context of 512 days and the selection windows), which
# bounds a night's arrays whatever a store's records hold.
FORECAST_HISTORY_DAYS = int(os.environ.get("FORECAST_HISTORY_DAYS", "730"))
# full or lora; full measured better on Online Retail's held-out days (bench/forecast), and the
# model is small enough (5.5 MB) to keep a whole copy per version
FINE_TUNE_MODE = os.environ.get("FINE_TUNE_MODE", "full")
FINE_TUNE_STEPS = int(os.environ.get("FINE_TUNE_STEPS", "400"))
FINE_TUNE_BATCH_SIZE = int(os.environ.get("FINE_TUNE_BATCH_SIZE", "32"))
FINE_TUNE_DEVICE = os.environ.get("FINE_TUNE_DEVICE", "auto")  # auto: CUDA when present
# A new version must not lose more than this share on the pretraining corpus.
FINE_TUNE_CORPUS_LOSS_BOUND = float(os.environ.get("FINE_TUNE_CORPUS_LOSS_BOUND", "0.10"))
# New and sparse SKUs borrow the demand shape of similar products (by name and description).
FORECAST_SIMILAR_PRODUCTS = env_bool("FORECAST_SIMILAR_PRODUCTS", True)
# Tasks (by name) queued with merchant_id and run_id when a forecast run succeeds: planning
# turns the forecasts into decisions, without forecasting importing planning; the realized
# accuracy of four weeks ago's forecasts is measured for the dashboard.
FORECAST_FOLLOW_UP_TASKS = ["planning.plan_after_forecast_task", "forecasting.accuracy_task"]
# A store with more SKUs than this is forecast in chunks of this many, each its own task on
# the forecast queue, so CPU workers on several machines share one night's work...
FORECAST_CHUNK_SKUS = int(os.environ.get("FORECAST_CHUNK_SKUS", "2000"))
# ...but at most this many chunks of one store run at once: a store with 100,000 SKUs does
# not hold every worker while smaller stores wait (a chunk over the limit goes back to the
# end of the queue).
FORECAST_CHUNKS_PER_MERCHANT = int(os.environ.get("FORECAST_CHUNKS_PER_MERCHANT", "2"))
# The most series (SKU x location with sales in the FORECAST_HISTORY_DAYS read) one store's
# forecast covers: a run of a store with more fails at its start, naming the limit, instead
# of holding workers for hours and memory for arrays of that many rows. 200,000 series are
# about ten minutes of one worker (docs/scaling.md measures about 3 ms per SKU at one
# location) and four times the largest store the scaling benchmark assumes (50,000 SKUs).
FORECAST_MAX_SERIES = int(os.environ.get("FORECAST_MAX_SERIES", "200000"))
# Panels the dashboard shows under the catalogue's figures, by dotted path (apps further down
# the dependency chain add theirs here, so inventory imports none of them): a callable
# (merchant) -> (template name, context).
DASHBOARD_PANELS = ["planning.dashboard.panel"]
# Filters the catalogue list offers beyond its own, by dotted path, the same way: a callable
# (merchant) -> filters, each with a name, label, choices and apply(queryset, value).
SKU_LIST_FILTERS = ["planning.catalogue.sku_filters"]
# The orders still to be placed that a SKU's stock projection counts beside its open purchase
# orders, by dotted path, the same way: a callable (merchant, sku id) -> orders, each with a
# location_id, units, expected (date), approved (bool) and link.
SKU_SUGGESTED_ORDERS = ["planning.projections.suggested_orders"]
# The SKU summaries are rebuilt by a task queued after each write of sales or stock; pages show
# the previous figures meanwhile, and rebuild them themselves only once this long has passed
# without the task (inventory/summaries.py).
SKU_SUMMARY_REFRESH_GRACE_SECONDS = int(os.environ.get("SKU_SUMMARY_REFRESH_GRACE_SECONDS", "120"))
# An ERP sync that arrives during an import of its store waits this long for the import to
# end, then is answered 503 with Retry-After (inventory/ingest/service.py).
STORE_BUSY_WAIT_SECONDS = float(os.environ.get("STORE_BUSY_WAIT_SECONDS", "10"))
STORE_BUSY_RETRY_AFTER_SECONDS = int(os.environ.get("STORE_BUSY_RETRY_AFTER_SECONDS", "30"))
# How many of a night's suggestions get their forecast explained (SHAP) during the run, the
# most valuable first; the others are explained when a merchant opens them.
PLANNING_EXPLAIN_LIMIT = int(os.environ.get("PLANNING_EXPLAIN_LIMIT", "20"))
# A SKU page whose forecast has no SHAP explanation yet computes it in the request only when
# tasks run in-process (no broker); with workers it queues it and says so.
EXPLAIN_IN_REQUEST = CELERY_TASK_ALWAYS_EAGER
# Webhooks may go to http:// and to loopback or private addresses only where this is on
# (development and tests); in production they must reach a public https host.
WEBHOOK_ALLOW_PRIVATE_HOSTS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_HOSTS", "") == "1"
# The most webhook endpoints one store may have (on or off): every alert is sent to each of
# them, with retries, by the shared default queue.
WEBHOOK_MAX_ENDPOINTS = int(os.environ.get("WEBHOOK_MAX_ENDPOINTS", "10"))
# Who hears the workflow's events once their transaction commits, by dotted path (so the apps
# that emit import none of the listeners): a callable (events) -> None
# (core/workflow_events.py).
WORKFLOW_EVENT_RECEIVERS = ["planning.webhook_events.events_record"]
