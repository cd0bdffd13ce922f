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
    """Take the quoted words out of the comment (the rest stays, marked where), logged; closes its findings."""
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
        # Every quote of erased words found in this text goes in the one edit: after it, the others' places
        # in the text would no longer be known.
        together = list(
            QuoteFinding.objects.open().select_for_update().filter(comment=comment, text_hash=current.text_hash)
        )
        spans = [span for found in together for span in found.spans]
        comment_text_replace_by_moderator(comment=comment, text=without_spans(comment.text, spans))
        for found in together:
            close(found, moderator, QuoteFinding.Outcome.REMOVED)
        erased = ", ".join(str(pk) for pk in sorted({found.erased_id for found in together}))
        log_action(
            action=Action.REMOVE_QUOTE, moderator=moderator, comment=comment, detail=f"Quoted words of comment {erased}"
        )
    return comment
