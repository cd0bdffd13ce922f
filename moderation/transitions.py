"""The one table of what moderators may do to a comment in which state, and the buttons it offers."""

from dataclasses import dataclass

from forum.models import Comment
from moderation.models import ModerationLogEntry, Report

Action = ModerationLogEntry.Action


State = Comment.State


@dataclass(frozen=True)
class CommentTransition:
    """A moderator's action on a comment: the states it applies to and the state it leaves."""

    verb: str  # the button's label
    from_states: frozenset
    to_state: str | None  # None: the state stays (dismissing reports)
    needs_open_reports: bool = False
    # The state it leaves instead when replies stand under the comment: they keep a tombstone over them.
    to_state_over_replies: str | None = None

    @property
    def report_outcome(self) -> str:
        """What the decision says of the comment's open reports, for their reporters' record."""
        if self.to_state in (State.HIDDEN, *Comment.GONE_STATES):
            return Report.Outcome.AGREED
        return Report.Outcome.DISMISSED

    @property
    def erases(self) -> bool:
        return self.to_state in Comment.GONE_STATES

    def state_for(self, comment: Comment) -> str | None:
        if self.to_state_over_replies and _has_replies_to_keep(comment):
            return self.to_state_over_replies
        return self.to_state


# The one table of what moderators may do to a comment in which state.
COMMENT_TRANSITIONS = {
    Action.APPROVE: CommentTransition("Approve", frozenset({State.PENDING}), State.PUBLISHED),
    Action.REJECT: CommentTransition("Reject", frozenset({State.PENDING}), State.REJECTED),
    Action.HIDE: CommentTransition("Hide", frozenset({State.PUBLISHED}), State.HIDDEN),
    Action.UNHIDE: CommentTransition("Unhide", frozenset({State.HIDDEN}), State.PUBLISHED),
    Action.REMOVE: CommentTransition("Remove", frozenset({State.PUBLISHED, State.HIDDEN}), State.REMOVED_BY_MODERATOR),
    # Spam and worse: no tombstone and nothing in the count, unless replies need one over them.
    Action.PURGE: CommentTransition(
        "Purge",
        frozenset({State.PUBLISHED, State.HIDDEN}),
        State.PURGED,
        to_state_over_replies=State.REMOVED_BY_MODERATOR,
    ),
    Action.DISMISS_REPORTS: CommentTransition(
        "Dismiss reports", frozenset({State.PUBLISHED, State.HIDDEN}), None, needs_open_reports=True
    ),
}


def _has_replies_to_keep(comment: Comment) -> bool:
    """Replies readers see under the comment, or may once they are approved."""
    below = Comment.objects.filter(tree_id=comment.tree_id, lft__gt=comment.lft, rght__lt=comment.rght)
    return below.exclude(state__in={State.REJECTED, State.PURGED}).exists()


def actions_allowed(comment: Comment, *, has_open_reports: bool = False) -> list[tuple[str, str]]:
    """(action, button label) for each moderator action that applies to the comment as it is now."""
    return actions_for_state(comment.state, has_open_reports=has_open_reports)


def actions_for_state(state: str, *, has_open_reports: bool = False) -> list[tuple[str, str]]:
    return [
        (action, transition.verb)
        for action, transition in COMMENT_TRANSITIONS.items()
        if state in transition.from_states and (has_open_reports or not transition.needs_open_reports)
    ]
