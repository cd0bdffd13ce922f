"""Appeals: one per decision, filed by whoever was told of it, answered by another moderator in the open log."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.lib.people import MODERATE_COMMENTS
from forum.models import Comment
from moderation.models import Appeal, AuthorNotice, Ban, ModerationLogEntry, Sanction, ScreeningHit
from moderation.services.bans import ban_lift
from moderation.services.comments import comment_moderate
from moderation.services.log import log_action
from moderation.services.notices import recipient_of_notices
from moderation.services.people import sanction_lift
from moderation.transitions import Action

WORDS_CANNOT_COME_BACK = "The words were erased when the decision was taken and cannot come back."


def appeal_file(*, entry: ModerationLogEntry, text: str) -> Appeal:
    """The author asks for a second look; the caller has checked they were told of this decision."""
    if not entry.is_appealable:
        raise ValidationError("This decision cannot be appealed.")
    appeal = Appeal(entry=entry, text=text.strip())
    appeal.full_clean(exclude=["entry"])
    try:
        with transaction.atomic():
            appeal.save()
            # Answered by appealing: the notice leaves the top of their pages (the standing page keeps it).
            AuthorNotice.objects.filter(entry=entry, dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    except IntegrityError:
        raise ValidationError("This decision has been appealed already: one appeal per decision.") from None
    return appeal


def appeal_answer(*, appeal: Appeal, moderator, reverse: bool, reason: str) -> Appeal:
    """Uphold or reverse the decision, undoing what can be undone; logged publicly without words, author told."""
    with transaction.atomic():
        current = Appeal.objects.select_for_update().select_related("entry").get(pk=appeal.pk)
        if not current.is_open:
            raise ValidationError(f"This appeal is closed already: {current.get_status_display().lower()}.")
        entry = current.entry
        if entry.moderator_id == moderator.pk and _moderators_count() > 1:
            raise ValidationError("You took this decision: another moderator answers its appeal.")
        undone = _reverse(entry, moderator) if reverse else ""
        current.status = Appeal.Status.REVERSED if reverse else Appeal.Status.UPHELD
        current.answered_by, current.answered_at, current.answer = moderator, timezone.now(), reason.strip()
        current.full_clean(exclude=["entry"])
        current.save(update_fields=["status", "answered_by", "answered_at", "answer"])
        log_action(
            action=Action.APPEAL_REVERSED if reverse else Action.APPEAL_UPHELD,
            moderator=moderator,
            comment=entry.comment,
            sanction=entry.sanction,
            ban=entry.ban,
            reason=reason,
            detail=undone,
            recipient=recipient_of_notices(entry),
        )
    return current


def _moderators_count() -> int:
    return get_user_model().objects.with_perm(MODERATE_COMMENTS, include_superusers=True).count()


def _reverse(entry: ModerationLogEntry, moderator) -> str:
    """Undo the decision as far as it can be undone; returns what was done, for the log and the author."""
    why = "Appeal granted."
    if entry.comment_id:
        comment = Comment.objects.get(pk=entry.comment_id)
        if comment.is_gone:
            return WORDS_CANNOT_COME_BACK
        if comment.state == Comment.State.HIDDEN:
            comment_moderate(comment=comment, action=Action.UNHIDE, moderator=moderator, reason=why)
            return "The comment is shown again."
        return "The comment is already shown."
    if entry.sanction_id:
        sanction = Sanction.objects.get(pk=entry.sanction_id)
        if sanction.is_active:
            sanction_lift(sanction=sanction, moderator=moderator, note=why)
        approved = _approve_held_by(sanction, moderator)
        return "The sanction is lifted." + (f" {approved} held comment(s) approved." if approved else "")
    if entry.ban_id:
        ban = Ban.objects.get(pk=entry.ban_id)
        if ban.is_active:
            ban_lift(ban=ban, moderator=moderator, reason=why)
        return "The ban is lifted."
    return ""


def _approve_held_by(sanction: Sanction, moderator) -> int:
    """A hold reversed: the comments it held that still wait are approved."""
    held = Comment.objects.pending().filter(pk__in=ScreeningHit.objects.filter(sanction=sanction).values("comment_id"))
    count = 0
    for comment in held:
        comment_moderate(comment=comment, action=Action.APPROVE, moderator=moderator, reason="Appeal granted.")
        count += 1
    return count
