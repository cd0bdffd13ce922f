"""What a change readers can see sets going, in the change's own transaction: the fragments that show the
changed comments are rebuilt, the post's count, latest comment, thread version and page plan are taken
again, and its cached pages are forgotten."""

from collections.abc import Iterable

from django.db.models import Exists, F, Max, OuterRef, Subquery

from forum.models import Comment, Post
from forum.threads import pagecache
from forum.threads.fragments import batches, rebuild


def refresh(comment_ids: Iterable[int]) -> None:
    """Rebuild these comments' fragments and put their threads' changes in force (call inside the change's transaction).

    Pass the result of `affected_by`, taken before a change that drops links
    (an erasure, an edit) and after one that adds them.
    """
    post_ids = set()
    for ids in batches(set(comment_ids)):
        comments = list(Comment.objects.filter(pk__in=ids).select_related("author"))
        rebuild(comments)
        post_ids.update(comment.post_id for comment in comments)
    thread_changed(post_ids)


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
        post.update(page_count=post.only("pk", "thread_version").get().replan().page_count)


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
    pagecache.forget(dict(Post.objects.filter(pk__in=list(post_ids)).values_list("pk", "page_count")))
