"""Writes to accounts that touch more than the user row."""

from django.db import transaction

from forum.models import Comment

from .models import User


def account_delete(*, user: User, keep_comments: bool) -> None:
    """Delete a member's account; their comments stay as tombstones or under "[deleted account]"."""
    with transaction.atomic():
        comments = Comment.objects.filter(author=user)
        if keep_comments:
            comments.update(author=None, author_account_deleted=True)
        else:
            comments.exclude(state__in=Comment.GONE_STATES).erase(state=Comment.State.REMOVED_BY_AUTHOR)
        user.delete()
