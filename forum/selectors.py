"""Reads that shape posts and threads for pages."""

from .models import Comment, Post


def thread_for_readers(post: Post) -> list[Comment]:
    """Every comment readers may see under a post, in tree order, in one query.

    Pending comments are left out with their subtrees (a reply under a comment
    readers cannot see would dangle). Hidden and removed comments stay as
    tombstones so their replies keep their place.
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
        if comment.state == Comment.State.PENDING:
            skip_below_level = comment.level
            continue
        comment.post = post  # spare a query per comment for permalinks
        comments.append(comment)
    return comments
