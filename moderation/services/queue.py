"""One action on several queue items, each in its own transaction, so one decided meanwhile does not undo the rest."""

from django.core.exceptions import ValidationError

from forum.models import Comment
from moderation.models import RemovalRequest
from moderation.services.comments import comment_moderate
from moderation.services.requests import removal_request_decline, removal_request_grant
from moderation.transitions import Action

# The queue's actions on removal requests, beside COMMENT_TRANSITIONS for comments.
REQUEST_DECISIONS = {
    Action.GRANT_REMOVAL_REQUEST: removal_request_grant,
    Action.DECLINE_REMOVAL_REQUEST: removal_request_decline,
}


def queue_decide(
    *, items: str, action: str, ids: list[int], moderator, reason: str = "", note: str = "", note_to_author: str = ""
) -> tuple[list[int], list[str]]:
    """Apply one action to several queue items ("comments" or "requests"), each in its own transaction.

    Returns the ids done and a message for each one refused, so one item
    decided meanwhile by another moderator does not undo the rest.
    """
    done, refusals = [], []
    for pk in ids:
        try:
            if items == "requests":
                decide = REQUEST_DECISIONS.get(action)
                if decide is None:
                    raise ValidationError(f"“{action}” is not a decision on a removal request.")
                decide(
                    request=RemovalRequest.objects.get(pk=pk),
                    moderator=moderator,
                    reason=reason,
                    note=note,
                    note_to_author=note_to_author,
                )
            else:
                comment_moderate(
                    comment=Comment.objects.get(pk=pk),
                    action=action,
                    moderator=moderator,
                    reason=reason,
                    note=note,
                    note_to_author=note_to_author,
                )
        except (Comment.DoesNotExist, RemovalRequest.DoesNotExist):
            refusals.append(f"Item {pk} no longer exists.")
        except ValidationError as error:
            refusals.append(" ".join(error.messages))
        else:
            done.append(pk)
    return done, refusals
