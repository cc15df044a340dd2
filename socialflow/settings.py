"""SocialFlow settings: one module, read from the environment (django-environ).

With no environment at all the project runs on embedded defaults (SQLite, local-memory cache,
in-memory channel layer, eager Celery, local media). Every variable is listed in `.env.example`.
With DEBUG off, SECRET_KEY and DATABASE_URL must be set or startup fails loudly.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)
# The embedded defaults (`make run`, `make test`) are for laptops and CI; production must opt out of
# each of them explicitly, so a forgotten variable fails at startup rather than at the first request.
EMBEDDED_DEFAULTS_ALLOWED = DEBUG or TESTING


def _required(name, default_for_dev):
    value = env.str(name, default="")
    if value:
        return value
    if EMBEDDED_DEFAULTS_ALLOWED:
        return default_for_dev
    raise ImproperlyConfigured(
        f"{name} must be set when DEBUG is off (see .env.example); refusing to start with a default."
    )


SECRET_KEY = _required("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "channels",
    "storages",
    # SocialFlow, bottom layer first (see docs/architecture.md)
    "core",
    "users",
    "notifications",
    "payments",
    "content",
    "social",
    "livestream",
    "ads",
    "socialflow",  # the top layer: cross-app management commands (seed_demo) and the dashboard shell
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.BodySizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "socialflow.urls"
WSGI_APPLICATION = "socialflow.wsgi.application"
ASGI_APPLICATION = "socialflow.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
if not env.str("DATABASE_URL", default="") and not EMBEDDED_DEFAULTS_ALLOWED:
    raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off (see .env.example).")
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # SQLite only serves laptops: wait instead of failing when two threads write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
USING_POSTGRES = "postgresql" in DATABASES["default"]["ENGINE"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, Celery ------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sf"),
            # Short socket timeouts: a Redis outage must degrade requests quickly, not hang them.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s channels_redis blocks
                # in BZPOPMIN: an idle socket's receive then dies with TimeoutError (close 1011). Reads get
                # more room than the blocking pop; connects still fail fast.
                "hosts": [
                    {
                        "address": env.str("CHANNEL_LAYER_URL", default=REDIS_URL),
                        "socket_timeout": 15,
                        "socket_connect_timeout": 2,
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "content.tasks.*": {"queue": "media"},
    "notifications.tasks.*": {"queue": "notify"},
    "payments.tasks.*": {"queue": "payments"},
    "ads.tasks.*": {"queue": "ads"},
}
# acks_late is switched on per task (only for tasks declared idempotent), never globally.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Time limits: a hung task is stopped instead of holding a worker (and its unacked message) for ever. The
# soft limit raises SoftTimeLimitExceeded inside the task; the hard one kills the pool process a minute
# later. Video processing (ffmpeg ladder, content.tasks.video_process_task) gets its own, longer limits.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=1740)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=1800)
CELERY_VIDEO_SOFT_TIME_LIMIT = env.int("CELERY_VIDEO_SOFT_TIME_LIMIT", default=7140)
CELERY_VIDEO_TIME_LIMIT = env.int("CELERY_VIDEO_TIME_LIMIT", default=7200)
CELERY_TASK_ANNOTATIONS = {
    "content.tasks.video_process_task": {
        "soft_time_limit": CELERY_VIDEO_SOFT_TIME_LIMIT,
        "time_limit": CELERY_VIDEO_TIME_LIMIT,
    }
}
# Redis transport: an acks_late message delivered to a worker that then dies whole (SIGKILL, host lost)
# stays in Redis's unacked set and is put back on its queue once it is older than the visibility timeout.
# It must exceed the longest task's hard limit (else a task still running is handed to a second worker)
# and the longest eta a message waits in a worker (held notification deliveries: a redelivered one
# re-checks and sends once). The sweep runs every 10 s on every worker (throttle 1: kombu's default
# scans only every 10th tick), so a lost task reruns within visibility_timeout + 10 s.
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=max(CELERY_TASK_TIME_LIMIT, CELERY_VIDEO_TIME_LIMIT) + 300
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # Fail fast when the broker is down or frozen: a request publishing a task must not hang; the
    # publish then lands in the outbox (core.outbox). The worker's BRPOP waits 1 s, under the 2 s read.
    "socket_connect_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=2.0)
# Two tries in about half a second, then the outbox: worst case ~4.5 s with a frozen broker (two 2 s
# reads), ~0.1 s with a refused connection.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.3, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE = {  # each app adds its periodic tasks in its section below
    # Publishes tasks kept while the broker was unreachable (core.outbox).
    "core-outbox-relay": {"task": "core.tasks.outbox_relay_task", "schedule": 10.0},
}

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
# Usernames are unique case-insensitively (a Lower() constraint on users.User), which auth.W004 cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING and env.bool("FAST_PASSWORD_HASHER", default=True):
    # Tests create thousands of users; Argon2 is measured in bench/, not paid on every fixture.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": env.list(
        "API_AUTHENTICATION_CLASSES",
        default=[
            "users.authentication.SessionJWTAuthentication",
            "users.authentication.ApiKeyAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
    ),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",  # DRF's, with deep nesting answered 400 (reliability suite)
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.error_handler.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.AnonBurstThrottle", "core.throttling.UserBurstThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="300/min"),
        "user": "1200/min",
        # Overridable so an operator can tighten them (and the login benchmark can measure the endpoint itself).
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="5/min"),
        "register": "5/hour",
        "password_reset": "5/hour",
        "otp": "5/min",
        "post_create": "30/min",
        "chat": "60/min",
        "upload": "60/hour",
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
# The session + user behind an access token is cached until a write to either ends it
# (users/services/session_cache.py); this bounds how stale request.user's counters may get. 0: off
# (the default in tests, whose transactions never commit; test_session_cache.py turns it on).
AUTH_SESSION_CACHE_SECONDS = env.int("AUTH_SESSION_CACHE_SECONDS", default=0 if TESTING else 30)

SPECTACULAR_SETTINGS = {
    "TITLE": "SocialFlow API",
    "DESCRIPTION": "The REST API of SocialFlow. Errors use one JSON shape (see ErrorResponse).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {},
}

# --- Security -------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not EMBEDDED_DEFAULTS_ALLOWED)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not EMBEDDED_DEFAULTS_ALLOWED)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if EMBEDDED_DEFAULTS_ALLOWED else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Request bodies above this are refused with 413 before any view reads them (uploads have their own).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=25 * 1024 * 1024)
FIELD_ENCRYPTION_KEY = _required("FIELD_ENCRYPTION_KEY", "dev-only-field-key")

# --- I18n, static, media --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without collectstatic (make run, tests) whitenoise serves straight from the app/static folders.
WHITENOISE_USE_FINDERS = EMBEDDED_DEFAULTS_ALLOWED
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_S3_ADDRESSING_STYLE = "path" if AWS_S3_ENDPOINT_URL else "auto"
AWS_QUERYSTRING_EXPIRE = 3600
AWS_DEFAULT_ACL = None
USE_S3 = bool(AWS_STORAGE_BUCKET_NAME)
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage" if USE_S3 else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SocialFlow <no-reply@socialflow.local>")

# --- allauth --------------------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
# The dashboard's TOTP step runs as an allauth login stage: no session is signed in before it.
ACCOUNT_ADAPTER = "socialflow.dashboard.login_stage.AccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID", default=""),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "email"],
    },
    "facebook": {
        "APPS": [
            {
                "client_id": env.str("FACEBOOK_APP_ID", default=""),
                "secret": env.str("FACEBOOK_APP_SECRET", default=""),
            }
        ],
    },
}

# --- Logging, metrics, errors ---------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=env.float("SENTRY_TRACES", 0.0))

# --- Kernel ---------------------------------------------------------------------------------------
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
IDEMPOTENCY_WAIT_SECONDS = 5
# Mounts /bench/floor (the benchmark baseline endpoint); never on in production.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# ==================================================================================================
# Domain settings. Each app keeps its own section; add new variables to .env.example too.
# ==================================================================================================

# --- users ----------------------------------------------------------------------------------------
EMAIL_VERIFICATION_TTL = timedelta(hours=24)
PASSWORD_RESET_TTL = timedelta(hours=1)
MFA_TOKEN_TTL = timedelta(minutes=5)
ACCOUNT_DELETION_GRACE = timedelta(days=30)
RESERVED_USERNAMES = [
    "admin", "administrator", "api", "support", "help", "root", "staff", "moderator", "socialflow",
    "system", "security", "settings", "dashboard", "login", "logout", "register", "me", "www", "static",
    "media", "about", "terms", "privacy", "null", "undefined",
]  # fmt: skip
# Argon2id with OWASP parameters (users/hashers.py, measured in docs/users.md); same algorithm name,
# so existing Argon2 hashes verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "users.hashers.SocialFlowArgon2PasswordHasher" if h == "django.contrib.auth.hashers.Argon2PasswordHasher" else h
    for h in PASSWORD_HASHERS
]
TWO_FACTOR_BACKUP_CODES = 10
OTP_TOTP_ISSUER = "SocialFlow"
AVATAR_SIZE = 400  # px, square
AVATAR_MAX_UPLOAD_BYTES = env.int("AVATAR_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
AVATAR_MAX_PIXELS = 40_000_000
# Apps above `users` add `callable(user) -> (section_name, data)` paths to put their data in exports.
DATA_EXPORT_PROVIDERS = [
    "payments.export.payments_export",
    "content.export.content_export",
    "social.export.social_export",
]
CELERY_BEAT_SCHEDULE["users-lift-expired-suspensions"] = {
    "task": "users.tasks.suspensions_lift_expired_task",
    "schedule": timedelta(minutes=5),
}
CELERY_BEAT_SCHEDULE["users-anonymise-deleted-accounts"] = {
    "task": "users.tasks.accounts_anonymise_due_task",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["users-purge-auth-records"] = {
    "task": "users.tasks.auth_records_purge_task",
    "schedule": timedelta(hours=6),
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {"UserStatusEnum": "users.models.User.Status", "UserRoleEnum": "users.models.User.Role"}
)
# The dashboard's social redirect flow: same linking and verification rules as the app API.
SOCIALACCOUNT_ADAPTER = "users.social_adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a provider-verified email signs in to the matching account
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Called with each AccountEvent after commit (apps above users react without users importing them).
USERS_ACCOUNT_EVENT_HOOKS = ["notifications.account_alerts.security_alert_from_account_event"]

# --- notifications --------------------------------------------------------------------------------
FCM_PROJECT_ID = env.str("FCM_PROJECT_ID", default="")
FCM_SERVICE_ACCOUNT_FILE = env.str("FCM_SERVICE_ACCOUNT_FILE", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_CLAIM_EMAIL = env.str("VAPID_CLAIM_EMAIL", default="mailto:ops@socialflow.local")
NOTIFICATION_FANOUT_BATCH = env.int("NOTIFICATION_FANOUT_BATCH", default=1000)
# The same actor doing the same thing to the same target again within this window makes no new notification.
NOTIFICATION_DEDUPE_WINDOW = timedelta(seconds=env.int("NOTIFICATION_DEDUPE_SECONDS", default=24 * 3600))
FCM_API_BASE = env.str("FCM_API_BASE", default="https://fcm.googleapis.com")
PUSH_HTTP_TIMEOUT = env.float("PUSH_HTTP_TIMEOUT", default=10.0)
CELERY_BEAT_SCHEDULE["notifications-release-held-deliveries"] = {
    "task": "notifications.tasks.notification_deliveries_release_task",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    "task": "notifications.tasks.notification_digest_send_all_task",
    "schedule": 3600.0,  # hourly sweep: each user gets theirs once 24 h have passed since the last one
}

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["NotificationTypeEnum"] = "notifications.catalogue.NotificationType"

# --- payments -------------------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
PLATFORM_FEE_PERCENT = Decimal(env.str("PLATFORM_FEE_PERCENT", default="10"))
PAYOUT_MINIMUM = Decimal(env.str("PAYOUT_MINIMUM", default="10.00"))
PAYOUT_HOLD_DAYS = env.int("PAYOUT_HOLD_DAYS", default=7)
SUPPORTED_CURRENCIES = env.list("SUPPORTED_CURRENCIES", default=["usd", "eur", "gbp"])
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# The account that owns the platform's premium tiers (ad-free, bigger quota); a reserved username.
PAYMENTS_PLATFORM_USERNAME = env.str("PAYMENTS_PLATFORM_USERNAME", default="socialflow")
TIP_MIN_AMOUNT = env.int("TIP_MIN_AMOUNT", default=100)  # minor units
TIP_MAX_AMOUNT = env.int("TIP_MAX_AMOUNT", default=50000)
# Dotted paths called with a succeeded Tip after commit (livestream registers its chat donation hook).
PAYMENTS_TIP_SUCCEEDED_HOOKS = ["livestream.services.stream_tip_succeeded"]
CELERY_BEAT_SCHEDULE["payments-release-earnings"] = {
    "task": "payments.tasks.earnings_release_task",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["payments-retry-webhooks"] = {
    "task": "payments.tasks.webhook_events_retry_task",
    "schedule": timedelta(minutes=15),
}

# --- content --------------------------------------------------------------------------------------
VIDEO_MAX_UPLOAD_BYTES = env.int("VIDEO_MAX_UPLOAD_BYTES", default=10 * 1024**3)
VIDEO_UPLOAD_PART_BYTES = env.int("VIDEO_UPLOAD_PART_BYTES", default=8 * 1024 * 1024)
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env.str("FFPROBE_BINARY", default="ffprobe")
PLAYBACK_URL_TTL = env.int("PLAYBACK_URL_TTL", default=3600)
# Post/video detail snapshots and viewers' visibility facts (content.selectors.details): ended by the
# writes that change them, so the TTL only bounds what none announces (see there) and how often a hot
# post is rebuilt; a video's signed still URLs keep at least PLAYBACK_URL_TTL minus this. 0 (tests):
# every read builds.
CONTENT_DETAIL_CACHE_SECONDS = env.int("CONTENT_DETAIL_CACHE_SECONDS", default=0 if TESTING else 600)
VIDEO_UPLOAD_URL_TTL = env.int("VIDEO_UPLOAD_URL_TTL", default=24 * 3600)
# The header a CDN/proxy sets with the viewer's ISO country (CloudFront-Viewer-Country, CF-IPCountry...).
GEOIP_COUNTRY_HEADER = env.str("GEOIP_COUNTRY_HEADER", default="CF-IPCountry")
# Search ranks the newest N matches of a query (bounded work per search; see content/selectors/discovery.py).
SEARCH_MAX_CANDIDATES = env.int("SEARCH_MAX_CANDIDATES", default=2000)
CELERY_BEAT_SCHEDULE.update(
    {
        "content-publish-due": {"task": "content.tasks.content_publish_due_task", "schedule": 60.0},
        "content-trending": {"task": "content.tasks.trending_recompute_task", "schedule": 600.0},
        "content-media-orphans": {"task": "content.tasks.media_orphans_sweep_task", "schedule": 3600.0},
        "content-stale-uploads": {"task": "content.tasks.video_uploads_expire_task", "schedule": 3600.0},
    }
)

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "PostVisibilityEnum": "content.models.common.PostVisibility",
        "VideoVisibilityEnum": "content.models.common.VideoVisibility",
        "VideoStatusEnum": "content.models.videos.Video.Status",
    }
)

# --- social ---------------------------------------------------------------------------------------
FEED_PROMOTED_EVERY = env.int("FEED_PROMOTED_EVERY", default=0)  # 0: no promoted items in feeds
# Rendered following-feed pages are kept per viewer until a write ends them (social/feeds/cache.py);
# this bounds how stale counters and time-based changes may get. 0 turns the cache off. Off in tests by
# default: test transactions never commit, so after-commit invalidation only runs where a test asks
# for it (social/tests/test_feed_cache.py).
FEED_PAGE_CACHE_SECONDS = env.int("FEED_PAGE_CACHE_SECONDS", default=0 if TESTING else 60)
# Callable (*, viewer, feed, count) -> list[dict] supplying promoted feed items (the ads app); empty: none.
SOCIAL_FEED_PROMOTED_PROVIDER = env.str("SOCIAL_FEED_PROMOTED_PROVIDER", default="ads.selectors.ads_for_feed")
# Report targets living in apps above social: type -> callable (*, viewer, target_id) -> owner User | None,
# raising core.exceptions.NotFound when the viewer cannot see the target (see social/services/reports.py).
SOCIAL_REPORT_TARGET_RESOLVERS = {"chat_message": "livestream.selectors.chat_message_report_owner"}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ReportCategoryEnum": "social.models.reports.ReportCategory",
        "ReportTargetTypeEnum": "social.models.reports.ReportTargetType",
    }
)
# Safety net for the F() counters (likes, comments, saves, replies): recount recently touched rows hourly.
CELERY_BEAT_SCHEDULE["social-counters-repair"] = {
    "task": "social.tasks.engagement_counters_repair_task",
    "schedule": 3600.0,
}

# --- livestream -----------------------------------------------------------------------------------
IVS_REGION = env.str("IVS_REGION", default="us-east-1")
IVS_ENDPOINT_URL = env.str("IVS_ENDPOINT_URL", default="") or None
USE_IVS = env.bool("USE_IVS", default=False)
IVS_WEBHOOK_SECRET = env.str("IVS_WEBHOOK_SECRET", default="")
LIVE_RTMP_INGEST_URL = env.str("LIVE_RTMP_INGEST_URL", default="rtmp://127.0.0.1:1935/live")
LIVE_HLS_PLAYBACK_BASE = env.str("LIVE_HLS_PLAYBACK_BASE", default="http://127.0.0.1:8080/hls")
IVS_RECORDING_CONFIGURATION_ARN = env.str("IVS_RECORDING_CONFIGURATION_ARN", default="")
LIVE_RECORDINGS_DIR = env.str("LIVE_RECORDINGS_DIR", default="")  # nginx-rtmp record_path (self-hosted)
# Shared secret nginx-rtmp sends (as ?secret=) with on_publish/on_publish_done callbacks.
LIVE_RTMP_CALLBACK_SECRET = env.str("LIVE_RTMP_CALLBACK_SECRET", default="")
# Live chat fans out over Redis pub/sub: one PUBLISH reaches every daphne process once and each process
# hands it to its local sockets, instead of one queued copy per socket popped one at a time (the
# default layer). Measured in docs/livestream.md (bench/chat_fanout.py). Pub/sub keeps nothing for a
# process that is reconnecting; chat clients resynchronise from GET /streams/{id}/chat.
CHANNEL_LAYERS["livestream"] = (
    {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": env.str("CHANNEL_LAYER_URL", default=REDIS_URL),
                    "socket_timeout": 15,
                    "socket_connect_timeout": 2,
                }
            ],
            "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi") + "-live",
        },
    }
    if REDIS_URL
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "StreamStatusEnum": "livestream.models.Stream.Status",
        "StreamVisibilityEnum": "livestream.models.Stream.Visibility",
        "StreamCategoryEnum": "livestream.models.Stream.Category",
        "StreamLatencyEnum": "livestream.models.Stream.Latency",
    }
)
LIVE_CHAT_RATE_PER_SECOND = env.float("LIVE_CHAT_RATE_PER_SECOND", default=1.0)
LIVE_CHAT_BURST = env.int("LIVE_CHAT_BURST", default=3)
LIVE_WS_MAX_MESSAGE_BYTES = env.int("LIVE_WS_MAX_MESSAGE_BYTES", default=64 * 1024)
LIVE_VIEWER_COUNT_INTERVAL_SECONDS = env.int("LIVE_VIEWER_COUNT_INTERVAL_SECONDS", default=5)
LIVE_HEARTBEAT_TIMEOUT_SECONDS = env.int("LIVE_HEARTBEAT_TIMEOUT_SECONDS", default=90)
CELERY_BEAT_SCHEDULE["livestream-viewer-counts"] = {
    "task": "livestream.tasks.stream_viewer_counts_flush_task",
    "schedule": timedelta(seconds=LIVE_VIEWER_COUNT_INTERVAL_SECONDS),
}
CELERY_BEAT_SCHEDULE["livestream-stale-viewers"] = {
    "task": "livestream.tasks.viewer_sessions_expire_task",
    "schedule": timedelta(seconds=60),
}

# --- ads ------------------------------------------------------------------------------------------
ADS_CREATOR_REVENUE_SHARE_PERCENT = Decimal(env.str("ADS_CREATOR_REVENUE_SHARE_PERCENT", default="50"))
ADS_BLOCKED_DOMAINS = env.list("ADS_BLOCKED_DOMAINS", default=[])
ADS_TOKEN_TTL_SECONDS = env.int("ADS_TOKEN_TTL_SECONDS", default=3600)
ADS_CLICK_DEDUPE_SECONDS = env.int("ADS_CLICK_DEDUPE_SECONDS", default=30 * 60)
ADS_INDEX_REFRESH_SECONDS = env.int("ADS_INDEX_REFRESH_SECONDS", default=60)
ADS_PACING_SLACK_PERCENT = env.float("ADS_PACING_SLACK_PERCENT", default=5.0)
ADS_CTR_PRIOR = Decimal(env.str("ADS_CTR_PRIOR", default="0.01"))
ADS_CTR_PRIOR_IMPRESSIONS = env.int("ADS_CTR_PRIOR_IMPRESSIONS", default=1000)
ADS_INTEREST_CACHE_SECONDS = env.int("ADS_INTEREST_CACHE_SECONDS", default=600)
ADS_MAX_IMAGE_BYTES = env.int("ADS_MAX_IMAGE_BYTES", default=5 * 1024 * 1024)
ADS_MAX_VIDEO_BYTES = env.int("ADS_MAX_VIDEO_BYTES", default=100 * 1024 * 1024)
ADS_SERVE_RATE = env.str("ADS_SERVE_RATE", default="600/min")
ADS_EVENT_RATE = env.str("ADS_EVENT_RATE", default="600/min")
ADS_BOT_USER_AGENT_PATTERNS = [
    r"bot\b", r"crawl", r"spider", r"slurp", r"headless", r"phantomjs", r"python-requests", r"python-urllib",
    r"curl/", r"wget", r"httpclient", r"okhttp", r"go-http-client", r"facebookexternalhit", r"preview",
    r"lighthouse", r"scrapy", r"java/",
]  # fmt: skip
# Serve `context=<kind>:<id>`: the getter (viewer=, id=) → object whose author/host earns the revenue
# share. Declared here, in the top layer, because ads may not import livestream (a sibling layer).
ADS_CONTEXT_GETTERS = {
    "video": "content.selectors.video_get_visible",
    "stream": "livestream.selectors.stream_get_visible",
}
CELERY_BEAT_SCHEDULE["ads-campaigns-roll-status"] = {
    "task": "ads.tasks.ads_campaigns_roll_status_task",
    "schedule": 60.0,
}

# --- backoffice -----------------------------------------------------------------------------------
# Automatic moderation holds (rule in content.services.moderation): new posts, videos and comments
# containing one of these words, and targets reported by this many distinct people, are hidden and
# queued for review.
MODERATION_BANNED_WORDS = env.list("MODERATION_BANNED_WORDS", default=[])
MODERATION_AUTO_HOLD_REPORTERS = env.int("MODERATION_AUTO_HOLD_REPORTERS", default=3)
# Content and social open a held item's case through this (they may not import the back office).
MODERATION_HOLD_HANDLER = "social.services.moderation.case_open_for_hold"
