"""Writes to accounts that touch more than the user row."""

from django.db import transaction

from forum.models import Comment
from moderation.models import ModerationLogEntry

from .models import User


def account_delete(*, user: User, keep_comments: bool) -> None:
    """Delete a member's account; their comments stay as tombstones or under "[deleted account]"."""
    with transaction.atomic():
        comments = Comment.objects.filter(author=user)
        if keep_comments:
            comments.update(author=None, author_account_deleted=True)
        else:
            erased = list(comments.exclude(state__in=Comment.GONE_STATES).values_list("pk", flat=True))
            Comment.objects.filter(pk__in=erased).erase(state=Comment.State.REMOVED_BY_AUTHOR)
            # The public log shows each as removed by its author, like a single removal.
            ModerationLogEntry.objects.bulk_create(
                ModerationLogEntry(action=ModerationLogEntry.Action.REMOVE_BY_AUTHOR, comment_id=pk)
                for pk in erased
            )
        user.delete()
