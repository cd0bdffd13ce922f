"""Each comment's markup as every reader sees it, written when the comment (or what it shows) changes.

A thread page is then a join of stored fragments (forum.threads.assemble) instead of a
template run per comment. A fragment holds what is the same for every reader:
the author, the time, the words with their links to earlier comments, the
"Replied to by" line, the tombstone. What depends on who is looking (Reply,
Edit, moderator buttons, "new" marks) is added when the page is put together.

A fragment shows other comments too (its back-links name the replies, its
reference links describe their targets), so a change to one comment rebuilds
the fragments of its parent, the comments it names and the comments naming it
(`affected_by`). Every service that changes a comment ends with `refresh`, in
its transaction, which also bumps the post's `thread_version` (the cached
pages' key) and recounts its comments. A fragment older than FRAGMENT_VERSION
(markup changed in a release) is rebuilt the next time a page reads it.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from forum.lib import primary
from forum.models import Comment
from forum.threads.markup import FRAGMENT_VERSION, reference_title, render
from moderation.models import ModerationLogEntry

BATCH = 500


def decisions_for(comments: Iterable[Comment]) -> dict[int, ModerationLogEntry]:
    """The decision behind each of these comments' tombstones (one query, only when some show one)."""
    tombstoned = [c.pk for c in comments if c.state == Comment.State.HIDDEN or c.is_gone]
    return ModerationLogEntry.objects.latest_tombstone_decisions(tombstoned) if tombstoned else {}


def affected_by(comment_ids: Iterable[int]) -> set[int]:
    """The comments whose fragments show these: themselves, their parents, what they name, what names them."""
    shown = set(comment_ids)
    Through = Comment.refers_to.through
    for ids in batches(shown):
        shown.update(
            pk for pk in Comment.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
        )
        pairs = Through.objects.filter(Q(from_comment_id__in=ids) | Q(to_comment_id__in=ids))
        for source, target in pairs.values_list("from_comment_id", "to_comment_id"):
            shown.update((source, target))
    return shown


def batches(ids: set[int], size: int = BATCH) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def rebuild(comments: list[Comment]) -> None:
    """Render and store the fragments of these comments, a few queries for the lot."""
    if comments:
        _store(_rendered(comments))


def _store(rendered: dict[int, str], *, only_stale: bool = False) -> None:
    """Write fragments (id -> markup) at this release's version; `only_stale`: leave rows a newer write reached first."""
    # One prepared UPDATE run for each row: bulk_update's CASE over long texts measured three times slower.
    quote = connection.ops.quote_name
    condition = f" AND {quote('fragment_version')} <> %s" if only_stale else ""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Comment._meta.db_table)} SET {quote('fragment')} = %s, {quote('fragment_version')} = %s "
            f"WHERE {quote('id')} = %s{condition}",
            [
                (fragment, FRAGMENT_VERSION, pk, *((FRAGMENT_VERSION,) if only_stale else ()))
                for pk, fragment in rendered.items()
            ],
        )


def _rendered(comments: list[Comment]) -> dict[int, str]:
    """Each comment's fragment, from what it shows of other comments (its replies, what it names, who names it)."""
    ids = [comment.pk for comment in comments]
    pairs = list(
        Comment.refers_to.through.objects.filter(Q(from_comment_id__in=ids) | Q(to_comment_id__in=ids)).values_list(
            "from_comment_id", "to_comment_id"
        )
    )
    known = _shown_with(comments, others={pk for pair in pairs for pk in pair} - set(ids))
    replied_by = _replied_by(known, pairs)
    decisions = decisions_for(known.values())

    def describe(pk: int, candidates: int):
        target = known.get(pk)
        if target is None or target.state in Comment.UNLISTED_STATES:
            return None
        return f"#c{pk}", reference_title(target, candidates, decisions.get(pk))

    return {
        comment.pk: render(
            comment,
            describe=describe,
            replied_by=[reply for _, reply in sorted(replied_by.get(comment.pk, {}).items())],
            decision=decisions.get(comment.pk),
        )
        for comment in comments
    }


def _shown_with(comments: list[Comment], *, others: set[int]) -> dict[int, Comment]:
    """These comments, their published replies and the other comments they name or are named by, by id."""
    ids = [comment.pk for comment in comments]
    replies = list(
        Comment.objects.filter(parent_id__in=ids, state=Comment.State.PUBLISHED)
        .exclude(pk__in=ids)
        .select_related("author")
    )
    known = {comment.pk: comment for comment in [*comments, *replies]}
    missing = others - known.keys()
    if missing:
        known.update((c.pk, c) for c in Comment.objects.filter(pk__in=missing).select_related("author"))
    return known


def _replied_by(known: dict[int, Comment], pairs) -> dict[int, dict[int, Comment]]:
    """comment id -> the published comments answering it or naming it, by id."""
    replied_by: dict[int, dict[int, Comment]] = {}
    for reply in known.values():
        if reply.parent_id in known and reply.state == Comment.State.PUBLISHED:
            replied_by.setdefault(reply.parent_id, {})[reply.pk] = reply
    for source_id, target_id in pairs:
        source = known.get(source_id)
        if source is not None and source.state == Comment.State.PUBLISHED:
            replied_by.setdefault(target_id, {})[source_id] = source
    return replied_by


def rebuild_stale(comment_ids: list[int]) -> dict[int, str]:
    """Rebuild fragments written by an older release, as a page reads them; returns id -> fragment.

    Each is stored only if it is still stale: a change committed meanwhile has
    already written its own, newer fragment, which a page's read must not undo.
    """
    fresh = _rendered(list(Comment.objects.filter(pk__in=comment_ids).select_related("author")))
    # With the primary away nothing is written on a read: the page shows them, the next read stores them.
    if fresh and not primary.is_away():
        _store(fresh, only_stale=True)
    return fresh
