"""Writes to comments: post, edit, remove by the author, import. Each validates as a form would, then writes in one transaction."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from forum.lib import keys, references
from forum.lib.limits import storable_ip
from forum.models import Comment, Post, QuoteMark
from forum.services import notifications
from forum.threads import changes, fragments
from moderation.models import ModerationLogEntry
from moderation.policy import rules_for
from moderation.services.comments import erase_comments
from moderation.services.screening import screen_edit, screen_post, screening_record


class PostingRefused(ValidationError):
    """A post turned down before it was written (closed, banned, too fast); `status` is the HTTP answer.

    `warnings` are moderators' warnings the poster must read and tick before posting.
    """

    def __init__(self, message: str, *, status: int, warnings=()):
        super().__init__(message)
        self.status = status
        self.warnings = warnings


# Any constant will do: it names the PostgreSQL advisory lock that serialises
# new top-level comments, whose tree_id is MAX(tree_id) + 1 across the table.
NEW_TREE_LOCK_KEY = 0x666F72756D  # "forum"


def comment_post(
    *,
    post: Post,
    text: str,
    parent: Comment | None = None,
    author=None,
    author_name: str = "",
    anon_device: str = "",
    removal_key: str = "",
    ip_address: str | None = None,
    poster=None,
    device: str = "",
    acknowledged_warning: int | None = None,
) -> Comment:
    """Post a reader's comment or reply, timed now: published (queueing reply emails), or held.

    `author` posts under a handle; else `author_name` is a typed name, or both are empty for Anonymous, tagged
    per thread from `anon_device`. Only the hash of `removal_key` is kept. Every entry point meets the same checks
    (closed comments, then moderation.services.screening, given the warning the poster ticked as read); a refusal
    raises PostingRefused and is never counted."""
    rules = rules_for(post)
    if rules.is_closed:
        raise PostingRefused(rules.closed_message, status=403)
    comment = _new_comment(
        post=post, parent=parent, author=author, author_name=author_name, anon_device=anon_device, text=text
    )
    device = _keep_poster_keys(comment, removal_key=removal_key, ip_address=ip_address, device=device or anon_device)
    # Validate first: bad input never reaches the database (PostgreSQL refuses NUL, SQLite stores it) nor counts.
    comment.full_clean()
    found = screen_post(
        comment=comment,
        poster=poster or author,
        address=ip_address or "",
        device=device,
        acknowledged_warning=acknowledged_warning,
    )
    if found.refusal:
        raise PostingRefused(found.refusal.message, status=found.refusal.status, warnings=found.refusal.warnings)
    _write_posted(comment, found=found, held=found.holds or rules.holds(author=author, has_links=comment.has_links))
    return comment


def _write_posted(comment: Comment, *, found, held: bool) -> None:
    """One transaction: the comment in its tree, what the checks found, and its reply emails queued."""
    targets = _link_references(comment)
    if held:
        comment.state = Comment.State.PENDING
    with transaction.atomic():
        insert_comment(comment, refers_to=targets)
        QuoteMark.objects.write_for([comment], new=True)
        screening_record(comment=comment, found=found)
        if comment.state == Comment.State.PUBLISHED:
            notifications.comment_published(comment)


def _keep_poster_keys(comment: Comment, *, removal_key: str, ip_address: str | None, device: str) -> str:
    """What lets the author remove the comment and moderators know the poster again; returns the device."""
    comment.removal_key_hash = keys.hash_removal_key(removal_key) if removal_key else ""
    comment.ip_address = storable_ip(ip_address) if ip_address else None
    comment.device_hash = keys.device_hash(device) if device else ""
    return device


def _new_comment(*, post: Post, parent, author, author_name: str, anon_device: str, text: str) -> Comment:
    """The comment as posted now, under a handle, a typed name, or anonymous with this thread's tag."""
    comment = Comment(
        post=post,
        parent=parent,
        author=author,
        created_at=timezone.now(),
        state=Comment.State.PUBLISHED,
    )
    comment.set_author_name(author_name.strip())
    if author is None and not comment.author_name and anon_device:
        comment.anon_fingerprint = keys.anon_fingerprint(post_id=post.pk, device=anon_device)
        comment.anon_tag = _anon_tag_in_thread(post, comment.anon_fingerprint)
    comment.set_text(text)
    return comment


def comment_edit(*, comment: Comment, text: str) -> Comment:
    """Replace a comment's words within the edit window; the comment then shows "edited"."""
    with transaction.atomic():
        # Locked and re-read: the window or the state may have changed since the form opened.
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if current.state not in Comment.EDITABLE_STATES:
            raise ValidationError({"text": "This comment can no longer be edited."})
        if not current.is_in_edit_window():
            raise ValidationError(
                {
                    "text": f"Comments can be edited for {settings.FORUM_EDIT_WINDOW_MINUTES} minutes "
                    "after posting; that time is over. You can still remove it."
                }
            )
        had_links = current.has_links
        current.set_text(text)
        targets = _link_references(current)
        current.edited_at = timezone.now()
        # Adding a link where new links would be held sends the comment back to the queue,
        # or a spammer could post plain words and edit the link in afterwards.
        if (
            current.state == Comment.State.PUBLISHED
            and not had_links
            and current.has_links
            and rules_for(current.post).holds(author=current.author, has_links=True)
        ):
            current.state = Comment.State.PENDING
        current.full_clean()
        found = screen_edit(comment=current)
        if found.refusal:
            raise ValidationError({"text": found.refusal.message})
        if found.holds and current.state == Comment.State.PUBLISHED:
            current.state = Comment.State.PENDING
        shown_before = fragments.affected_by([current.pk])
        current.save(update_fields=["text", "html", "edited_at", "state"])
        current.refers_to.set(targets)
        QuoteMark.objects.write_for([current])
        screening_record(comment=current, found=found, edited=True)
        changes.refresh(shown_before | fragments.affected_by([current.pk]))
    return current


