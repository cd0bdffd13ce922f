"""Where a thread's pages begin: at most FORUM_COMMENTS_PER_PAGE comments each, whatever the conversations' sizes.

Pages are runs of the thread in page order (conversations oldest or newest
first, replies in tree order inside each). A page takes whole conversations
while they fit; a conversation larger than a page is cut into page-sized runs,
each continuing the one before. So the work and the weight of a page are
bounded, and every comment lies on exactly one page, which `page_of` finds for
its permalink. Sizes come from the top-level rows alone (a tree of n comments
has rght = 2n), counting held and rejected comments too: a reader's page may
hold fewer, never more.
"""

from bisect import bisect_right
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from forum.models import Comment, Post


@dataclass(frozen=True)
class Plan:
    """The first (tree_id, lft) of each page, in page order."""

    starts: list[tuple[int, int]]
    newest_first: bool

    @property
    def page_count(self) -> int:
        return max(1, len(self.starts))

    def _key(self, tree_id: int, lft: int) -> tuple[int, int]:
        # Page order as an ascending key: newest first reverses the conversations only.
        return (-tree_id if self.newest_first else tree_id, lft)

    def page_of(self, tree_id: int, lft: int) -> int:
        keys = [self._key(*start) for start in self.starts]
        return max(1, bisect_right(keys, self._key(tree_id, lft)))

    def rows_on(self, page_number: int) -> Q:
        """The filter for the rows on a page (1-based)."""
        if not self.starts:
            return Q()
        first = self._bound(self.starts[page_number - 1], lower=True)
        if page_number == len(self.starts):
            return first
        return first & self._bound(self.starts[page_number], lower=False)

    def _bound(self, start: tuple[int, int], *, lower: bool) -> Q:
        tree_id, lft = start
        later, earlier = ("lt", "gt") if self.newest_first else ("gt", "lt")
        beyond = later if lower else earlier
        if lft <= 1:  # the page boundary falls between conversations
            lookup = f"tree_id__{beyond}" if not lower else f"tree_id__{beyond}e"
            return Q(**{lookup: tree_id})
        inside = Q(tree_id=tree_id, lft__gte=lft) if lower else Q(tree_id=tree_id, lft__lt=lft)
        return Q(**{f"tree_id__{beyond}": tree_id}) | inside

    def starts_mid_conversation(self, page_number: int) -> bool:
        return bool(self.starts) and self.starts[page_number - 1][1] > 1


def plan_for(post: Post, *, newest_first: bool = False) -> Plan:
    """The pages of a post's thread as it is now (kept in the cache per thread version)."""
    key = _key(post.pk, post.thread_version, newest_first)
    plan = cache.get(key)
    if plan is None:
        plan = _plan(post, newest_first=newest_first)
        cache.set(key, plan, 24 * 60 * 60)
    return plan


def replan(post_id: int, *, thread_version: int) -> Plan:
    """A thread just changed (in this transaction): its pages oldest first, kept for its first reader."""
    plan = _plan(post_id, newest_first=False)
    key = _key(post_id, thread_version, False)
    transaction.on_commit(lambda: cache.set(key, plan, 24 * 60 * 60))
    return plan


def _key(post_id: int, thread_version: int, newest_first: bool) -> str:
    return f"forum:pages:{post_id}:{thread_version}:{int(newest_first)}:{settings.FORUM_COMMENTS_PER_PAGE}"


def _plan(post, *, newest_first: bool) -> Plan:
    per_page = settings.FORUM_COMMENTS_PER_PAGE
    roots = Comment.objects.filter(post=post, level=0).order_by("-tree_id" if newest_first else "tree_id")
    starts: list[tuple[int, int]] = []
    filled = per_page  # forces a first page
    for tree_id, rght in roots.values_list("tree_id", "rght"):
        size = rght // 2
        if filled + size > per_page:
            starts.append((tree_id, 1))
            filled = 0
        if size <= per_page:
            filled += size
            continue
        # A conversation larger than a page: cut it every `per_page` comments in tree order.
        lfts = list(Comment.objects.filter(tree_id=tree_id).order_by("lft").values_list("lft", flat=True))
        starts.extend((tree_id, lft) for lft in lfts[per_page::per_page])
        filled = len(lfts) - per_page * ((len(lfts) - 1) // per_page)
    return Plan(starts=starts, newest_first=newest_first)


def thread_url(comment: Comment) -> str:
    """The comment on its page of the whole thread, oldest first: its permalink.

    A reply nested deeper than a page shows (FORUM_MAX_REPLY_DEPTH) is on the
    page of its ancestor where "continue this thread" leads.
    """
    post = comment.post
    depth = settings.FORUM_MAX_REPLY_DEPTH
    if comment.level > depth:
        shown_under = (
            Comment.objects.filter(tree_id=comment.tree_id, lft__lt=comment.lft, rght__gt=comment.rght)
            .filter(level=(comment.level - 1) // depth * depth)
            .values_list("pk", flat=True)
            .first()
        )
        return f"{reverse('forum:comment_detail', args=[post.slug, shown_under])}#c{comment.pk}"
    return page_url(post, comment.pk, tree_id=comment.tree_id, lft=comment.lft)


def page_url(post: Post, pk: int, *, tree_id: int, lft: int) -> str:
    """The address of the thread page (oldest first) that shows the comment at (tree_id, lft)."""
    page = plan_for(post).page_of(tree_id, lft) if post.page_count > 1 else 1
    return f"{post.get_absolute_url()}{f'?page={page}' if page > 1 else ''}#c{pk}"
