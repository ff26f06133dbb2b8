"""Hromada settings: one typed environment block, nothing that exists only in production.

Per-community policy (thresholds, terms, vote limits) lives in the database, not here.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the hromada package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = PROJECT_DIR / "var"

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, "dev-only-insecure-key-change-me"),
    # Keyed hash of tax numbers (RNOKPP); rotating it needs a re-hash.
    TAX_NUMBER_HASH_KEY=(str, "dev-only-tax-number-key"),
    # Key of the published pseudonyms (participatory-budget voter ids); never the SECRET_KEY.
    PSEUDONYM_KEY=(str, "dev-only-pseudonym-key"),
    # Keys the audit log's hash chain (HMAC); kept outside the database, never rotated in place.
    AUDIT_HMAC_KEY=(str, "dev-only-audit-hmac-key"),
    DATABASE_URL=(str, f"sqlite:///{VAR_DIR / 'hromada.sqlite3'}"),
    ALLOWED_HOSTS=(list, ["*"]),
    # Load balancers / reverse proxies (addresses or CIDR networks) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; nobody else's (hromada/core/proxy.py).
    TRUSTED_PROXIES=(list, []),
    # HTTPS only: secure cookies, HSTS, plain HTTP redirected to HTTPS.
    SECURE=(bool, False),
    HSTS_SECONDS=(int, 31_536_000),
    HSTS_INCLUDE_SUBDOMAINS=(bool, False),
    HSTS_PRELOAD=(bool, False),
    # Other sites allowed to POST forms here; a community's own host name needs no entry.
    CSRF_TRUSTED_ORIGINS=(list, []),
    # Host names that serve the platform's own pages (the list of communities, admin).
    PLATFORM_HOSTS=(list, ["localhost", "127.0.0.1", "testserver", "[::1]"]),
    # `<slug>.<COMMUNITY_BASE_DOMAIN>` resolves to a community (e.g. kyiv.example.org).
    COMMUNITY_BASE_DOMAIN=(str, "example.org"),
    REDIS_URL=(str, ""),
    # Private uploads (appeal photos, attachments, office scans): outside MEDIA_ROOT, served only by views
    # that check access; with a prefix, through the proxy's internal location (X-Accel-Redirect).
    PRIVATE_MEDIA_ROOT=(str, ""),
    MEDIA_ACCEL_REDIRECT_PREFIX=(str, ""),
    TASKS_BACKEND=(str, "database"),  # database | rq (RQ on Redis: TASKS_REDIS_URL, else REDIS_URL)
    TASKS_REDIS_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "Hromada <no-reply@hromada.local>"),
    SMS_BACKEND=(str, "hromada.core.notifications.adapters.FileSMSAdapter"),
    MESSENGER_BACKEND=(str, "hromada.core.notifications.adapters.FileMessengerAdapter"),
    SMS_GATEWAY_URL=(str, ""),
    TELEGRAM_API_URL=(str, "https://api.telegram.org"),
    TELEGRAM_BOT_TOKEN=(str, ""),
    OIDC_ISSUER=(str, ""),
    OIDC_CLIENT_ID=(str, ""),
    OIDC_CLIENT_SECRET=(str, ""),
    OIDC_SCOPES=(str, "openid profile email"),
    OIDC_PROVIDER_NAME=(str, "id.gov.ua"),
    OIDC_CLAIM_PROFILE=(str, "id.gov.ua"),
    OIDC_TOKEN_AUTH_METHOD=(str, "client_secret_post"),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    # Background tiles of the Leaflet maps: any XYZ tile server, with the attribution its licence asks for.
    MAP_TILE_URL=(str, "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    MAP_TILE_ATTRIBUTION=(str, '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'),
    LOG_LEVEL=(str, "INFO"),
    # API tokens stop working this many days after they were issued (the holder asks for a new one).
    API_TOKEN_TTL_DAYS=(int, 30),
)
environ.Env.read_env(PROJECT_DIR / ".env")

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
TAX_NUMBER_HASH_KEY = env("TAX_NUMBER_HASH_KEY")
PSEUDONYM_KEY = env("PSEUDONYM_KEY")
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
PLATFORM_HOSTS = env("PLATFORM_HOSTS")
COMMUNITY_BASE_DOMAIN = env("COMMUNITY_BASE_DOMAIN")
SITE_URL = env("SITE_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the widget templates, found by FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_cotton",
    "rules.apps.AutodiscoverRulesConfig",
    "hromada.core",
    "hromada.core.audit",
    "django_tasks",
    "django_tasks_db",
    "hromada.core.tasks",
    "hromada.core.notifications",
    "hromada.apps.communities",
    "hromada.apps.accounts",
    "hromada.apps.backoffice",
    "hromada.apps.petitions",
    "hromada.apps.budgeting",
    "hromada.apps.opendata",
    "hromada.apps.appeals",
    "hromada.apps.services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hromada.core.tenancy.middleware.CommunityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "hromada.core.inputs.MalformedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hromada.apps.backoffice.middleware.OfficeSignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Every form is drawn the same way: label, hint, error, input (hromada/core/ui/renderer.py).
FORM_RENDERER = "hromada.core.ui.renderer.HromadaFormRenderer"

ROOT_URLCONF = "hromada.config.urls"
COMMUNITY_URLCONF = "hromada.config.urls_community"
WSGI_APPLICATION = "hromada.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hromada.core.context_processors.community",
            ],
            "libraries": {"hromada_ui": "hromada.core.ui.templatetags.hromada_ui"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "hromada.core.postgresql"  # health checks without a round trip
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "hromada.apps.accounts.backends.AccountBackend",  # ModelBackend with a cheaper get_user
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:cabinet"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hromada.config.formats"]  # Ukrainian long dates without the trailing "р."
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries come from npm (`npm ci` in `make install`), served under /static/<name>/.
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", PROJECT_DIR / "node_modules" / "leaflet" / "dist"),
                    ("htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist")]
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")
# Serve static files straight from the apps when `collectstatic` has not run (make run, tests).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT")) if env("PRIVATE_MEDIA_ROOT") else VAR_DIR / "private"
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")

# Platform-wide rate limits (django-ratelimit rates: count/period). Per-community ones (appeals,
# ballots per address, Open311 per key) are fields of the Community. See hromada/core/ratelimit.py.
RATE_LIMITS = {
    # Wrong passwords before sign-in is refused, whichever door (web, API token, admin).
    "sign_in_account": env.str("RATE_LIMIT_SIGN_IN_ACCOUNT", default="10/15m"),
    "sign_in_address": env.str("RATE_LIMIT_SIGN_IN_ADDRESS", default="50/15m"),
    "register_address": env.str("RATE_LIMIT_REGISTER_ADDRESS", default="10/h"),
    "password_reset_address": env.str("RATE_LIMIT_PASSWORD_RESET_ADDRESS", default="10/h"),
    "password_reset_email": env.str("RATE_LIMIT_PASSWORD_RESET_EMAIL", default="3/h"),
    "sms_account": env.str("RATE_LIMIT_SMS_ACCOUNT", default="5/h"),
    "sms_address": env.str("RATE_LIMIT_SMS_ADDRESS", default="20/h"),
    "ballot_account": env.str("RATE_LIMIT_BALLOT_ACCOUNT", default="10/m"),
    # Wrong number-and-code pairs at the services' status check, per client address.
    "services_status_address": env.str("RATE_LIMIT_SERVICES_STATUS_ADDRESS", default="10/15m"),
}
API_TOKEN_TTL_DAYS = env("API_TOKEN_TTL_DAYS")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hromada.apps.accounts.authentication.ExpiringTokenAuthentication",
        "hromada.core.api.authentication.SessionAuthentication",  # the CSRF refusal in the user's language
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": [
        "hromada.core.inputs.JSONParser",  # refuses JSON nested too deeply
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "hromada.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hromada.core.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hromada API",
    "DESCRIPTION": "REST API of a Hromada community. Every path lives under /c/{community}/api/v1/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hromada.core.api.schema.add_error_responses",
    ],
    # Several modules name a field `status` or `channel`; give each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "AppealStatusEnum": "hromada.apps.appeals.models.AppealStatus",
        "AppealChannelEnum": "hromada.apps.appeals.models.Channel",
        "PetitionStatusEnum": "hromada.apps.petitions.models.PetitionStatus",
        "SignatureChannelEnum": "hromada.apps.petitions.models.SignatureChannel",
        "ProjectStatusEnum": "hromada.apps.budgeting.models.ProjectStatus",
        "BallotChannelEnum": "hromada.apps.budgeting.models.BallotChannel",
        "ServiceStatusEnum": "hromada.apps.services.models.ServiceStatus",
    },
}

# Background tasks (docs/operations.md, "Background tasks"): Django's task API through the
# django-tasks backport. The database backend needs no service; RQ on Redis is for scale-out.
TASK_QUEUES = env.list("TASK_QUEUES", default=["default"])
if env("TASKS_BACKEND") == "rq":
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
elif env("TASKS_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'rq', not {env('TASKS_BACKEND')!r}")
# A run longer than this (seconds) is stopped and recorded as failed; per task path in TASK_TIME_LIMITS.
TASK_TIME_LIMIT = env.int("TASK_TIME_LIMIT", default=600)
TASK_TIME_LIMITS: dict[str, int] = {
    "hromada.apps.budgeting.results.tally_job": env.int("TASK_TIME_LIMIT_TALLY", default=1800),
}
# A task still running this long after its time limit lost its worker; it is made ready again
# (checked every TASK_RECOVERY_INTERVAL seconds), unless its workers were lost TASK_MAX_LOST_RUNS times.
TASK_RECOVERY_GRACE = env.int("TASK_RECOVERY_GRACE", default=60)
TASK_RECOVERY_INTERVAL = env.int("TASK_RECOVERY_INTERVAL", default=30)
TASK_MAX_LOST_RUNS = 3
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=7)
TASK_FAILED_KEEP_DAYS = env.int("TASK_FAILED_KEEP_DAYS", default=30)
TASKS_REDIS_URL = env("TASKS_REDIS_URL") or env("REDIS_URL") or "redis://127.0.0.1:6379/0"
RQ_QUEUES = {name: {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": TASK_TIME_LIMIT,
                    "DEFAULT_RESULT_TTL": TASK_RESULTS_KEEP_DAYS * 86400} for name in TASK_QUEUES}
RQ = {"QUEUE_CLASS": "hromada.core.tasks.rq.HromadaQueue", "JOB_CLASS": "django_tasks_rq.backend.Job",
      "WORKER_CLASS": "hromada.core.tasks.rq.Worker"}
# The periodic tasks: `hromada scheduler` (or `hromada worker --with-scheduler`) enqueues each on its
# cron expression, read in TASK_SCHEDULE_TIMEZONE.
TASK_SCHEDULE_TIMEZONE = "Europe/Kyiv"
TASK_SCHEDULE = {
    "petitions-deadlines": {"task": "hromada.apps.petitions.tasks.petitions_tick", "cron": "*/5 * * * *"},
    "notifications-flush": {"task": "hromada.core.notifications.tasks.flush_outbox", "cron": "*/10 * * * *"},
    "opendata-refresh": {"task": "hromada.apps.opendata.tasks.refresh_due_all", "cron": "15 * * * *"},
    "appeals-reminders": {"task": "hromada.apps.appeals.tasks.appeals_reminders_all", "cron": "30 7 * * *"},
    "services-reminders": {"task": "hromada.apps.services.reminders.services_reminders_all", "cron": "40 7 * * 1-5"},
    "tasks-prune": {"task": "hromada.core.tasks.tasks.prune_finished", "cron": "45 3 * * *"},
}
NOTIFICATIONS = {
    "SMS_BACKEND": env("SMS_BACKEND"),
    "MESSENGER_BACKEND": env("MESSENGER_BACKEND"),
    "SMS_GATEWAY_URL": env("SMS_GATEWAY_URL"),
    "TELEGRAM_API_URL": env("TELEGRAM_API_URL"),
    "TELEGRAM_BOT_TOKEN": env("TELEGRAM_BOT_TOKEN"),
    "OUTBOX_DIR": VAR_DIR / "outbox",
    "MAX_ATTEMPTS": env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5),
    "MAX_BACKOFF_SECONDS": env.int("NOTIFICATIONS_MAX_BACKOFF_SECONDS", default=300),
    "HTTP_TIMEOUT": 10,
}
OIDC = {
    "ISSUER": env("OIDC_ISSUER"),
    "CLIENT_ID": env("OIDC_CLIENT_ID"),
    "CLIENT_SECRET": env("OIDC_CLIENT_SECRET"),
    "SCOPES": env("OIDC_SCOPES"),
    "PROVIDER_NAME": env("OIDC_PROVIDER_NAME"),
    "CLAIM_PROFILE": env("OIDC_CLAIM_PROFILE"),  # "id.gov.ua" (also BankID) or "generic"
    "TOKEN_AUTH_METHOD": env("OIDC_TOKEN_AUTH_METHOD"),  # client_secret_post or client_secret_basic
}

# With Redis, sessions are read from the cache and written through to the database: a signed-in
# request costs one Redis GET instead of a database query, and a session survives a cache flush.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if env("REDIS_URL")
                  else "django.contrib.sessions.backends.db")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Behind the load balancer: the client's address and scheme come from TRUSTED_PROXIES only, applied
# around the whole WSGI application (hromada.core.proxy), so no SECURE_PROXY_SSL_HEADER here.
TRUSTED_PROXIES = env("TRUSTED_PROXIES")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SECURE = env("SECURE")
SECURE_SSL_REDIRECT = SECURE
# The balancer's health check may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^(c/[a-z0-9][a-z0-9-]*/)?healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env("HSTS_SECONDS") if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env("HSTS_PRELOAD")
# A community's own host (kyiv.gov.ua) is not the platform's to bind: HSTS covers the host served, and
# subdomains or the preload list only when the operator turns them on (docs/decisions.md).
SILENCED_SYSTEM_CHECKS = [check for check, wanted in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
                                                      ("security.W021", SECURE_HSTS_PRELOAD)) if not wanted]
# `hromada serve`: the production server (granian) and its size.
SERVE = {
    "HOST": env.str("WEB_HOST", default="0.0.0.0"),  # noqa: S104 - the app host's own interface, behind the balancer
    "PORT": env.int("PORT", default=8000),
    "WORKERS": env.int("WEB_WORKERS", default=0),  # 0: one per CPU
    "THREADS": env.int("WEB_THREADS", default=12),
    # `hromada serve --streams`: the call displays' event streams (ASGI, one event loop a worker).
    "STREAM_PORT": env.int("STREAM_PORT", default=8001),
    "STREAM_WORKERS": env.int("STREAM_WORKERS", default=1),
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"forbidden_without_traceback": {"()": "hromada.core.errors.ForbiddenWithoutTraceback"}},
    "loggers": {"django.request": {"filters": ["forbidden_without_traceback"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
}

# ---------------------------------------------------------------- response headers and request bodies
# Content-Security-Policy (django-csp): scripts, styles and fonts only from the site itself, so an
# injected <script> or inline handler does not run; map tiles from the MAP_TILE_URL server.


def _tile_origin(url: str) -> str:
    """`https://{s}.tile.example.org/{z}/{x}/{y}.png` -> `https://*.tile.example.org`."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if host else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [_tile_origin(MAP_TILE_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# django-permissions-policy: no page uses the camera, microphone or payments; the problem map may
