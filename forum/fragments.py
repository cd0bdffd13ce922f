"""Each comment's markup as every reader sees it, written when the comment (or what it shows) changes.

A thread page is then a join of stored fragments (forum.thread) instead of a
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
from html import escape

from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.urls import reverse

from forum.lib import references
from forum.models import Comment, Post
from moderation.models import ModerationLogEntry

# Raise when the markup below changes: stored fragments are then rebuilt (manage.py rebuild_fragments,
# or as pages read them). 2: tombstones say which decision and why; tooltips quote plain words.
FRAGMENT_VERSION = 2
BATCH = 500


def render(
    comment: Comment,
    *,
    describe,
    replied_by: list[Comment],
    for_moderator: bool = False,
    decision: ModerationLogEntry | None = None,
) -> str:
    """One comment's <article> opening, header and words, without the closing tag (forum.thread adds actions).

    Lean on purpose (a page holds hundreds): short classes, unquoted
    attributes where HTML allows them, styled by position in forum.css.
    `describe(pk, candidates)` gives (href, title) for a reference link, or
    None when readers cannot see its target. `for_moderator` shows a hidden
    comment's words, marked, instead of its tombstone. `decision` is the
    moderation log's entry that left the tombstone, if any (`decisions_for`).
    """
    shows_words = comment.shows_text or (for_moderator and comment.state == Comment.State.HIDDEN)
    # The article's class tells thread.js what a comment offers: none is a published comment.
    state_class = {
        Comment.State.PUBLISHED: "",
        Comment.State.PENDING: " class=held",
        Comment.State.HIDDEN: ' class="ts hd"',
    }.get(comment.state, " class=ts")
    parts = [f"<article{state_class}><header>"]
    if not comment.is_gone:
        parts.append(_author(comment))
    # The time is how readers name each other ("@anon 19:12"), so it leads; it links to the comment's
    # own page (forum.css styles it by that address: no class to repeat a thousand times).
    when = f"<b>{comment.posted_time_label}</b> {comment.posted_date_label}" if comment.posted_at else "permalink"
    parts.append(f" <a href={reverse('forum:comment_permalink', args=[comment.pk])}>{when}</a>")
    if comment.edited_at and comment.shows_text:
        parts.append(" <i>edited</i>")
    if comment.is_pending:
        parts.append(' <span class="badge text-bg-warning">awaiting moderation</span>')
    if shows_words and not comment.shows_text:
        parts.append(' <span class="badge text-bg-secondary">hidden from readers</span>')
    parts.append("</header>")
    if shows_words:
        parts.append(references.finish_links(comment.html, describe))
    else:
        parts.append(tombstone_html(comment, decision))
    if replied_by:
        links = ", ".join(f"<a href=#c{reply.pk}>{escape(backlink_label(reply))}</a>" for reply in replied_by)
        parts.append(f"<p class=rb>Replied to by {links}</p>")
    return "".join(parts)


def _author(comment: Comment) -> str:
    kind = comment.author_kind
    label = escape(comment.author_label)
    if kind == "member":
        return (
            f"<a class=am href={comment.author.get_absolute_url()}>{label}</a>"  # a handle's characters need no quotes
        )
    if kind == "name":
        # "not registered" follows a typed name from forum.css (::after), once in the stylesheet.
        if comment.author_url:
            return f'<a class=an href="{escape(comment.author_url)}" rel="nofollow ugc noopener">{label}</a>'
        return f"<b class=an>{label}</b>"
    return f"<b class={'ad' if kind == 'deleted' else 'aa'}>{label}</b>"


def tombstone_text(comment: Comment, decision: ModerationLogEntry | None) -> str:
    """What readers read where a comment's words were: what happened, and the public reason given.

    The decision on the log says more than the state: an automatic hide is the
    readers' reports, not a moderator. Never the moderators' private note."""
    text = (decision.tombstone_text if decision else "") or comment.tombstone_text
    if decision is not None and decision.reason and decision.explains_tombstone:
        reason = decision.reason if decision.reason.endswith((".", "!", "?", "…")) else f"{decision.reason}."
        text = f"{text} Reason: {reason}"
    return text


def tombstone_html(comment: Comment, decision: ModerationLogEntry | None) -> str:
    """The tombstone, with a link to the decision's entry in the public log when someone decided."""
    text = escape(tombstone_text(comment, decision))
    if decision is not None and decision.explains_tombstone:
        text += f" <a href={reverse('moderation:log_entry', args=[decision.pk])}>In the moderation log</a>"
    return f"<p class=ts>{text}</p>"


def decisions_for(comments: Iterable[Comment]) -> dict[int, ModerationLogEntry]:
    """The decision behind each of these comments' tombstones (one query, only when some show one)."""
    tombstoned = [c.pk for c in comments if c.state == Comment.State.HIDDEN or c.is_gone]
    return ModerationLogEntry.objects.latest_tombstone_decisions(tombstoned) if tombstoned else {}


