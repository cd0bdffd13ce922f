"""Where a thread's pages begin: at most FORUM_COMMENTS_PER_PAGE comments each, whatever the conversations' sizes.

Pages are runs of the thread in page order (conversations oldest or newest
first, replies in tree order inside each). A page takes whole conversations
while they fit; a conversation larger than a page is cut into page-sized runs,
each continuing the one before. So the work and the weight of a page are
bounded, and every comment lies on exactly one page, which `page_of` finds for
its permalink. Sizes come from the top-level rows alone (a tree of n comments
has rght = 2n), counting held and rejected comments too: a reader's page may
hold fewer, never more. The rows are read by the caller (forum.models.Post.page_plan).
"""

from bisect import bisect_right
from dataclasses import dataclass

from django.db.models import Q


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


def plan_pages(conversations, *, per_page: int, newest_first: bool, comments_in) -> Plan:
    """Where pages begin, from each conversation's (tree_id, size) in page order.

    `comments_in(tree_id)` gives the lft of every comment of a conversation
    larger than a page, in tree order: it is cut every `per_page` comments.
    """
    starts: list[tuple[int, int]] = []
    filled = per_page  # forces a first page
    for tree_id, size in conversations:
        if filled + size > per_page:
            starts.append((tree_id, 1))
            filled = 0
        if size <= per_page:
            filled += size
            continue
        lfts = comments_in(tree_id)
        starts.extend((tree_id, lft) for lft in lfts[per_page::per_page])
        filled = len(lfts) - per_page * ((len(lfts) - 1) // per_page)
    return Plan(starts=starts, newest_first=newest_first)
