"""`/healthz` for load balancers: 200 when the database answers ("degraded" when the cache or writes fail),
else 503; `/healthz?for=posting` is 503 unless writes work too.

Answered by middleware ahead of the rest, so a probe that names the server by
its address (not an allowed host) or over plain HTTP still gets an answer.
It says which part failed and nothing else: no versions, hosts or errors.
"""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone

from forum.models import HealthProbe

PATH = "/healthz"
logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        connection.close_if_health_check_failed()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("Health check: the database does not answer.", exc_info=True)
        return False


def database_takes_writes() -> bool:
    """A real write to one row, committed: refused by a read-only database, a standby, a full disk."""
    try:
        with transaction.atomic():
            HealthProbe.objects.update_or_create(pk=1, defaults={"checked_at": timezone.now()})
        return True
    except DatabaseError:
        logger.warning("Health check: the database does not take writes.", exc_info=True)
        return False


def cache_answers() -> bool:
    key, value = "forum:healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        return cache.get(key) == value
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Health check: the cache does not answer.", exc_info=True)
        return False


def health(*, for_posting: bool = False) -> HttpResponse:
    """503 when the database does not answer; otherwise 200, "degraded" when the cache or writes fail, so
    readers keep being served. `?for=posting` answers 503 unless writes work too: point a load balancer's
    check for POST requests (or for the whole instance, where reading alone is no use) there."""
    database = database_answers()
    writes = database and database_takes_writes()
    cache_up = cache_answers()
    status = "unavailable" if not database else "ok" if writes and cache_up else "degraded"
    body = {
        "status": status,
        "database": "ok" if database else "unavailable",
        "writes": "ok" if writes else "unavailable",
        "cache": "ok" if cache_up else "unavailable",
    }
    failing = not database or (for_posting and not writes)
    response = HttpResponse(json.dumps(body), status=503 if failing else 200, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return health(for_posting=request.GET.get("for") == "posting")
        return self.get_response(request)