def reference_title(target: Comment, candidates: int, decision: ModerationLogEntry | None = None) -> str:
    """The tooltip of a link to a comment: who, when and the first words, never words readers cannot see."""
    when = f" at {target.posted_time_label}" if target.posted_at else ""
    if target.shows_text and not target.is_pending:
        summary = f"{target.author_label}{when}: “{target.first_words}”"
    else:
        summary = f"A comment{when}: {tombstone_text(target, decision)}"
    if candidates > 1:
        return f"The latest of {candidates} earlier comments posted{when}. {summary}"
    return summary


def backlink_label(comment: Comment) -> str:
    return f"{comment.author_label} {comment.posted_time_label}".strip()


def affected_by(comment_ids: Iterable[int]) -> set[int]:
    """The comments whose fragments show these: themselves, their parents, what they name, what names them."""
    shown = set(comment_ids)
    Through = Comment.refers_to.through
    for ids in _batches(shown):
        shown.update(
            pk for pk in Comment.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
        )
        pairs = Through.objects.filter(Q(from_comment_id__in=ids) | Q(to_comment_id__in=ids))
        for source, target in pairs.values_list("from_comment_id", "to_comment_id"):
            shown.update((source, target))
    return shown


def _batches(ids: set[int], size: int = BATCH) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def refresh(comment_ids: Iterable[int]) -> None:
    """Rebuild these comments' fragments and put their threads' changes in force (call inside the change's transaction).

    Pass the result of `affected_by`, taken before a change that drops links
    (an erasure, an edit) and after one that adds them.
    """
    post_ids = set()
    for ids in _batches(set(comment_ids)):
        comments = list(Comment.objects.filter(pk__in=ids).select_related("author"))
        rebuild(comments)
        post_ids.update(comment.post_id for comment in comments)
    thread_changed(post_ids)


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
    Through = Comment.refers_to.through
    pairs = list(
        Through.objects.filter(Q(from_comment_id__in=ids) | Q(to_comment_id__in=ids)).values_list(
            "from_comment_id", "to_comment_id"
        )
    )
    others = {pk for pair in pairs for pk in pair} - set(ids)
    replies = list(
        Comment.objects.filter(parent_id__in=ids, state=Comment.State.PUBLISHED)
        .exclude(pk__in=ids)
        .select_related("author")
    )
    known = {comment.pk: comment for comment in [*comments, *replies]}
    missing = others - known.keys()
    if missing:
        known.update((c.pk, c) for c in Comment.objects.filter(pk__in=missing).select_related("author"))

    replied_by: dict[int, dict[int, Comment]] = {}
    for reply in known.values():
        if reply.parent_id in known and reply.state == Comment.State.PUBLISHED:
            replied_by.setdefault(reply.parent_id, {})[reply.pk] = reply
    for source_id, target_id in pairs:
        source = known.get(source_id)
        if source is not None and source.state == Comment.State.PUBLISHED:
            replied_by.setdefault(target_id, {})[source_id] = source

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


def rebuild_stale(comment_ids: list[int]) -> dict[int, str]:
    """Rebuild fragments written by an older release, as a page reads them; returns id -> fragment.

    Each is stored only if it is still stale: a change committed meanwhile has
    already written its own, newer fragment, which a page's read must not undo.
    """
    fresh = _rendered(list(Comment.objects.filter(pk__in=comment_ids).select_related("author")))
    if fresh:
        _store(fresh, only_stale=True)
    return fresh


def thread_changed(post_ids: Iterable[int]) -> None:
    """Something readers see on these posts changed: cached pages go stale, and the count is taken again."""
    _forget_pages(post_ids)
    for post_id in post_ids:
        post = Post.objects.filter(pk=post_id)
        post.update(
            thread_version=F("thread_version") + 1,
            comment_count=shown_count(post_id),
            latest_comment_at=Subquery(latest_comment_time_query(post_id)),
        )
        plan = Post(pk=post_id).replan(thread_version=post.values_list("thread_version", flat=True).get())
        post.update(page_count=plan.page_count)


def shown_count(post_id: int) -> int:
    """The comments a reader sees under a post, tombstones included: listed, and under no held or rejected comment."""
    listed = Comment.objects.filter(post_id=post_id).exclude(state__in=Comment.UNLISTED_STATES)
    under_unlisted = Comment.objects.filter(
        tree_id=OuterRef("tree_id"),
        lft__lt=OuterRef("lft"),
        rght__gt=OuterRef("rght"),
        state__in=Comment.UNLISTED_STATES,
    )
    return listed.exclude(Exists(under_unlisted)).count()


def latest_comment_time_query(post_id: int):
    """A one-value query: when the newest comment readers can read under a post was posted (the home
    page's "latest activity")."""
    published = Comment.objects.filter(post_id=post_id, state=Comment.State.PUBLISHED).order_by()
    return published.values("post_id").annotate(newest=Max("created_at")).values("newest")


def posts_changed(posts) -> None:
    """A post's own words, labels or policy changed: its cached pages go stale (no comment changed)."""
    _forget_pages(posts.values_list("pk", flat=True))
    posts.update(thread_version=F("thread_version") + 1)


def _forget_pages(post_ids) -> None:
    from forum import pagecache  # here: pagecache reads FRAGMENT_VERSION from this module

    pagecache.forget(dict(Post.objects.filter(pk__in=list(post_ids)).values_list("pk", "page_count")))
