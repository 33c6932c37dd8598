"""
Settings for the lab's recruitment site, read from environment variables (README.md).
The defaults are safe: debug off, and SQLite under var/ so a checkout just runs.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
# templates/, static/ and locale/ sit at the top of a checkout; the wheel carries them
# inside this package (setup.py), where a checkout has none. BASE_DIR is where they are.
PACKAGED = (PACKAGE_DIR / "templates").is_dir()
BASE_DIR = PACKAGE_DIR if PACKAGED else PACKAGE_DIR.parent
# State (the default SQLite file, the file cache, uploads): var/ of the checkout, or of
# the working directory when installed (site-packages is no place for data).
VAR_DIR = (Path.cwd() if PACKAGED else BASE_DIR) / "var"


def envbool(name, default):
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def envint(name, default):
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "0")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG=1"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

# How many reverse proxies in front of gunicorn append to X-Forwarded-For. With 0 (the
# default) the client address is the socket's, and a client cannot spoof it.
TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", "0")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "recruiting.apps.RecruitingConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "imagekit",
    "reversion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "recruiting.middleware.PageCacheMiddleware",  # right here: see its docstring
    "recruiting.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "recruiting.middleware.AdminLanguageMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "recruiting.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "labsite.urls"
WSGI_APPLICATION = "labsite.wsgi.application"

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
                "recruiting.context_processors.lab",
            ],
        },
    },
]

# SQLite under var/ (which var/.gitignore keeps in a fresh clone) unless DATABASE_URL
# names another database (postgres://… in production, through psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, but a database file it creates is 0600: it holds applicants' data.
    DATABASES["default"]["ENGINE"] = "labsite.private_sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every instance: page cache, rate
# limits); otherwise a file-based cache under var/, which every gunicorn worker of
# this one instance shares, so an edit in the admin clears the page for all of them.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "recruiting.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "labsite"),
            "TIMEOUT": 24 * 3600,
            # Fail fast when Redis is away (health check, requests) instead of hanging.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "labsite"),
            "TIMEOUT": 24 * 3600,
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"

# Internationalisation: Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# The admin's language tabs (modeltranslation) need jQuery UI: served from here, not
# from modeltranslation's default CDN, which the Content-Security-Policy would block.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"


def MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME(verbose_name, language):
    """A translated field's label names its language as LANGUAGES does: "职称 [中文]"."""
    return f"{verbose_name} [{dict(LANGUAGES).get(language, language)}]"


# Static files through whitenoise: hashed, compressed (brotli + gzip), cached for a year.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MAX_AGE = 365 * 24 * 3600

# CVs are private (MEDIA_ROOT or a private bucket), streamed by a staff-only view: no
# MEDIA_URL, so no file has a public address.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None


