"""Thread pages for readers with nothing of their own in the thread, built once per thread version.

Most readers of a thread are anonymous and have posted nothing in it: they
all get the same page but for three things, which are kept out of the cached
copy and filled in per request: the CSRF token and the comment form's stamp
(slots replaced by plain string substitution) and the "new since your last
visit" marks (forum.threads.marks.mark_new). The key holds the post's
`thread_version`, which every change readers can see bumps in its own
transaction (forum.threads.fragments), so a stale copy is never served; the rules in
force (a policy change, comments closing with age) and the release's static
files are in the key too.

Answers carry an ETag (and Last-Modified): a browser revalidating an
unchanged page gets 304 without the page being built or sent. Responses are
gzipped only when they hold no secret a reflected input could be compared
against: this page reflects nothing from the request, and its masked CSRF
token changes on every response (Django's BREACH notes); Django's
compress_string also pads each response with random bytes ("Heal the BREACH").
"""

import functools
import gzip
import hashlib
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import compress_string

from forum.lib import cookies, primary
from forum.lib.keys import form_stamp
from forum.models import Comment, SiteSettings, opening_lines
from forum.threads import markup
from forum.threads.marks import CSRF_SLOT, NEW_SINCE_VISIT_SLOT, PAUSED_SLOT, SLOT_MARK, STAMP_SLOT, mark_new
from moderation.authors import open_notices_for

CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class PageHead:
    """What revalidating a cached page needs, kept beside it: a 304 then never fetches the page's 600 KB."""

    stamp: str
    built_at: datetime
    newest_readable_id: int

    def has_new_for(self, last_seen: int | None) -> bool:
        return last_seen is not None and self.newest_readable_id > last_seen


@dataclass
class CachedPage:
    stamp: str  # what the page was built from (stamp_for): any difference and it is built again
    # The page as UTF-8, cut at its slots (the slot names between the pieces), so a request
    # joins it with its own values instead of searching 600 KB for them.
    parts: list
    readable_ids: list[int]
    newest_comment_id: int
    built_at: datetime
    # The same pieces compressed, each on its own (made at the first gzip request): a gzip
    # answer then compresses only the request's token and stamp, not 600 KB of page.
    deflated: list | None = None

    @classmethod
    def of(cls, html: str, *, stamp: str, readable_ids: list[int], newest_comment_id: int) -> "CachedPage":
        pieces = html.split(SLOT_MARK)
        parts = [
            f"{SLOT_MARK}{piece}{SLOT_MARK}" if number % 2 else piece.encode() for number, piece in enumerate(pieces)
        ]
        return cls(stamp, parts, readable_ids, newest_comment_id, now())

    def html(self) -> str:
        return "".join(part if isinstance(part, str) else part.decode() for part in self.parts)

    def has_new_for(self, last_seen: int | None) -> bool:
        return self.head.has_new_for(last_seen)

    @functools.cached_property
    def head(self) -> PageHead:
        return PageHead(self.stamp, self.built_at, max(self.readable_ids, default=0))

    def content_for(self, request, *, last_seen: int | None, paused: str = "") -> bytes:
        """The page for this request: its token, a fresh form stamp, and its new marks (and `paused`, a banner)."""
        values = {CSRF_SLOT: _token(request), STAMP_SLOT: form_stamp(), PAUSED_SLOT: paused}
        if self.has_new_for(last_seen):  # a returning reader after a change: the slow way
            html = mark_new(self.html(), readable_ids=self.readable_ids, last_seen=last_seen)
            for slot, value in values.items():
                html = html.replace(slot, value)
            return html.encode()
        values[NEW_SINCE_VISIT_SLOT] = ""
        return b"".join(
            part.encode() if isinstance(part := values.get(piece, piece), str) else part for piece in self.parts
        )

    def gzip_for(self, request, *, last_seen: int | None) -> bytes:
        """content_for(), gzipped: the kept compressed pieces joined around the request's own.

        One gzip member whose deflate stream is the pieces' streams in a row: each
        piece is compressed alone and ends byte-aligned (a sync flush), so they
        join; a last empty block ends it. The header's file name field is random
        padding, as Django's own compress_string does against BREACH.
        """
        if self.has_new_for(last_seen) or self.deflated is None:
            return compress_string(self.content_for(request, last_seen=last_seen), max_random_bytes=_PADDING)
        values = {
            CSRF_SLOT: _token(request).encode(),
            STAMP_SLOT: form_stamp().encode(),
            NEW_SINCE_VISIT_SLOT: b"",
            PAUSED_SLOT: b"",
        }
        body, crc, size = [], 0, 0
        for piece, deflated in zip(self.parts, self.deflated):
            raw = values[piece] if isinstance(piece, str) else piece
            body.append(_deflate(raw) if isinstance(piece, str) else deflated)
            crc = zlib.crc32(raw, crc)
            size += len(raw)
        padding = b"a" * secrets.randbelow(_PADDING) + b"\x00"
        header = b"\x1f\x8b\x08" + bytes([gzip.FNAME]) + b"\x00\x00\x00\x00\x00\xff" + padding
        return b"".join([header, *body, _FINAL_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)])

    def with_deflated(self) -> "CachedPage":
        self.deflated = [piece if isinstance(piece, str) else _deflate(piece) for piece in self.parts]
        return self


