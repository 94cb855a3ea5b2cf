"""Settings for Showrunner: one file, configured from the environment.

Without ``SECRET_KEY`` in the environment Showrunner runs as a local install: a key of its own,
made on first use and kept in the data folder, a plain-HTTP site on loopback names only, static
files and uploads served by the app. A deployment sets ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL``, and gets HTTPS by default. ``DEBUG`` is off unless asked for.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key(folder: Path) -> str:
    """This install's own key: made on first use, kept in ``folder/secret_key`` (mode 0600).

    Written to a temporary file and linked into place, so two processes starting at once (the
    server and a management command) end up with the same key and never read a half-written one.
    """
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable key: delete it to make a new one.")
    return key


def base_url(host: str, port: str) -> str:
    """The address a browser on this machine uses for a server listening on ``host:port``."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 (listening everywhere: loopback reaches it)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


DEBUG = envbool("DEBUG", False)
DATA_DIR = Path(os.environ.get("SHOWRUNNER_DATA_DIR", BASE_DIR / "var"))

# A local install (no SECRET_KEY given) answers on loopback names only, over plain HTTP, and
# bin/run refuses to listen anywhere else: its key protects nothing a deployment would expose.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
LOCAL = not SECRET_KEY
if LOCAL:
    SECRET_KEY = local_secret_key(DATA_DIR)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ",".join(LOOPBACK_HOSTS) if DEBUG or LOCAL else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated).")
if LOCAL and set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to serve other hosts than loopback: without it Showrunner is a "
        "local install on a key of its own and answers on localhost, 127.0.0.1 and [::1] only."
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_ratelimit",
    "episodes",
    "speakers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "showrunner.middleware.NoStoreForTeamMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "showrunner.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "showrunner.urls"
WSGI_APPLICATION = "showrunner.wsgi.application"

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

# SQLite under var/ by default; DATABASE_URL (postgres://...) selects PostgreSQL.
# Persistent connections matter: without them a one-row view served a tenth of the requests.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH") or str(DATA_DIR / "db.sqlite3"),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "OPTIONS": {
                # Several workers share one file: WAL lets readers run beside the writer, and
                # IMMEDIATE takes the write lock when a transaction starts instead of failing
                # half-way through it.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory: tests of the push stream run a real server process on it.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_NAME") or str(DATA_DIR / "test.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "showrunner.throttle.LoginThrottleBackend",  # django-axes: locked out after failures
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "episodes:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or LOCAL or envbool("SHOWRUNNER_PLAIN_STATIC", False)
            else "showrunner.storage.StaticStorage"
        )
    },
}
# A local install serves static files straight from the source folders, looked up per request:
# no collectstatic, and an edited stylesheet shows at once.
WHITENOISE_USE_FINDERS = DEBUG or LOCAL
WHITENOISE_AUTOREFRESH = DEBUG or LOCAL
# Uploaded photos: served by the app in a local install (no web server in front), by the web
# server from MEDIA_ROOT in a deployment.
SERVE_MEDIA = DEBUG or LOCAL

