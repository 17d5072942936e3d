"""Django settings for the academy service, read from the environment.

SQLite in `<ACADEMY_DATA_DIR>/academy.sqlite3` unless `DATABASE_URL` names another database
(PostgreSQL for several workers on several machines). Nothing here needs setting up for a
local run; see docs/api.md and docs/architecture.md for the deployment switches.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import jinja2

from grader.autograde.limits import Limits
from grader.service import sitefiles


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


ACADEMY_ROOT = Path(os.environ.get("ACADEMY_ROOT", Path(__file__).resolve().parents[2])).resolve()
"""Repository root holding courses/ and exercises/ (the catalogue the service grades against)."""
ACADEMY_SITE_DIR = Path(os.environ.get("ACADEMY_SITE_DIR", ACADEMY_ROOT / "site")).resolve()
"""The built static site, served at `/`."""
ACADEMY_DATA_DIR = Path(os.environ.get("ACADEMY_DATA_DIR", ACADEMY_ROOT / "var")).resolve()
"""Where the embedded SQLite database and the generated secret key live."""


def _secret_key() -> str:
    if key := os.environ.get("ACADEMY_SECRET_KEY"):
        return key
    path = ACADEMY_DATA_DIR / "secret_key"
    if not path.exists():
        ACADEMY_DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("ACADEMY_DEBUG")
ALLOWED_HOSTS = os.environ.get("ACADEMY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
HTTPS = _flag("ACADEMY_HTTPS")
"""True behind HTTPS: secure cookies, HSTS and redirects. Off for the local `make serve`."""
if _flag("ACADEMY_TRUST_X_FORWARDED_PROTO"):
    # Behind the council's TLS proxy, which sets X-Forwarded-Proto (and strips it from
    # clients): requests count as HTTPS, so links built from them (the sign-in with
    # Microsoft redirect URI, reset links) start with https://.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "grader.service.apps.AcademyConfig",
]

# Order matters: API errors become JSON whatever layer answered them; security headers wrap
# everything (the static site included), WhiteNoise then
# answers for the site's files before sessions and CSRF, which only service pages need.
MIDDLEWARE = [
    "grader.service.api_errors.ApiErrorMiddleware",
    "grader.service.security.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "grader.service.sitefiles.SiteFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grader.service.security.TokenAuthenticationMiddleware",
    "grader.service.selfstudy.ProgressCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "grader.project.urls"
WSGI_APPLICATION = "grader.project.wsgi.application"
AUTH_USER_MODEL = "academy.User"
# Sign-in throttling (grader/service/signin.py): failures counted over a window, per account
# and per address; over the limit, attempts are refused until the window has passed.
AUTHENTICATION_BACKENDS = ["grader.service.signin.ThrottledModelBackend"]
SIGNIN_WINDOW_MINUTES = int(os.environ.get("ACADEMY_SIGNIN_WINDOW_MINUTES", 15))
SIGNIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("ACADEMY_SIGNIN_MAX_FAILURES", 5))
# 0 turns the per-address limit off: behind a proxy every request has the proxy's address.
SIGNIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("ACADEMY_SIGNIN_MAX_FAILURES_PER_ADDRESS", 50))
LOGIN_URL = "/academy/login/"
LOGIN_REDIRECT_URL = "/academy/"
LOGOUT_REDIRECT_URL = "/academy/login/"

# --- People: sign-in with Microsoft (OpenID Connect), email, invitations --------------------
ACADEMY_BASE_URL = os.environ.get("ACADEMY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
"""The address people use, for links in emails sent without a request (invitations)."""
ACADEMY_CONTACT = os.environ.get("ACADEMY_CONTACT", "the academy team")
"""Whom to ask (a team name, said on pages): about access, erasure and the privacy notice."""
ACADEMY_CONTACT_EMAIL = os.environ.get("ACADEMY_CONTACT_EMAIL", "")
# mozilla-django-oidc does the protocol (grader/service/oidc.py adds discovery from the
# issuer, and the audience, issuer and expiry checks of the ID token). Sign-in with
# Microsoft is offered only when all three are set.
ACADEMY_OIDC_ISSUER = os.environ.get("ACADEMY_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("ACADEMY_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("ACADEMY_OIDC_CLIENT_SECRET", "")
ACADEMY_OIDC_ENABLED = bool(ACADEMY_OIDC_ISSUER and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET)
OIDC_CREATE_USER = _flag("ACADEMY_OIDC_CREATE_USERS")
"""Off: only people already imported into the academy can sign in with Microsoft."""
ACADEMY_OIDC_DIRECTORATE_CLAIM = os.environ.get("ACADEMY_OIDC_DIRECTORATE_CLAIM", "")
ACADEMY_OIDC_SERVICE_CLAIM = os.environ.get("ACADEMY_OIDC_SERVICE_CLAIM", "")
"""Claims naming the person's directorate and service (Entra ID: e.g. `department`)."""
ACADEMY_OIDC_LEEWAY_SECONDS = 60
"""Clock difference allowed when checking an ID token's times."""
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_RP_SCOPES = "openid email profile"
OIDC_TIMEOUT = 15
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/academy/login/refused/"
if ACADEMY_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("grader.service.oidc.AcademyOIDCBackend")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("ACADEMY_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ACADEMY_SMTP_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ACADEMY_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ACADEMY_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _flag("ACADEMY_SMTP_STARTTLS")
EMAIL_USE_SSL = _flag("ACADEMY_SMTP_SSL")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("ACADEMY_EMAIL_FROM", "Camden Data Academy <academy@localhost>")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("ACADEMY_PASSWORD_RESET_HOURS", 24)) * 60 * 60
ACADEMY_INVITATION_DAYS = int(os.environ.get("ACADEMY_INVITATION_DAYS", 7))
"""An invitation link works once, for this many days."""

