"""Which new comments wait for a moderator, and when a thread takes no more."""

from dataclasses import dataclass

from forum.lib.people import can_moderate
from forum.models import CommentPolicy, Post
from moderation.models import ModerationSettings


@dataclass(frozen=True)
class ThreadRules:
    """The policy in force on one post, with the site-wide choices folded in."""

    policy: str
    closed_by_age: bool
    hold_links_from_unregistered: bool

    @property
    def is_closed(self) -> bool:
        return self.policy == CommentPolicy.CLOSED or self.closed_by_age

    @property
    def closed_message(self) -> str:
        if self.policy == CommentPolicy.CLOSED:
            return "Comments are closed on this post."
        return "Comments are closed on this post: it is too old for new ones."

    @property
    def notice(self) -> str:
        """What the comment form tells posters before they write."""
        if self.policy == CommentPolicy.HOLD_ALL:
            return "Every comment on this post waits for a moderator before it appears."
        if self.policy == CommentPolicy.HOLD_UNREGISTERED:
            return "Comments from anonymous and unregistered posters wait for a moderator before they appear."
        if self.hold_links_from_unregistered:
            return "Comments with links wait for a moderator, unless posted under a member's handle."
        return ""

    def holds(self, *, author, has_links: bool) -> bool:
        """Does a comment by `author` (None: anonymous or a typed name) wait for approval?"""
        if author is not None and can_moderate(author):
            return False
        if self.policy == CommentPolicy.HOLD_ALL:
            return True
        if author is not None:
            return False
        return self.policy == CommentPolicy.HOLD_UNREGISTERED or (self.hold_links_from_unregistered and has_links)


def rules_for(post: Post) -> ThreadRules:
    site = ModerationSettings.current()
    return ThreadRules(
        policy=post.comment_policy or site.default_policy,
        closed_by_age=post.comments_closed_by_age,
        hold_links_from_unregistered=site.hold_links_from_unregistered,
    )