# Content-Security-Policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS, on by default in a deployment (SECRET_KEY given, DEBUG off): plain HTTP is redirected,
# browsers are told to come back over HTTPS only (HSTS), and cookies travel over HTTPS only.
# A local install serves plain HTTP on loopback. HTTPS=false serves plain HTTP in a deployment
# too (a try-out). Behind a proxy that terminates TLS, set
# TRUST_X_FORWARDED_PROTO=true so a request it forwarded over HTTPS counts as HTTPS (the proxy
# must set X-Forwarded-Proto itself, never pass on the client's), and SECURE_SSL_REDIRECT=false
# if the proxy redirects already.
HTTPS = envbool("HTTPS", not DEBUG and not LOCAL)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = envbool("USE_X_FORWARDED_HOST", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Showrunner <showrunner@localhost>")

# Where guests' links and reminder emails point (emails are sent without a request): the address
# bin/run listens on (HOST, PORT) unless the site's own address is given.
SHOWRUNNER_BASE_URL = os.environ.get("SHOWRUNNER_BASE_URL") or base_url(
    os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
)

# Bounds the ASGI entry enforces (showrunner/limits.py): request bodies, larger for the upload
# forms (a 5 MB photo, a 2 MB import file or 500,000 pasted characters), and live streams open
# at once per link and per client address, in each worker process.
SHOWRUNNER_MAX_REQUEST_BYTES = int(os.environ.get("SHOWRUNNER_MAX_REQUEST_BYTES", "1000000"))
SHOWRUNNER_MAX_UPLOAD_BYTES = int(os.environ.get("SHOWRUNNER_MAX_UPLOAD_BYTES", "8000000"))
SHOWRUNNER_MAX_STREAMS_PER_LINK = int(os.environ.get("SHOWRUNNER_MAX_STREAMS_PER_LINK", "50"))
# How often a live screen tells the server it is open (episodes/screens.py).
SHOWRUNNER_SCREEN_HEARTBEAT_MS = int(os.environ.get("SHOWRUNNER_SCREEN_HEARTBEAT_MS", "10000"))
SHOWRUNNER_MAX_STREAMS_PER_CLIENT = int(os.environ.get("SHOWRUNNER_MAX_STREAMS_PER_CLIENT", "50"))

# A cache shared by every worker process, for the throttles' counters: the database by default
# (its table made by `migrate`), Redis when REDIS_URL (or CACHE_URL) names one.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// address, not {REDIS_URL!r}.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "showrunner.cache.DatabaseCache", "LOCATION": "showrunner_cache"}
    )
}
# django-ratelimit lists only the third-party Redis and memcached caches as supported; Django's
# own Redis cache increments atomically too, and ours is the database cache made atomic
# (showrunner/cache.py).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Throttles (showrunner/throttle.py): wrong guesses per client address in a window, then 429.
SHOWRUNNER_THROTTLE_GUEST_LINKS = os.environ.get("SHOWRUNNER_THROTTLE_GUEST_LINKS", "20/h")
SHOWRUNNER_THROTTLE_CALENDAR_KEYS = os.environ.get("SHOWRUNNER_THROTTLE_CALENDAR_KEYS", "20/h")
SHOWRUNNER_THROTTLE_OVERLAY_KEYS = os.environ.get("SHOWRUNNER_THROTTLE_OVERLAY_KEYS", "20/h")
SHOWRUNNER_THROTTLE_API_TOKENS = os.environ.get("SHOWRUNNER_THROTTLE_API_TOKENS", "20/h")
# Logins (django-axes): a username is locked out from an address after this many failures in a
# row, for AXES_COOLOFF_TIME; a good login resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("SHOWRUNNER_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SHOWRUNNER_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "showrunner.throttle.login_locked_out"
AXES_VERBOSE = False

# Time zone new shows start in when nothing else says (an importer creating a show, say).
SHOWRUNNER_DEFAULT_TIME_ZONE = os.environ.get("SHOWRUNNER_DEFAULT_TIME_ZONE", "UTC")

# Whether anyone with an account may create a show (and become its producer); staff always may.
# On by default for a local install, off for a deployment unless set.
SHOWRUNNER_ANYONE_CREATES_SHOWS = envbool("SHOWRUNNER_ANYONE_CREATES_SHOWS", LOCAL)
# Invitations to a show's team work for this many days.
SHOWRUNNER_INVITATION_DAYS = int(os.environ.get("SHOWRUNNER_INVITATION_DAYS", "7"))
# Throttles on what sends email: password resets and guests asking for their link, counted per
# client address and per email address typed.
SHOWRUNNER_THROTTLE_EMAILS = os.environ.get("SHOWRUNNER_THROTTLE_EMAILS", "5/h")
# The "send me my link" page answers after at least this long, known address or not.
SHOWRUNNER_LINK_REQUEST_SECONDS = float(os.environ.get("SHOWRUNNER_LINK_REQUEST_SECONDS", "1.0"))
# Heavy work (reading imports, decoding photos) runs in worker processes, off the live push:
# showrunner/isolated.py. Per call: a wall-time limit, and memory on top of a worker's own.
ISOLATED_WORKERS = int(os.environ.get("SHOWRUNNER_WORKERS", "2"))
ISOLATED_SECONDS = float(os.environ.get("SHOWRUNNER_WORK_SECONDS", "10"))
ISOLATED_MEGABYTES = int(os.environ.get("SHOWRUNNER_WORK_MEGABYTES", "512"))
