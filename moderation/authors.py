"""What an author may read about themselves: their notices, and their standing page's record.

An author is whoever the request can prove to be: a member by their session,
an anonymous author by the removal keys this browser holds (or one key
offered in a link, checked by the view), a browser by its device cookie.
Every read here is filtered by those and nothing else, so a standing page
never shows what someone else wrote, reported or was told.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from forum.lib import cookies
from forum.lib.keys import device_hash, hash_removal_key, reader_key
from forum.models import Comment
from moderation.models import AuthorNotice, ModerationLogEntry, RemovalRequest, Report

NOTICES_SHOWN = 5
STANDING_ROWS = 200


@dataclass(frozen=True)
class Author:
    user_id: int | None = None
    key_hashes: tuple[str, ...] = ()
    device_hash: str = ""
    reader_key: str = ""  # their reports' and requests' key (forum.lib.keys.reader_key)
    # Only the one key from a link: the page then shows that key's words and nothing of this browser.
    by_link: bool = field(default=False)

    @property
    def is_nobody(self) -> bool:
        return self.user_id is None and not self.key_hashes and not self.device_hash


def author_of(request) -> Author:
    """Who this request can prove to be, from its session and cookies (and a key a view has checked)."""
    user = request.user
    device = cookies.device_from(request)
    keys = [*cookies.removal_keys_from(request).values(), *getattr(request, "checked_removal_keys", [])]
    return Author(
        user_id=user.pk if user.is_authenticated else None,
        key_hashes=tuple(sorted({hash_removal_key(key) for key in keys})),
        device_hash=device_hash(device) if device else "",
        reader_key=reader_key(user=user, device=device) if user.is_authenticated or device else "",
    )


def author_of_key(key: str) -> Author:
    return Author(key_hashes=(hash_removal_key(key),), by_link=True)


def key_opens_anything(key: str) -> bool:
    """A key opens a standing page when it is some comment's key, or was when a decision was told to it."""
    key_hash = hash_removal_key(key)
    return (
        Comment.objects.filter(removal_key_hash=key_hash).exists()
        or AuthorNotice.objects.filter(key_hash=key_hash).exists()
    )


def key_was_told_about(key: str, *, comment_id: int) -> bool:
    """Was this key's holder told of a decision on this comment (so the erased comment's link still leads somewhere)?"""
    return AuthorNotice.objects.filter(key_hash=hash_removal_key(key), entry__comment_id=comment_id).exists()


def notices_of(author: Author):
    return AuthorNotice.objects.for_author(
        user_id=author.user_id, key_hashes=list(author.key_hashes), device_hash=author.device_hash
    )


def open_notices_for(request) -> list[AuthorNotice]:
    """The notices to show at the top of this request's page, read once per request; none for a stranger."""
    if not hasattr(request, "_open_notices"):
        author = author_of(request)
        request._open_notices = [] if author.is_nobody else _open_notices_of(author)
        # A notice reached through a key in the page's address links on with that key; others do not carry it.
        checked = {hash_removal_key(key): key for key in getattr(request, "checked_removal_keys", [])}
        for notice in request._open_notices:
            notice.opened_by_key = checked.get(notice.key_hash, "")
    return request._open_notices


def _open_notices_of(author: Author) -> list[AuthorNotice]:
    """The newest few (AuthorNotice's own ordering), with what their headlines show."""
    # The ids alone first: most authors have none open, and PostgreSQL takes milliseconds to plan the
    # six-table join below (with fifty keys) where running it takes a tenth of one. Every page they read asks.
    ids = list(notices_of(author).undismissed().values_list("pk", flat=True)[:NOTICES_SHOWN])
    if not ids:
        return []
    return list(
        AuthorNotice.objects.filter(pk__in=ids).select_related(
            "entry__comment__post", "entry__sanction", "entry__ban", "entry__appeal"
        )
    )


@dataclass
class Standing:
    comments: list[Comment]
    notices: list[AuthorNotice]  # every decision told to them, newest first, with its appeal
    removal_requests: list[RemovalRequest]
    reports: list[Report]

    @property
    def person_notices(self) -> list[AuthorNotice]:
        """Decisions about them rather than one comment: warnings, holds, suspensions, bans (and their appeals)."""
        about_them = {
            notice.entry_id: notice
            for notice in reversed(self.notices)  # one per decision, though told to their account and browser
            if (notice.entry.sanction_id or notice.entry.ban_id)
            and notice.entry.action not in ModerationLogEntry.APPEAL_ANSWERS
        }
        return list(reversed(about_them.values()))


def standing_of(author: Author) -> Standing:
    """The author's comments with the decisions on them, the decisions on them as a person, their
    removal requests and their reports, each with its outcome: five queries whatever the size."""
    notices = list(
        notices_of(author)
        .select_related("entry__comment__post", "entry__sanction", "entry__ban", "entry__appeal", "entry__moderator")
        .order_by("-created_at", "-pk")[:STANDING_ROWS]
    )
    decided = {notice.entry.comment_id for notice in notices if notice.entry.comment_id}
    mine = Q(removal_key_hash__in=author.key_hashes) if author.key_hashes else Q(pk__in=[])
    if author.user_id is not None:
        mine |= Q(author_id=author.user_id)
    comments = list(
        Comment.objects.filter(mine | Q(pk__in=decided))
        .exclude(state=Comment.State.REMOVED_BY_AUTHOR)
        .select_related("post", "author")
        .newest_first()[:STANDING_ROWS]
    )
    _attach_decisions(comments, notices)
    return Standing(
        comments=comments,
        notices=notices,
        removal_requests=[] if author.by_link else _requests_of(author),
        reports=[] if author.by_link else _reports_of(author),
    )


def _attach_decisions(comments: list[Comment], notices: list[AuthorNotice]) -> None:
    """Each comment's decisions told to its author, newest first, from the notices read; an appeal's answer
    shows with its appeal, not as a decision of its own."""
    decisions: dict[int, list[ModerationLogEntry]] = {}
    for notice in notices:  # newest first
        entry = notice.entry
        listed = decisions.setdefault(entry.comment_id, [])
        if entry.action not in ModerationLogEntry.APPEAL_ANSWERS and entry not in listed:
            listed.append(entry)
    for comment in comments:
        comment.decisions = decisions.get(comment.pk, [])


def _requests_of(author: Author) -> list[RemovalRequest]:
    who = Q(requester_key=author.reader_key) if author.reader_key else Q(pk__in=[])
    if author.user_id is not None:
        who |= Q(requested_by_id=author.user_id)
    return list(
        RemovalRequest.objects.filter(who)
        .select_related("comment__post", "section__post")
        .order_by("-created_at", "-pk")[:STANDING_ROWS]
    )


def _reports_of(author: Author) -> list[Report]:
    if not author.reader_key:
        return []
    return list(
        Report.objects.filter(reporter_key=author.reader_key)
        .select_related("comment__post")
        .order_by("-created_at", "-pk")[:STANDING_ROWS]
    )
