"""Reads that shape posts and threads for pages."""

from collections.abc import Callable

from .models import Comment, Post


def _nobody(comment: Comment) -> bool:
    return False


def thread_for_readers(post: Post, *, sees_held: Callable[[Comment], bool] = _nobody) -> list[Comment]:
    """Every comment this reader may see under a post, in tree order, in one query.

    Held comments are left out with their subtrees (a reply under a comment
    readers cannot see would dangle), except those `sees_held` lets through:
    moderators see all, an author their own. Rejected ones are left out for
    everyone. Hidden and removed comments stay as tombstones so their replies
    keep their place.
    """
    comments = []
    skip_below_level = None
    rows = (
        Comment.objects.filter(post=post)
        .select_related("author")
        .in_thread_order()
    )
    for comment in rows:
        if skip_below_level is not None:
            if comment.level > skip_below_level:
                continue
            skip_below_level = None
        if comment.state in Comment.UNLISTED_STATES and not (
            comment.state == Comment.State.PENDING and sees_held(comment)
        ):
            skip_below_level = comment.level
            continue
        comment.post = post  # spare a query per comment for permalinks
        comments.append(comment)
    return comments
