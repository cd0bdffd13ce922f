"""Writes to accounts that touch more than the user row."""

from django.db import transaction

from accounts.models import User
from forum.models import Comment
from forum.threads import changes, fragments
from moderation.models import ModerationLogEntry
from moderation.services import notices, people
from moderation.services.comments import erase_comments

DELETED_BY_ADMINISTRATOR_REASON = "The account was deleted by an administrator."


def account_delete(*, user: User, keep_comments: bool, by: User | None = None) -> None:
    """Delete a member's account; their comments stay as tombstones or under "[deleted account]".

    `by` is the administrator deleting someone else's account (the admin):
    that is always the erasure, logged as a moderator's removal with its reason.
    """
    deleted_by_other = by is not None and by.pk != user.pk
    with transaction.atomic():
        comments = Comment.objects.filter(author=user)
        if keep_comments and not deleted_by_other:
            ids = list(comments.values_list("pk", flat=True))
            comments.update(author=None, author_account_deleted=True)
            changes.refresh(fragments.affected_by(ids))
        else:
            erase_comments(
                comment_ids=list(comments.values_list("pk", flat=True)),
                state=Comment.State.REMOVED_BY_MODERATOR if deleted_by_other else Comment.State.REMOVED_BY_AUTHOR,
                action=ModerationLogEntry.Action.REMOVE
                if deleted_by_other
                else ModerationLogEntry.Action.REMOVE_BY_AUTHOR,
                moderator=by if deleted_by_other else None,
                reason=DELETED_BY_ADMINISTRATOR_REASON if deleted_by_other else "",
            )
        people.person_forget_account(user_id=user.pk)
        notices.forget_account(user_id=user.pk)
        user.delete()


def handle_changed(*, user: User) -> None:
    """An administrator renamed a member: their comments, and those showing them, name them anew."""
    with transaction.atomic():
        changes.refresh(fragments.affected_by(Comment.objects.filter(author=user).values_list("pk", flat=True)))
