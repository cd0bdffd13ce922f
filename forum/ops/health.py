"""`/healthz` for load balancers: 200 when the database answers ("degraded" when the cache does not), else 503.

Answered by middleware ahead of the rest, so a probe that names the server by
its address (not an allowed host) or over plain HTTP still gets an answer.
It says which part failed and nothing else: no versions, hosts or errors.
"""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse

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


def cache_answers() -> bool:
    key, value = "forum:healthz", uuid.uuid4().hex
    try:
        cache.set(key, value, 10)
        return cache.get(key) == value
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Health check: the cache does not answer.", exc_info=True)
        return False


def health() -> HttpResponse:
    """503 only when the database does not answer: without the cache the site serves on, slower, so the
    instance says "degraded" and stays in the load balancer's pool."""
    database, cache_up = database_answers(), cache_answers()
    status = "unavailable" if not database else "ok" if cache_up else "degraded"
    body = {
        "status": status,
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache_up else "unavailable",
    }
    response = HttpResponse(json.dumps(body), status=503 if not database else 200, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return health()
        return self.get_response(request)
