"""Reads that shape posts and threads for pages."""

from collections.abc import Callable

from .models import Comment, Post


def _nobody(comment: Comment) -> bool:
    return False


def thread_for_readers(
    post: Post,
    *,
    sees_held: Callable[[Comment], bool] = _nobody,
    tree_ids=None,
    newest_first: bool = False,
) -> list[Comment]:
    """Every comment this reader may see under a post (or in `tree_ids`), in tree order, in one query.

    Held comments are left out with their subtrees (a reply under a comment
    readers cannot see would dangle), except those `sees_held` lets through:
    moderators see all, an author their own. Rejected ones are left out for
    everyone. Hidden and removed comments stay as tombstones so their replies
    keep their place.
    """
    comments = []
    skip_below_level = None
    rows = Comment.objects.filter(post=post).select_related("author")
    if tree_ids is not None:
        rows = rows.filter(tree_id__in=tree_ids)
    # Newest first reverses the conversations, not the replies inside one.
    rows = rows.order_by("-tree_id" if newest_first else "tree_id", "lft")
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


def conversation_tree_ids(post: Post, *, newest_first: bool = False) -> list[int]:
    """The tree of each top-level comment under a post, in page order (rejected ones have no place)."""
    return list(
        Comment.objects.filter(post=post, level=0)
        .exclude(state=Comment.State.REJECTED)
        .order_by("-tree_id" if newest_first else "tree_id")
        .values_list("tree_id", flat=True)
    )