# --- Retention (grader/service/retention.py, run daily and by `retention --dry-run`) --------
ACADEMY_RETAIN_WORK_DAYS = int(os.environ.get("ACADEMY_RETAIN_WORK_DAYS", 365))
"""Submissions, marks and feedback are deleted this long after the learner leaves their last
cohort (the cohort's end date, or the day they were taken out of it)."""
ACADEMY_RETAIN_ACCESS_LOG_DAYS = int(os.environ.get("ACADEMY_RETAIN_ACCESS_LOG_DAYS", 365))
"""Entries of "who looked at my work" are deleted this long after they were made."""
ACADEMY_SMALL_NUMBER = 10
"""Uptake counts below this are shown as "fewer than 10" (the course's small-numbers rule)."""

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
                "grader.service.context.academy_nav",
            ],
        },
    },
    {
        # Only for the tables of a whole cohort (30,000 cells for 500 learners x 60
        # exercises): Jinja2 renders them about ten times faster than Django's engine.
        # Templates in grader/service/jinja2/; autoescaping on, undefined names are errors.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": True, "undefined": jinja2.StrictUndefined},
    },
]

_default_db = f"sqlite:///{ACADEMY_DATA_DIR / 'academy.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the worker share one file without
    # "database is locked" errors; the test database is a file so that worker processes see it.
    # secure_delete overwrites deleted rows, so an erased person's data is not left in the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA secure_delete=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(ACADEMY_DATA_DIR / "test-academy.sqlite3")}
# Connections are kept, not opened per request or per queue look: django-q2's ORM broker
# closes "old" connections before every poll and every enqueue, and with CONN_MAX_AGE 0 each
# of those reopened the database (and SQLite checkpointed its journal on every close).
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ACADEMY_DB_CONN_MAX_AGE", 600))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/academy/static/"
STATIC_ROOT = ACADEMY_DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_INDEX_FILE = True
WHITENOISE_ALLOW_ALL_ORIGINS = False
WHITENOISE_MIMETYPES = sitefiles.MIMETYPES
# Files whose URL names their content (versioned Pyodide, wheels, hashed JupyterLite code)
# are cached for a year; pages and notebooks keep WhiteNoise's short max-age.
WHITENOISE_IMMUTABLE_FILE_TEST = sitefiles.immutable_file
WHITENOISE_ROOT = ACADEMY_SITE_DIR if ACADEMY_SITE_DIR.is_dir() else None

