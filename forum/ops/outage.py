"""What a request gets when the database or the cache stops answering: a 503 that keeps the typed text.

Reading goes on without the cache (forum.lib.forgiving_cache); posting waits for it, because its
rate limits count there (forum.lib.limits): "posting is paused for a moment".

Django calls `server_error` (the handler500) for any exception a view or
middleware did not handle, with the exception still current. A lost
connection becomes "try again in a minute", with the words the person sent
shown back to copy; nothing was half-written, because each change runs in one
transaction that the failure rolled back. Other errors keep the plain 500 page.
With no database at all, a thread page kept in the shared cache is still served to
readers without an account (forum.threads.responses.kept_copy_while_away).
"""

import sys

from django.db import InterfaceError, InternalError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.urls import Resolver404, resolve

from forum.lib import primary
from forum.lib.forgiving_cache import is_cache_outage
from forum.threads.responses import kept_copy_while_away

# Form fields that hold someone's own prose (comments, pieces, requests, reports, notes).
PROSE_FIELDS = ("title", "text", "reason", "details", "note")
RETRY_AFTER_SECONDS = 30


# PostgreSQL's "cannot execute INSERT in a read-only transaction" (a standby, or the primary set read-only)
# reaches Django as an InternalError; it is an outage to the poster all the same.
READ_ONLY_SQLSTATE = "25006"


def is_outage(error: BaseException | None) -> bool:
    if isinstance(error, (OperationalError, InterfaceError)) or is_cache_outage(error):
        return True
    return isinstance(error, InternalError) and getattr(error.__cause__, "sqlstate", None) == READ_ONLY_SQLSTATE


def typed_text(request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    try:
        data = request.POST
    except Exception:  # an unreadable body: nothing to give back
        return []
    return [(name, data[name]) for name in PROSE_FIELDS if data.get(name, "").strip()]


def _kept_thread_page(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return kept_copy_while_away(request, match.kwargs["slug"]) if match.view_name == "forum:post_detail" else None


def server_error(request):
    error = sys.exc_info()[1]
    if not is_outage(error):
        return HttpResponseServerError(loader.get_template("500.html").render())
    # Rendered without the request: its context processors would ask the database again.
    retry = request.get_full_path() if request.method == "GET" else None  # a form's address answers only POST
    if not is_cache_outage(error):
        primary.note_away()  # for a few seconds, reads go to a replica (forum.ops.replicas)
        kept = _kept_thread_page(request)
        if kept is not None:
            return kept
    context = {"typed": typed_text(request), "retry": retry, "cache": is_cache_outage(error)}
    html = loader.get_template("503.html").render(context)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
