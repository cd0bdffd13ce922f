"""Taking a quote of erased words out of a comment: the rest stays, marked where, and the change is logged."""

from django.core.exceptions import ValidationError
from django.db import transaction

from forum.lib.quotes import without_spans
from forum.models import Comment
from forum.services.comments import comment_text_replace_by_moderator
from moderation.models import QuoteFinding
from moderation.services.log import log_action
from moderation.services.quotes import close, lock_open, text_hash
from moderation.transitions import Action


def quote_remove(*, finding: QuoteFinding, moderator) -> Comment:
    """Take the quoted words out of the comment (the rest stays, marked where), logged; closes the finding."""
    with transaction.atomic():
        current = lock_open(finding)
        comment = Comment.objects.select_for_update().get(pk=current.comment_id)
        if comment.is_gone:
            raise ValidationError("That comment's words are gone already: nothing to take out.")
        if text_hash(comment.text) != current.text_hash:
            raise ValidationError(
                "The comment was edited after the quote was found, so where the quote stands is no longer known. "
                "Read it on its moderation page, and hide or remove it there if it still quotes the removed words."
            )
        comment_text_replace_by_moderator(comment=comment, text=without_spans(comment.text, current.spans))
        close(current, moderator, QuoteFinding.Outcome.REMOVED)
        log_action(
            action=Action.REMOVE_QUOTE,
            moderator=moderator,
            comment=comment,
            detail=f"Quoted words of comment {current.erased_id}",
        )
    return comment
