"""Every string of a comment's stored markup: the <article> as every reader sees it, its tombstone, its
reference links' tooltips and back-link labels. Raise FRAGMENT_VERSION when one byte of it changes."""

from html import escape

from django.urls import reverse

from forum.lib import references
from forum.models import Comment
from moderation.models import ModerationLogEntry

# Raise when the markup below changes: stored fragments are then rebuilt (manage.py rebuild_fragments,
# or as pages read them). 2: tombstones say which decision and why; tooltips quote plain words.
FRAGMENT_VERSION = 2


def render(
    comment: Comment,
    *,
    describe,
    replied_by: list[Comment],
    for_moderator: bool = False,
    decision: ModerationLogEntry | None = None,
) -> str:
    """One comment's <article> opening, header and words, without the closing tag (forum.threads.assemble adds actions).

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
    parts = [f"<article{state_class}><header>", _header(comment, shows_words=shows_words), "</header>"]
    if shows_words:
        parts.append(references.finish_links(comment.html, describe))
    else:
        parts.append(tombstone_html(comment, decision))
    if replied_by:
        links = ", ".join(f"<a href=#c{reply.pk}>{escape(backlink_label(reply))}</a>" for reply in replied_by)
        parts.append(f"<p class=rb>Replied to by {links}</p>")
    return "".join(parts)


def _header(comment: Comment, *, shows_words: bool) -> str:
    """Who, when (the link to the comment's own page), and what readers should know of its state."""
    parts = [] if comment.is_gone else [_author(comment)]
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