_PADDING = 100  # the most random bytes a gzip answer is padded with (Django's GZipMiddleware's default)
_FINAL_BLOCK = zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)  # an empty last block


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


@functools.cache
def release() -> str:
    """Changes with each release whose pages would differ: the fragment markup and the static files' names."""
    names = f"{markup.FRAGMENT_VERSION}:{static('forum/forum.css')}:{static('forum/thread.js')}"
    return hashlib.sha256(names.encode()).hexdigest()[:12]


def shares_page(reader, post) -> bool:
    """Does this reader (forum.threads.reader.Reader) get the page every reader gets? Not members, not authors of
    anything in it, nor a browser with a message to show or a name to fill in."""
    request = reader.request
    if request.method != "GET" or reader.user_id is not None or reader.just_posted:
        return False
    if primary.is_away():  # its pages say posting is paused: not a copy to keep
        return False
    if cookies.name_from(request) or any(True for _ in get_messages(request)):
        return False
    if reader.keys and Comment.objects.filter(pk__in=reader.keys, post=post).exists():
        return False
    # An author with a notice to read (moderation.authors) sees it at the top of the page.
    return not (reader.keys or cookies.device_from(request)) or not open_notices_for(request)


SORTS = ("oldest", "newest")  # forum.threads.assemble.SORT_CHOICES


def key_for(post_id: int, *, sort: str, page: int) -> str:
    # One entry per page of a thread, whatever it was built from, so a change can delete it:
    # words erased from the thread must not wait in the cache for it to expire.
    return f"forum:thread-page:{post_id}:{sort}:{page}"


def stamp_for(post, *, rules) -> str:
    """Everything a shared page depends on besides its address: any change gives a new stamp."""
    rules_part = f"{rules.policy}:{int(rules.closed_by_age)}:{int(rules.hold_links_from_unregistered)}"
    site_part = SiteSettings.current().stamp  # the site's name is in the page's title
    return f"{release()}:{post.thread_version}:{settings.FORUM_COMMENTS_PER_PAGE}:{rules_part}:{site_part}"


def get(key: str, *, stamp: str) -> CachedPage | None:
    page = _kept_here(key, stamp)
    if page is not None:
        return page
    page = cache.get(key)
    if page is None or page.stamp != stamp:
        return None
    _keep_here(key, page)
    return page


def get_head(key: str, *, stamp: str) -> PageHead | None:
    page = _kept_here(key, stamp)
    if page is not None:
        return page.head
    head = cache.get(_head_key(key))
    return head if head is not None and head.stamp == stamp else None


def store(key: str, page: CachedPage, *, address: tuple[str, str, int] | None = None) -> None:
    """Keep the page under its key (and, when given, which key serves its address, for last_copy())."""
    entries = {key: page, _head_key(key): page.head}
    if address is not None:
        entries[_address_key(*address)] = key
    cache.set_many(entries, CACHE_SECONDS)
    _keep_here(key, page)


