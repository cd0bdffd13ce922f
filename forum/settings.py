"""Settings for the forum, driven by environment variables.

Every variable is listed in README.md. Development defaults are safe to run
on a laptop; production is switched on by setting DJANGO_DEBUG=false, which
then requires a real DJANGO_SECRET_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_optional_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# With DEBUG off an unset key stays empty: Django then refuses to sign anything with it,
# and the system check forum.E001 says what to set (`manage.py check --deploy`, and at start-up).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Production must name its hosts (forum.E002): the development default answers to localhost only.
ALLOWED_HOSTS_SET = bool(os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip())
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "mptt",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "accounts",
    "moderation",
    "forum",
]

MIDDLEWARE = [
    # First: a load balancer's probe is answered before host checks and HTTPS redirects.
    "forum.ops.health.HealthCheckMiddleware",
    # Before anything reads a body: an oversized one, of any encoding, is refused unread.
    "forum.ops.security.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: picks where this request's reads go.
    "forum.ops.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "forum.archives.legacy.LegacyAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "forum.ops.security.SecurityHeadersMiddleware",
]

# The second wall behind the sanitiser: readers' HTML is rendered as stored, so no
# page may run inline script or style, or load anything from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form icons as data: SVGs from its stylesheet. Posts imported from
        # an old blog show their pictures where the blog kept them (only editors' posts carry <img>).
        "img-src": [SELF, "data:", "https:", "http:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "forum.urls"
WSGI_APPLICATION = "forum.wsgi.application"

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
                "forum.web.context_processors.site",
                "moderation.context_processors.moderation_queue",
                "moderation.context_processors.author_notices",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL=postgres://user:pass@host:port/name selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Connections are kept between requests (opening one costs PostgreSQL a process)
        # and checked before reuse, so a restarted database costs one failed check, not an error.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes SQLite's write lock when a transaction begins, so two
    # writers inserting into the same comment tree queue up instead of racing.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # A file, not memory, so the concurrency test's worker processes share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

# PostgreSQL streaming replicas (comma-separated URLs): anonymous readers' GET requests read
# from one of them, everything else uses the primary (forum.ops.replicas). Tests use the primary
# for them (MIRROR) unless a test points a replica at the real standby.
FORUM_REPLICA_ALIASES = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    alias = "replica" if number == 1 else f"replica_{number}"
    DATABASES[alias] = dj_database_url.parse(
        url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    FORUM_REPLICA_ALIASES.append(alias)
DATABASE_ROUTERS = ["forum.ops.replicas.ReplicaRouter"]
# A browser that has just sent a form reads from the primary this long, so a
# replica's lag never hides from people what they have just written.
FORUM_PRIMARY_AFTER_WRITE_SECONDS = int(os.environ.get("FORUM_PRIMARY_AFTER_WRITE_SECONDS", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files (a proxy may serve them from there, or WhiteNoise does).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "forum:post_list"
LOGOUT_REDIRECT_URL = "forum:post_list"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Throttles, rate limits and thread pages live in the cache. The default is per
# process; several server processes must share one: REDIS_URL (or another backend).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Raise when what the cache holds changes shape or module: cached pages and page plans are pickled
# under their classes' module paths, so a release that moves them must never read the last one's.
# 2: the house reorganisation (forum.pagecache -> forum.threads.pagecache, forum.paging -> forum.lib.paging).
CACHE_VERSION = 2
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, whose reads miss and writes are skipped while Redis is away
            # (forum.lib.forgiving_cache): the site keeps serving from the database.
            "BACKEND": "forum.lib.forgiving_cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "forum",
            "VERSION": CACHE_VERSION,
            # A Redis that stops answering costs a request two seconds, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get("DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
            "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "forum"),
            "VERSION": CACHE_VERSION,
        }
    }
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header it sets instead
# (as a META key, e.g. HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP).
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "")

# Mail (password resets): printed to the console unless an SMTP host is set.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "forum@localhost")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
# Errors and warnings go to stderr whatever DEBUG is; Django's default logs
# request errors only by mail to ADMINS when DEBUG is off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    # Replaces Django's own "django" logger, whose console handler is DEBUG-only.
    "loggers": {"django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False}},
}

# Forum behaviour.
FORUM_POSTS_PER_PAGE = int(os.environ.get("FORUM_POSTS_PER_PAGE", "10"))
FORUM_PROFILE_COMMENTS_PER_PAGE = 20
FORUM_EDIT_WINDOW_MINUTES = 15
# Failed logins allowed in a 15-minute window: for one account from one address, and from one address.
# Never per account alone: a stranger could then lock any member out.
FORUM_LOGIN_FAILURES_PER_ACCOUNT = 10
FORUM_LOGIN_FAILURES_PER_IP = 30
# Wrong removal keys allowed per IP in a 15-minute window.
FORUM_REMOVAL_KEY_FAILURES_PER_IP = 10
# Removal requests and password-reset mails per IP per hour.
FORUM_REMOVAL_REQUESTS_PER_IP = 10
FORUM_PASSWORD_RESETS_PER_IP = 5
# New accounts per IP per hour.
FORUM_SIGNUPS_PER_IP = 5

# Moderation.
# Comments close by themselves this many days after a post's publication (unset: never).
FORUM_CLOSE_COMMENTS_AFTER_DAYS = env_optional_int("FORUM_CLOSE_COMMENTS_AFTER_DAYS")
# The summed weight of open reports that hides a comment until a moderator looks: each reporter
# weighs 1 as a member with no record, 0.5 without an account, more or less by their record
# of reports agreed with or dismissed (moderation.reporting has the formula).
FORUM_REPORTS_TO_HIDE = float(os.environ.get("FORUM_REPORTS_TO_HIDE", "3"))
# Reports per IP per hour, and per person (account, else address) per hour.
FORUM_REPORTS_PER_IP = 20
FORUM_REPORTS_PER_PERSON = int(os.environ.get("FORUM_REPORTS_PER_PERSON", "10"))
# Comments per 10 minutes: from one IP (shared by households and offices), and from
# one poster (account, or browser for those without one). Moderators are not limited.
FORUM_COMMENTS_PER_IP = int(os.environ.get("FORUM_COMMENTS_PER_IP", "20"))
FORUM_COMMENTS_PER_POSTER = int(os.environ.get("FORUM_COMMENTS_PER_POSTER", "8"))
# A comment form sent back sooner than this after it was shown is treated as a script's.
FORUM_MIN_FORM_SECONDS = int(os.environ.get("FORUM_MIN_FORM_SECONDS", "3"))
# Comments' IP addresses are dropped after this many days by `manage.py purge_ip_addresses`.
FORUM_IP_RETENTION_DAYS = int(os.environ.get("FORUM_IP_RETENTION_DAYS", "30"))
# The keyed hash of each anonymous poster's browser (moderators' commenter pages) is dropped with the
# addresses, after this many days (default: FORUM_IP_RETENTION_DAYS).
FORUM_IDENTITY_RETENTION_DAYS = int(os.environ.get("FORUM_IDENTITY_RETENTION_DAYS", str(FORUM_IP_RETENTION_DAYS)))
# Watched words: at most this many entries, so every post reads a bounded list.
FORUM_WATCHED_WORDS_MAX = int(os.environ.get("FORUM_WATCHED_WORDS_MAX", "500"))
# Heated conversations cool themselves: in a sub-thread with an open report, or FORUM_HEATED_REPLIES
# comments within FORUM_HEATED_WINDOW_MINUTES, a reply waits until the comment it answers is
# FORUM_HEATED_WAIT_SECONDS old (0 turns this off). Moderators never wait.
FORUM_HEATED_WAIT_SECONDS = int(os.environ.get("FORUM_HEATED_WAIT_SECONDS", "120"))
FORUM_HEATED_REPLIES = int(os.environ.get("FORUM_HEATED_REPLIES", "8"))
FORUM_HEATED_WINDOW_MINUTES = int(os.environ.get("FORUM_HEATED_WINDOW_MINUTES", "15"))
FORUM_QUEUE_PAGE_SIZE = 50
# Long threads: top-level comments (with all their replies) per page, and how
# deep replies nest before "continue this thread" opens a page of their own.
# A thread page holds at most this many comments (forum.lib.paging): whole conversations while they fit.
FORUM_COMMENTS_PER_PAGE = int(os.environ.get("FORUM_COMMENTS_PER_PAGE", "500"))
FORUM_MAX_REPLY_DEPTH = 8
FORUM_FEED_ITEMS = 50
# Reply emails wait this long (the edit window), so they carry final words and skip removed ones.
FORUM_NOTIFICATION_DELAY_MINUTES = int(os.environ.get("FORUM_NOTIFICATION_DELAY_MINUTES", "15"))
# Where links in emails point: emails are sent off the request path, so there is no request to ask.
FORUM_SITE_URL = os.environ.get("FORUM_SITE_URL", "http://127.0.0.1:8000")
# How often `run_worker` looks for due jobs (forum.ops.jobs): reply emails are due every minute.
FORUM_WORKER_POLL_SECONDS = float(os.environ.get("FORUM_WORKER_POLL_SECONDS", "5"))
FORUM_SEARCH_RESULTS_PER_PAGE = 20
FORUM_SUBMISSIONS_PER_IP = 5  # pieces sent to the editors, per hour
FORUM_SEARCH_POST_RESULTS = 10
FORUM_LOG_PAGE_SIZE = 50