def s3_storage(prefix, **options):
    """An S3-compatible bucket from the PREFIX_BUCKET, _ENDPOINT_URL, _REGION, _ACCESS_KEY
    and _SECRET_KEY variables (the [s3] extra), with the storage's own options."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ[f"{prefix}_BUCKET"],
            "endpoint_url": os.environ.get(f"{prefix}_ENDPOINT_URL") or None,
            "region_name": os.environ.get(f"{prefix}_REGION") or None,
            "access_key": os.environ.get(f"{prefix}_ACCESS_KEY") or None,
            "secret_key": os.environ.get(f"{prefix}_SECRET_KEY") or None,
            "file_overwrite": False,
            **options,
        },
    }


CV_STORAGE_BUCKET = os.environ.get("CV_STORAGE_BUCKET", "")
if CV_STORAGE_BUCKET:
    cv_storage = s3_storage(
        "CV_STORAGE", default_acl="private", querystring_auth=True, location="cvs"
    )
else:
    cv_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "cvs", "base_url": None},
    }

# The lab's photos are public: their own storage, never the CVs' (docs/deploy.md). A local
# folder served at PUBLIC_MEDIA_URL (by nginx in production, by the site itself when
# SERVE_PUBLIC_MEDIA is on, as it is with DJANGO_DEBUG=1), or a public bucket.
PUBLIC_MEDIA_ROOT = Path(os.environ.get("PUBLIC_MEDIA_ROOT", VAR_DIR / "public"))
PUBLIC_MEDIA_URL = os.environ.get("PUBLIC_MEDIA_URL", "/media/")
if not PUBLIC_MEDIA_URL.endswith("/"):
    raise ImproperlyConfigured("PUBLIC_MEDIA_URL must end with a slash.")
SERVE_PUBLIC_MEDIA = envbool("SERVE_PUBLIC_MEDIA", "1" if DEBUG else "0")
PUBLIC_STORAGE_BUCKET = os.environ.get("PUBLIC_STORAGE_BUCKET", "")
if PUBLIC_STORAGE_BUCKET:
    public_storage = s3_storage(
        "PUBLIC_STORAGE",
        # Served from the bucket's (or its CDN's) own address, unsigned.
        custom_domain=os.environ.get("PUBLIC_STORAGE_DOMAIN") or None,
        default_acl="public-read",
        querystring_auth=False,
        object_parameters={"CacheControl": "public, max-age=31536000"},
    )
else:
    public_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": PUBLIC_MEDIA_ROOT,
            "base_url": PUBLIC_MEDIA_URL,
            "file_permissions_mode": 0o644,
            "directory_permissions_mode": 0o755,
        },
    }
if not PUBLIC_STORAGE_BUCKET and PUBLIC_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("PUBLIC_MEDIA_ROOT must not be inside MEDIA_ROOT (the CVs).")
# A public image is refused above these: a larger one is no photo but an attack on memory.
PUBLIC_IMAGE_MAX_BYTES = envint("PUBLIC_IMAGE_MAX_BYTES", str(10 * 1024 * 1024))
PUBLIC_IMAGE_MAX_PIXELS = envint("PUBLIC_IMAGE_MAX_PIXELS", str(40_000_000))
# django-imagekit makes the photos' sizes once, when they are saved, into sized/ of the
# public storage, named by the photo and a hash of the size (recruiting/images.py).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "sized"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_as_path"

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "cvs": cv_storage,
    "public": public_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FILE_UPLOAD_PERMISSIONS = 0o600

# Applications
CV_MAX_BYTES = envint("CV_MAX_BYTES", str(10 * 1024 * 1024))
# Every CV is opened at submit by a separate process held to these bounds (pdfcheck.py):
# a hostile file is refused in seconds and cannot exhaust the web worker's memory.
CV_CHECK_SECONDS = envint("CV_CHECK_SECONDS", "3")
CV_CHECK_MEMORY_MB = envint("CV_CHECK_MEMORY_MB", "512")
# The worker reads a CV's text later, with looser bounds, at most this many pages and
# characters of it.
CV_READ_SECONDS = envint("CV_READ_SECONDS", "60")
CV_READ_MEMORY_MB = envint("CV_READ_MEMORY_MB", "1024")
CV_READ_MAX_PAGES = envint("CV_READ_MAX_PAGES", "50")
CV_TEXT_MAX_CHARS = envint("CV_TEXT_MAX_CHARS", "200000")
APPLY_RATE_LIMIT = envint("APPLY_RATE_LIMIT", "5")  # accepted per client IP per hour; 0 = off
# Forms refused (422) per client IP per hour: typos do not use up APPLY_RATE_LIMIT, but a
# bot sending bad forms is stopped. 0 = off.
APPLY_REFUSED_RATE_LIMIT = envint("APPLY_REFUSED_RATE_LIMIT", str(10 * APPLY_RATE_LIMIT))
# Changes sent from applicants' status pages (corrections, new CVs, withdrawals, deletions)
# per client IP per hour. 0 = off.
STATUS_RATE_LIMIT = envint("STATUS_RATE_LIMIT", "30")
APPLICATION_RETENTION_DAYS = envint("APPLICATION_RETENTION_DAYS", "365")
PRIVACY_NOTICE_VERSION = "2"  # 2: the status page corrects, withdraws and deletes
LAB_NOTIFY_EMAILS = envlist("LAB_NOTIFY_EMAILS")
# The public address (https://example.org, or https://example.org/lab under a path): every
# absolute link (e-mails, canonical URLs, sitemap) and, through FORCE_SCRIPT_NAME, every
# path prefix comes from here, never from a request's Host or SCRIPT_NAME. Required with
# debug off (`check --deploy`); on a laptop (debug on, empty) the request's host is used.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
FORCE_SCRIPT_NAME = None if DEBUG and not SITE_URL else urlsplit(SITE_URL).path
# Stored pages expire after this many seconds even if a content change could not clear
# them (the cache was down at the time): the longest a stale page can be served.
PAGE_CACHE_TIMEOUT = envint("PAGE_CACHE_TIMEOUT", "300")

# E-mail: SMTP with EMAIL_HOST, or EMAIL_BACKEND; else the console on a laptop, and with
# debug off a backend that refuses, so mail waits and `check --deploy` says why.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "recruiting.emails.UnconfiguredBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
EMAIL_MAX_ATTEMPTS = envint("EMAIL_MAX_ATTEMPTS", "10")  # 1, 2, 4 … 60 min apart: about 4 h
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks are rows in this database, run by `manage.py run_worker`. One running longer
# than the lease lost its worker and runs again: keep it above the SMTP timeout.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_LEASE_SECONDS = envint("TASK_LEASE_SECONDS", "600")

# Security. DJANGO_HTTPS defaults to on whenever debug is off.
HTTPS = envbool("DJANGO_HTTPS", "0" if DEBUG else "1")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CSRF_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4): no inline script or style and no nonce, so
# cached pages stay byte-identical; the admin's exception is in recruiting.middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# Admin login: django-axes locks out a user name from one address (an IPv6 client per
# /64) after AXES_FAILURE_LIMIT failures, and recruiting.lockout locks it from every
# address after AXES_ACCOUNT_FAILURE_LIMIT failures from anywhere (0: no such ceiling),
# both for AXES_COOLOFF_HOURS or until `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_ACCOUNT_FAILURE_LIMIT = envint("AXES_ACCOUNT_FAILURE_LIMIT", "20")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", "1")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "recruiting.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "recruiting.clientip.client_block"
AXES_USERNAME_CALLABLE = "recruiting.lockout.lockout_username"
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_VERBOSE = False

# Logs: structured (JSON) lines on stdout. Never applicant data beyond an id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"redact_tokens": {"()": "recruiting.logs.RedactTokens"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # The worker polls: its "starting", "no more tasks" lines would fill the log.
        "django_tasks_db": {"level": "WARNING"},
    },
}