def last_copy(slug: str, *, sort: str, page: int) -> CachedPage | None:
    """The shared copy last kept for this address (slug, sort, page), whatever it was built from: for
    readers while no database answers to tell its stamp. A change deletes its thread's copies
    (forget(); a deletion Redis missed is retried, forum.lib.forgiving_cache), so words erased are
    never in one. This process's own copies are not used: a change made elsewhere leaves them here."""
    key = cache.get(_address_key(slug, sort, page))
    return cache.get(key) if key is not None else None


def _address_key(slug: str, sort: str, page: int) -> str:
    return f"forum:thread-page-at:{slug}:{sort}:{page}"


# A page never changes under its stamp, so each server process also keeps the last few it
# served: with the shared cache on another machine (Redis), a reader's visit then moves only
# small entries over the network, not 600 KB of page. A copy is served only when its stamp is
# the one just read from the database, like the shared one; a change drops this process's
# copies of the thread at once and makes the others' stamps stale.
PAGES_KEPT_PER_PROCESS = 16
_pages_here: "OrderedDict[str, CachedPage]" = OrderedDict()
_pages_here_lock = threading.Lock()


def _kept_here(key: str, stamp: str) -> CachedPage | None:
    with _pages_here_lock:
        page = _pages_here.get(key)
        if page is None or page.stamp != stamp:
            return None
        _pages_here.move_to_end(key)
        return page


def _keep_here(key: str, page: CachedPage) -> None:
    with _pages_here_lock:
        _pages_here[key] = page
        _pages_here.move_to_end(key)
        while len(_pages_here) > PAGES_KEPT_PER_PROCESS:
            _pages_here.popitem(last=False)


def forget_kept_here(keys=None) -> None:
    """Drop this process's copies (of these keys, or all): a change, or a test starting afresh."""
    with _pages_here_lock:
        for key in list(_pages_here) if keys is None else keys:
            _pages_here.pop(key, None)


def _head_key(page_key: str) -> str:
    return f"{page_key}:head"


def forget(pages_by_post: dict[int, int]) -> None:
    """Drop the cached pages of these threads (post id -> its page count) once the change is committed.

    The stamp already keeps a stale page from being served; this takes its
    bytes (and any words since erased) out of the cache too.
    """
    keys = [
        key_for(post_id, sort=sort, page=page)
        for post_id, page_count in pages_by_post.items()
        for sort in SORTS
        for page in range(1, page_count + 2)  # one more: the change may have removed a page
    ]
    keys += [_head_key(key) for key in keys]
    keys += [_post_head_key(post_id) for post_id in pages_by_post]
    if keys:
        transaction.on_commit(lambda: (cache.delete_many(keys), forget_kept_here(keys)))


def _token(request) -> str:
    had_cookie = "CSRF_COOKIE" in request.META
    token = get_token(request)
    if had_cookie:
        # get_token() would send the year-long cookie again only to renew it: a page
        # every reader shares answers without setting any cookie it need not.
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return token


class PostHead(NamedTuple):
    html: str  # the post itself: date, title, sections, labels
    description: str  # its opening lines, for the page's meta description


def post_head(post) -> PostHead:
    """The post itself, the same for every reader: rendered once per thread version."""
    key, stamp = _post_head_key(post.pk), f"{release()}:{post.thread_version}"
    kept = cache.get(key)
    if kept is not None and kept[0] == stamp:
        return PostHead(mark_safe(kept[1]), kept[2])
    sections = list(post.sections.all())
    html = render_to_string(
        "forum/_post_head.html", {"post": post, "sections": sections, "labels": list(post.labels.all())}
    )
    description = opening_lines(sections)
    cache.set(key, (stamp, html, description), CACHE_SECONDS)
    return PostHead(mark_safe(html), description)


def _post_head_key(post_id: int) -> str:
    return f"forum:post-head:{post_id}"


def now() -> datetime:
    return timezone.now().replace(microsecond=0)
