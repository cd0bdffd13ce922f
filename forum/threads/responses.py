"""Answering with a thread page: ETag and Last-Modified, 304 to a browser that has it, gzip when asked."""

import hashlib
import re
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from forum.lib.inputs import page_number
from forum.threads import assemble, pagecache
from forum.threads.pagecache import CachedPage, store

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def etag_for(stamp: str, request, *, page_key: str, new_state: str) -> str:
    """The page as this browser gets it: what it was built from, its marks, and its CSRF cookie (which the token is valid for)."""
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    digest = hashlib.sha256(f"{page_key}|{stamp}|{new_state}|{csrf_cookie}".encode()).hexdigest()[:20]
    # Weak: the same page gzipped or not is the same representation to a browser.
    return f'W/"{digest}"'


def not_modified(request, *, etag: str, last_modified: datetime):
    """A 304 answer when the browser's copy is this one (and its CSRF cookie is the one its form holds)."""
    if settings.CSRF_COOKIE_NAME not in request.COOKIES:
        return None
    return get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))


def accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def respond(page: CachedPage, key: str, request, *, last_seen: int | None) -> HttpResponse:
    """The shared page for this request, gzipped when the browser takes it (the page reflects nothing it sent)."""
    if not accepts_gzip(request):
        return HttpResponse(page.content_for(request, last_seen=last_seen))
    if page.deflated is None and not page.has_new_for(last_seen):
        store(key, page.with_deflated())
    response = HttpResponse(page.gzip_for(request, last_seen=last_seen))
    response["Content-Encoding"] = "gzip"
    return response


def finish(response, *, etag: str | None = None, last_modified: datetime | None = None) -> None:
    """Headers for a thread page: revalidated on each visit, never stored by shared caches."""
    response["Cache-Control"] = "private, no-cache"
    if etag:
        response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))


def kept_copy_while_away(request, slug: str) -> HttpResponse | None:
    """With no database answering, the thread page last kept in the shared cache, saying posting is paused:
    for a reader without an account (a member's page would not be theirs). None when none is kept."""
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    sort = request.GET.get("sort") if request.GET.get("sort") in assemble.SORT_CHOICES else assemble.OLDEST_FIRST
    page = pagecache.last_copy(slug, sort=sort, page=page_number(request.GET.get("page")))
    if page is None:
        return None
    banner = render_to_string("includes/posting_paused.html")
    response = HttpResponse(page.content_for(request, last_seen=None, paused=banner))
    response["Cache-Control"] = "no-store"
    return response
