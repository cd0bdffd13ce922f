"""Deployment checks: what production needs, reported by `manage.py check --deploy` and at start-up.

Each fires only with DEBUG off. Errors stop `manage.py serve`, gunicorn
(gunicorn.conf.py) and `run_worker` before they take any request, instead of
every page answering 500 later.
"""

import sys

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses to read an empty one
        return []
    except ImproperlyConfigured:
        pass
    return [
        checks.Error(
            "DJANGO_SECRET_KEY is not set.",
            hint="Set it to a long random value, the same on every server, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
            id="forum.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def allowed_hosts_are_named(app_configs, **kwargs):
    if settings.DEBUG or settings.ALLOWED_HOSTS_SET:
        return []
    return [
        checks.Error(
            "DJANGO_ALLOWED_HOSTS is not set.",
            hint="Name the host names the site answers to, comma-separated, e.g. forum.example.org.",
            id="forum.E002",
        )
    ]


@checks.register(checks.Tags.staticfiles, deploy=True)
def static_manifest_exists(app_configs, **kwargs):
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    if settings.DEBUG or manifest_name is None or staticfiles_storage.exists(manifest_name):
        return []
    return [
        checks.Error(
            f"The static files' manifest ({settings.STATIC_ROOT}/{manifest_name}) is missing: every page would answer 500.",
            hint="Run `manage.py collectstatic --noinput` with these settings before starting (`make serve` does).",
            id="forum.E003",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The cache ({backend}) is per process: with several server processes every rate limit "
            "multiplies by their number, and a change clears cached pages in one process only.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) on every server.",
            id="forum.W001",
        )
    ]


def refuse_to_start_unless_ready(component: str, *, serves_pages: bool = True) -> None:
    """Print every deployment check's message; exit when any is an error (before serving anything).

    The worker sends mail and purges rows: it needs no static files."""
    messages = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if not message.is_silenced() and (serves_pages or message.id != "forum.E003")
    ]
    for message in messages:
        print(f"{component}: {message}", file=sys.stderr)
    if any(message.is_serious() for message in messages):
        sys.exit(f"{component}: not starting; fix the errors above.")