# ask for the visitor's location on the site itself.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [], "microphone": [], "geolocation": ["self"], "payment": [], "usb": [], "serial": [],
    "bluetooth": [], "midi": [], "magnetometer": [], "gyroscope": [], "accelerometer": [],
    "display-capture": [], "browsing-topics": [],
}
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "django_permissions_policy.PermissionsPolicyMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# Request bodies are refused by their declared size before a byte is read (hromada/core/bodylimit.py);
# views that take files declare their own limit with @body_limit. Placed before anything reads a body.
BODY_LIMIT_DEFAULT_BYTES = env.int("BODY_LIMIT_DEFAULT_BYTES", default=4 * 1024 * 1024)
MIDDLEWARE.insert(MIDDLEWARE.index("hromada.core.inputs.MalformedInputMiddleware"),
                  "hromada.core.bodylimit.BodyLimitMiddleware")
# Answers of the APIs to a signed-in request are for that person only (Cache-Control: private).
MIDDLEWARE.append("hromada.core.api.headers.PrivateApiAnswersMiddleware")
CSRF_FAILURE_VIEW = "hromada.core.errors.csrf_failure"
INSTALLED_APPS.append("csp")
# A body sent in chunks (no Content-Length) is read up to this many bytes, then its view's limit applies.
BODY_LIMIT_CHUNKED_BYTES = env.int("BODY_LIMIT_CHUNKED_BYTES", default=128 * 1024 * 1024)

# ---------------------------------------------------------------- static files and media on one machine
# `collectstatic` (make run, deployments) writes hashed names with gzip and Brotli copies that WhiteNoise
# serves with Content-Encoding; without a manifest (tests, a fresh checkout) the plain names are served
# from the apps (WHITENOISE_USE_FINDERS).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "hromada.core.staticfiles.CompressedStaticFilesStorage"},
}
# `hromada run` serves MEDIA_ROOT itself (public uploads: coats of arms, project photos); in production
# the web server or the object store does.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