def comment_remove_by_author(*, comment: Comment) -> None:
    """The author takes their words down: erased from the database, replies kept under a tombstone, reports closed."""
    erase_comments(
        comment_ids=[comment.pk],
        state=Comment.State.REMOVED_BY_AUTHOR,
        action=ModerationLogEntry.Action.REMOVE_BY_AUTHOR,
    )


def comment_import(
    *,
    post: Post,
    text: str,
    parent: Comment | None = None,
    state: str = Comment.State.PUBLISHED,
    created_at: datetime | None = None,
) -> Comment:
    """Add an anonymous comment from an imported document, keeping its state and (unknown) time."""
    comment = Comment(post=post, parent=parent, state=state, created_at=created_at)
    comment.set_text(text)
    comment.full_clean()
    with transaction.atomic():
        insert_comment(comment, refers_to=_link_references(comment))
        QuoteMark.objects.write_for([comment], new=True)
    return comment


def comment_text_replace_by_moderator(*, comment: Comment, text: str) -> Comment:
    """A moderator's change to a comment's words (taking out a quote of erased words), outside any edit window.

    The caller locks the comment and logs the change; the comment then shows "edited".
    """
    comment.set_text(text)
    comment.edited_at = timezone.now()
    comment.full_clean()
    shown_before = fragments.affected_by([comment.pk])
    targets = _link_references(comment)
    comment.save(update_fields=["text", "html", "edited_at"])
    comment.refers_to.set(targets)
    QuoteMark.objects.write_for([comment])
    changes.refresh(shown_before | fragments.affected_by([comment.pk]))
    return comment


def _link_references(comment: Comment) -> list[int]:
    """Link the comment's mentions of earlier comments in its thread ("@anon 19:12", "@Anon·K7Q", "@handle").

    Only comments readers could see when it was written are candidates.
    Returns the ids it now refers to.
    """
    if comment.created_at is None or not references.may_mention(comment.html):
        return []
    # Only the comments posted at the minutes named (or under the tags and handles named),
    # found through indexes, however long the thread.
    named = references.named_in(comment.html)
    wanted = Q(posted_minute__in=named.minutes) | Q(anon_tag__in=named.tags)
    for handle in named.handles:
        wanted |= Q(author__handle__iexact=handle)
    rows = (
        Comment.objects.filter(post=comment.post, created_at__lt=comment.created_at)
        .filter(wanted)
        .listed()
        .exclude(pk=comment.pk)
        .oldest_first()
        .values_list("pk", "created_at", "author__handle", "anon_tag")
    )
    comment.html, targets = references.link_references(comment.html, references.EarlierComments.from_rows(rows))
    return targets


def _anon_tag_in_thread(post: Post, fingerprint: str) -> str:
    """The poster's tag in this thread: the one they had, else the shortest prefix nobody else has."""
    earlier = (
        Comment.objects.filter(post=post, anon_fingerprint=fingerprint)
        .exclude(anon_tag="")
        .values_list("anon_tag", flat=True)
        .first()
    )
    if earlier:
        return earlier
    candidates = [fingerprint[:length] for length in range(keys.ANON_TAG_LENGTH, len(fingerprint) + 1)]
    taken = set(Comment.objects.filter(post=post, anon_tag__in=candidates).values_list("anon_tag", flat=True))
    return next(tag for tag in candidates if tag not in taken)


def insert_comment(comment: Comment, *, refers_to: list[int]) -> Comment:
    """Write a comment its caller has validated (full_clean) into its tree."""
    with transaction.atomic():
        _lock_tree_for_insert(comment)
        comment.save()
        if refers_to:
            comment.refers_to.add(*refers_to)
        changes.refresh(fragments.affected_by([comment.pk]))
    return comment


def _lock_tree_for_insert(comment: Comment) -> None:
    """Serialise writers to one comment tree so mptt's lft/rght updates cannot race.

    A reply locks the root row of its own tree (other threads and other trees
    write freely); mptt then re-reads the parent's lft/rght under that lock.
    A new top-level comment takes a table-wide lock, because its tree_id is
    MAX + 1. On SQLite the connection's IMMEDIATE transactions already hold
    the database's single write lock.
    """
    if comment.parent_id is None:
        lock_new_trees()
        return
    if connection.vendor != "postgresql":
        return
    # Read the tree afresh rather than trust the caller's copy of the parent.
    tree_id = Comment.objects.filter(pk=comment.parent_id).values_list("tree_id", flat=True).get()
    list(Comment.objects.select_for_update().filter(tree_id=tree_id, level=0).values_list("pk"))


def lock_new_trees() -> None:
    """Until the transaction ends, no one else starts a comment tree (tree_id is MAX + 1 across the table)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])
