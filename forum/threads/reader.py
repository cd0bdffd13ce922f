"""Who is looking at a thread, and the rows a page reads: which comments are theirs, what they may see."""

from typing import NamedTuple

from forum.lib import cookies, keys
from forum.lib.people import can_moderate

ROW_FIELDS = (
    "pk", "level", "lft", "rght", "state", "fragment", "fragment_version",
    "author_id", "removal_key_hash", "still_editable",
)  # fmt: skip


class Row(NamedTuple):
    """One comment as a page needs it: its place in the tree, its state, its stored fragment."""

    pk: int
    level: int
    lft: int
    rght: int
    state: str
    fragment: str
    fragment_version: int
    author_id: int | None
    removal_key_hash: str
    still_editable: bool  # by its author: within the edit window (False unless the reader may be its author)


class Reader:
    """Who is looking: what they may see and which comments are theirs."""

    def __init__(self, request):
        self.request = request
        self.user = request.user
        # Read once: request.user is lazy, and every comment asks whether it is theirs.
        self.user_id = request.user.pk if request.user.is_authenticated else None
        self.keys = cookies.removal_keys_from(request)
        self.is_moderator = can_moderate(request.user)
        self.just_posted = cookies.just_posted_from(request)
        self.seen = cookies.seen_from(request)

    def wrote(self, row: Row) -> bool:
        if row.author_id is not None:
            return row.author_id == self.user_id
        return keys.removal_key_matches(self.keys.get(row.pk, ""), row.removal_key_hash)

    def sees_held(self, row: Row) -> bool:
        return self.is_moderator or self.wrote(row)
