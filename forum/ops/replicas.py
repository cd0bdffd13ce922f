"""Reads from PostgreSQL streaming replicas, writes to the primary.

A request may read from a replica when it is a GET or HEAD from a browser with
no session (no member signed in, no message waiting) that has not sent a form
in the last FORUM_PRIMARY_AFTER_WRITE_SECONDS: that browser carries a short
cookie, so whoever just posted, reported or removed something sees it at once
however far a replica lags. Everything else, and anything inside a transaction,
uses the primary. A replica that cannot be reached is left alone for a while
and its readers go to the primary.

When the primary itself cannot be reached, every GET and HEAD (members' too)
reads from a replica and pages say "Posting is paused for a few minutes"
(forum.lib.primary); forms answer 503 with the typed text (forum.ops.outage);
nothing is written on a GET meanwhile (stale fragments are shown, not rebuilt).
"""

import random
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

from forum.lib import primary

PRIMARY = "default"
PRIMARY_COOKIE = "forum_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Seconds a replica that refused a connection is skipped, per server process.
UNREACHABLE_SECONDS = 30

# This request's reads: None for the primary, a replica's alias, or UNDECIDED: a replica may
# be used, and is picked (and reached) at the first read, so a request that reads nothing
# (robots.txt, a redirect) costs no replica connection.
UNDECIDED = "undecided"
_reads_from: ContextVar[str | None] = ContextVar("forum_reads_from", default=None)
_unreachable_until: dict[str, float] = {}


class ReplicaRouter:
    """Reads go where this request's middleware allowed (the primary unless a replica may serve it)."""

    def db_for_read(self, model, **hints):
        alias = _reads_from.get()
        if alias is None or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if alias == UNDECIDED:
            alias = reachable_replica() or PRIMARY
            _reads_from.set(alias)  # for the rest of this request (the middleware resets it)
        return alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def may_read_from_replica(request) -> bool:
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PRIMARY_COOKIE not in request.COOKIES
    )


def reachable_replica() -> str | None:
    """A replica to read from, or None when none answers."""
    now = time.monotonic()
    candidates = [alias for alias in settings.FORUM_REPLICA_ALIASES if _unreachable_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        connection = connections[alias]
        try:
            connection.close_if_health_check_failed()  # a restarted replica: reconnect now, not mid-page
            connection.ensure_connection()
        except DatabaseError:
            _unreachable_until[alias] = now + UNREACHABLE_SECONDS
            continue
        return alias
    return None


def _primary_away_for(request) -> bool:
    """A read the primary would serve, with the primary away and a replica up: the replica serves it."""
    if request.method not in SAFE_METHODS or primary_answers():
        return False
    request.primary_away = True
    return reachable_replica() is not None


def primary_answers() -> bool:
    """Can the primary be reached? Checked with the connection's own health check (once per request
    anyway); a failure is remembered for a few seconds (forum.lib.primary)."""
    if primary.is_away():
        return False
    connection = connections[PRIMARY]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        primary.note_away()
        return False
    return True


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.FORUM_REPLICA_ALIASES:
            return self.get_response(request)
        token = _reads_from.set(UNDECIDED if may_read_from_replica(request) or _primary_away_for(request) else None)
        try:
            response = self.get_response(request)
        finally:
            _reads_from.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.FORUM_PRIMARY_AFTER_WRITE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