# --- Sessions, cookies and headers -------------------------------------------------------
SESSION_COOKIE_NAME = "academy_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_NAME = "academy_csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "grader.service.api_errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# The course site puts JupyterLite in a same-origin iframe; nothing else may frame us.
X_FRAME_OPTIONS = "SAMEORIGIN"

# --- Uploads and limits --------------------------------------------------------------------
ACADEMY_MAX_NOTEBOOK_BYTES = int(
    os.environ.get("ACADEMY_MAX_NOTEBOOK_BYTES", Limits().max_file_bytes))
"""Largest notebook a learner may submit: the intake and the grader both use it, through
`grader.service.notebooks.grading_limits()`; the web server refuses bodies over it (plus the
form's own bytes) before reading them."""
FILE_UPLOAD_MAX_MEMORY_SIZE = ACADEMY_MAX_NOTEBOOK_BYTES + 1
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
ACADEMY_RATE_LIMIT = int(os.environ.get("ACADEMY_RATE_LIMIT", 10))
"""Submissions a learner may make per window (stored submissions are counted)."""
ACADEMY_RATE_WINDOW_SECONDS = int(os.environ.get("ACADEMY_RATE_WINDOW_SECONDS", 600))

# --- Progress: the managers' at-risk list (explained on the cohort page) --------------------
ACADEMY_AT_RISK_IDLE_DAYS = int(os.environ.get("ACADEMY_AT_RISK_IDLE_DAYS", 14))
"""A learner who has sent nothing for this many days is at risk."""
ACADEMY_AT_RISK_NEEDS_WORK = int(os.environ.get("ACADEMY_AT_RISK_NEEDS_WORK", 2))
"""A learner with this many exercises or more in the state "needs work" is at risk."""

# --- Grading queue (django-q2) -------------------------------------------------------------
ACADEMY_GRADING_TIMEOUT = int(os.environ.get("ACADEMY_GRADING_TIMEOUT", 300))
"""Seconds a worker may spend on one submission before django-q2 stops it."""
ACADEMY_STALE_AFTER_SECONDS = int(
    os.environ.get("ACADEMY_STALE_AFTER_SECONDS", ACADEMY_GRADING_TIMEOUT + 60)
)
"""A submission grading for longer than this is re-queued (its worker was lost)."""
ACADEMY_WORKERS = int(os.environ.get("ACADEMY_WORKERS", len(os.sched_getaffinity(0))))
"""Grading processes per cluster: one per CPU core by default (each grades one notebook at a
time, with its next kernel starting beside it)."""
ACADEMY_AUTOGRADE = os.environ.get("ACADEMY_AUTOGRADE", "grader.autograde.session.autograde")
"""Dotted path of the grading function: the autograder keeping each worker's next kernel
started (tests of the queue alone may name a fake)."""
ACADEMY_WEB_USER = os.environ.get("ACADEMY_WEB_USER", "academy")
"""The account `grader serve` runs the web server as when started as root (only the grading
workers keep root, which the sandbox needs)."""

Q_CLUSTER = {
    # Machines sharing a queue use the same name (and ACADEMY_SECRET_KEY: tasks are signed).
    "name": os.environ.get("ACADEMY_QUEUE_NAME", "academy"),
    "workers": ACADEMY_WORKERS,
    "timeout": ACADEMY_GRADING_TIMEOUT,
    # A task not acknowledged `retry` seconds after a worker took it is given to another worker:
    # this is what brings back the submission of a worker killed mid-grading.
    "retry": int(os.environ.get("ACADEMY_QUEUE_RETRY", ACADEMY_GRADING_TIMEOUT + 30)),
    "max_attempts": 5,
    "bulk": 1,
    "recycle": 200,
    # Successful task results are not kept: the submission's Grade is the result. Failures
    # are (admin: Failed tasks). Saves a write and a count per task.
    "save_limit": -1,
    "catch_up": False,
    # Seconds between looks at an empty ORM queue (Redis blocks instead): the idle delay
    # before a worker sees a new submission. A look is one indexed query.
    "poll": float(os.environ.get("ACADEMY_QUEUE_POLL", 0.05)),
    "orm": "default",
    "label": "Grading queue",
}
if redis_url := os.environ.get("ACADEMY_REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = redis_url

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "grader": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_q": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
