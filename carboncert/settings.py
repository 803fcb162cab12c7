"""carboncert settings: one module, configured by environment variables only.

With nothing set, the embedded default: SQLite (WAL) in ./var, local-memory
cache, Celery tasks inline, files in a private folder. Production sets
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, HTTPS=1 and, for object
storage, S3_BUCKET (see docs/deploy.md).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CARBONCERT_VAR", BASE_DIR.parent / "var")).resolve()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 1/0, true/false, yes/no or on/off")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str) -> str | None:
    """NAME, or the contents of the file named by NAME_FILE (container secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return None


def embedded_secret_key() -> str:
    # A laptop or demo keeps one generated key in ./var, so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY") or embedded_secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating proxy in production; plain http on a laptop.
HTTPS = envbool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment for the whole domain; the operator opts in.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "carboncert.audit",
    "carboncert.accounts",
    "carboncert.catalog",
    "carboncert.sittings",
    "carboncert.registration",
    "carboncert.bank",
    "carboncert.learning",
    "carboncert.exams",
    "carboncert.proctoring",
    "carboncert.grading",
    "carboncert.certificates",
    "carboncert.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "carboncert.accounts.middleware.ProgrammeLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carboncert.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "carboncert.urls"
WSGI_APPLICATION = "carboncert.wsgi.application"

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
                "carboncert.accounts.navigation.navigation",
            ],
        },
    },
]

# SQLite in WAL mode unless DATABASE_URL names another database.
SQLITE_PATH = VAR_DIR / "carboncert.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        # A health check is one more round trip on every request (a quarter of a
        # heartbeat's time on exam day). Off: a connection broken by a database restart
        # fails one request (clients retry; nothing acknowledged is lost), then reconnects.
        conn_health_checks=envbool("DATABASE_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: writers queue on the lock instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
    }
    # A file, not Django's shared-cache memory database: there a reader meets a writer's
    # table lock at once ("database table is locked") where WAL lets it read, so the live
    # server's tests would not see the concurrency production has. One per run: two runs in
    # one checkout must not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache, not local memory: the server's workers are separate processes, and login
    # counters and batch progress must be the same whichever worker answers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Long jobs (batch checks and imports) go to Celery workers when a broker is named; without
# one (a laptop, the demo) they run in a thread of the web process, and in tests inline.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
TASK_RUNNER = "celery" if os.environ.get("CELERY_BROKER_URL") else "thread"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "catalog:programme"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "carboncert.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Identity and proctoring (issue 8). Distances of dlib descriptors: one person's pictures
# measured 0.18–0.24 apart here, two people 0.67 (docs/proctoring.md); dlib's own is 0.6.
FACE_CHECK_NEW_SITTINGS = os.environ.get("FACE_CHECK_NEW_SITTINGS", "1") == "1"
FACE_MATCH_DISTANCE = float(os.environ.get("FACE_MATCH_DISTANCE", "0.6"))
FACE_TRIES_BEFORE_PHOTO = envint(
    "FACE_TRIES_BEFORE_PHOTO", 3
)  # then 拍照上传, checked by a proctor
FACE_ALERT_RUN = envint("FACE_ALERT_RUN", 3)  # snapshots in a row without the candidate: an alert
OFFLINE_AFTER_SECONDS = envint("OFFLINE_AFTER_SECONDS", 90)  # no heartbeat for this long: offline
CASE_CONFIRMATIONS = envint("CASE_CONFIRMATIONS", 1)  # 2: a second proctor must also confirm
# Snapshots, check-in pictures and face descriptors are deleted this many days after the
# sitting's results are published (the review period is 15 working days).
PROCTORING_RETENTION_DAYS = envint("PROCTORING_RETENTION_DAYS", 60)

# Certificates (issue 9). The issuer printed on them; the Ed25519 private key that signs
# their QR codes (a file every app server shares, like SECRET_KEY_FILE: made on first use,
# rotated with `carboncert certificates rotate-key`); public verification requests allowed
# per address and minute.
# One standard class hour (标准课时) of the learning centre, in minutes: 45 by the national
# standard for vocational training hours; the handbook's minimums are 36 / 40 / 48 of them.
LEARNING_CLASS_HOUR_MINUTES = int(os.environ.get("LEARNING_CLASS_HOUR_MINUTES", "45"))
# Largest lesson file a teacher may upload (videos), in megabytes.
LESSON_MAX_UPLOAD_MB = int(os.environ.get("LESSON_MAX_UPLOAD_MB", "500"))
# Largest picture in a reading lesson, in megabytes.
LESSON_IMAGE_MAX_MB = int(os.environ.get("LESSON_IMAGE_MAX_MB", "10"))

CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "工业和信息化部工业文化发展中心")
CERTIFICATE_ISSUER_EN = os.environ.get(
    "CERTIFICATE_ISSUER_EN", "Industrial Culture Development Center of MIIT"
)
CERTIFICATE_KEY_FILE = Path(
    os.environ.get("CERTIFICATE_KEY_FILE", VAR_DIR / "certificate-signing-key.pem")
)
VERIFY_PER_MINUTE = envint("VERIFY_PER_MINUTE", 30)
# Print each certificate's PDF right after issue (a background job), not at first download.
CERTIFICATE_PRINT_ON_ISSUE = os.environ.get("CERTIFICATE_PRINT_ON_ISSUE", "1") == "1"
# The address printed in the QR code (a phone scans it): the public site's origin.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Failed logins allowed per account and per address before a pause.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = envint("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 100)
LOGIN_FAILURE_WINDOW_SECONDS = envint("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))

# Uploaded files are private: no MEDIA_URL is served; views check permission
# and stream them. S3_BUCKET switches to any S3-compatible object store.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": envsecret("S3_ACCESS_KEY"),
            "secret_key": envsecret("S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    }
STORAGES = {
    "default": default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("PYTEST_VERSION"):  # set by pytest itself
    # Tests render templates without running collectstatic first.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at start-up without it
    # Tests create many users; a deliberately slow hasher would only slow them down.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASK_RUNNER = "inline"
    FACE_CHECK_NEW_SITTINGS = False  # the identity tests turn the face check on
    CERTIFICATE_PRINT_ON_ISSUE = False  # half a second each: printed where a test asks
    if not REDIS_URL:
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        # Each test clears the cache: parallel workers keep to a Redis database each
        # (REDIS_URL's, then the ones below it: gw0 → 15, gw1 → 14, …).
        base, _, number = REDIS_URL.rstrip("/").rpartition("/")
        worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
        if number.isdigit() and int(number) - worker >= 0:
            CACHES["default"]["LOCATION"] = f"{base}/{int(number) - worker}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest upload request (a batch's ZIP of documents); larger ones are cut off at once.
MAX_UPLOAD_REQUEST_BYTES = envint("MAX_UPLOAD_REQUEST_BYTES", 520 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "carboncert.uploads.RequestSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Mail: the console by default (the embedded default has no mail server); production sets
# EMAIL_URL-style variables below. Tests use Django's locmem outbox.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@carboncert.local")

# Text messages (SMS): "log" writes them to the log (the embedded default); "aliyun" sends
# them through Alibaba Cloud SMS (docs/deploy.md lists the variables it needs).
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
# The approved template code per message kind, e.g. "results_released=SMS_123456789".
SMS_TEMPLATES = dict(
    pair.split("=", 1) for pair in os.environ.get("SMS_TEMPLATES", "").split(",") if "=" in pair
)
