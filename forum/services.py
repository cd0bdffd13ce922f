"""Writes to posts and comments. Each validates as a form would, then writes in one transaction."""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import Comment, Post

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
) -> Comment:
    """Publish a reader's comment or reply, timed now."""
    comment = Comment(
        post=post,
        parent=parent,
        author=author,
        author_name=author_name.strip(),
        created_at=timezone.now(),
        state=Comment.State.PUBLISHED,
    )
    comment.set_text(text)
    return _insert_comment(comment)


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
    return _insert_comment(comment)


def _insert_comment(comment: Comment) -> Comment:
    # Validate first, so bad input never reaches the database (PostgreSQL would
    # raise DataError on a NUL byte; SQLite would silently store it).
    comment.full_clean()
    with transaction.atomic():
        _lock_tree_for_insert(comment)
        comment.save()
    return comment


def _lock_tree_for_insert(comment: Comment) -> None:
    """Serialise writers to one comment tree so mptt's lft/rght updates cannot race.

    A reply locks the root row of its own tree (other threads and other trees
    write freely); mptt then re-reads the parent's lft/rght under that lock.
    A new top-level comment takes a table-wide lock, because its tree_id is
    MAX + 1. On SQLite the connection's IMMEDIATE transactions already hold
    the database's single write lock.
    """
    if connection.vendor != "postgresql":
        return
    if comment.parent_id is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NEW_TREE_LOCK_KEY])
        return
    # Read the tree afresh rather than trust the caller's copy of the parent.
    tree_id = Comment.objects.filter(pk=comment.parent_id).values_list("tree_id", flat=True).get()
    list(Comment.objects.select_for_update().filter(tree_id=tree_id, level=0).values_list("pk"))
