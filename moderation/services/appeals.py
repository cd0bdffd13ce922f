"""Appeals: one per decision, filed by whoever was told of it, answered by another moderator in the open log."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.lib.people import MODERATE_COMMENTS
from forum.models import Comment
from moderation.models import Appeal, AuthorNotice, Ban, ModerationLogEntry, Report, Sanction, ScreeningHit
from moderation.policy import rules_for
from moderation.services.bans import ban_lift, hidden_with_note
from moderation.services.comments import comment_moderate
from moderation.services.log import log_action
from moderation.services.notices import recipients_of_notices
from moderation.services.people import sanction_lift
from moderation.transitions import Action

WORDS_CANNOT_COME_BACK = "The words were erased when the decision was taken and cannot come back."
GRANTED = "Appeal granted."


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
    """Uphold or reverse the decision, undoing what can be undone; logged publicly without words, author told.

    An answer about a person (a sanction, a ban) is public only as that it happened: its reason, like the
    sanction's, is for the person alone (their notice)."""
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
        about_person = bool(entry.sanction_id or entry.ban_id)
        log_action(
            action=Action.APPEAL_REVERSED if reverse else Action.APPEAL_UPHELD,
            moderator=moderator,
            comment=entry.comment,
            sanction=entry.sanction,
            ban=entry.ban,
            reason="" if about_person else reason,
            note_to_author=reason if about_person else "",
            detail=undone,
            recipients=recipients_of_notices(entry),
        )
    return current


def _moderators_count() -> int:
    return get_user_model().objects.with_perm(MODERATE_COMMENTS, include_superusers=True).count()


def _reverse(entry: ModerationLogEntry, moderator) -> str:
    """Undo the decision as far as it can be undone; returns what was done, for the log and the author."""
    if entry.comment_id:
        return _reverse_on_comment(entry, moderator)
    if entry.sanction_id:
        sanction = Sanction.objects.get(pk=entry.sanction_id)
        if sanction.is_active:
            sanction_lift(sanction=sanction, moderator=moderator, note=GRANTED)
        approved = _approve_held_only_by(sanction, moderator)
        return "The sanction is lifted." + (f" {approved} held comment(s) approved." if approved else "")
    if entry.ban_id:
        ban = Ban.objects.get(pk=entry.ban_id)
        if ban.is_active:
            ban_lift(ban=ban, moderator=moderator, reason=GRANTED)
        shown = _unhide_hidden_with(ban, moderator)
        return "The ban is lifted." + (f" {shown} comment(s) hidden with it are shown again." if shown else "")
    return ""


def _reverse_on_comment(entry: ModerationLogEntry, moderator) -> str:
    comment = Comment.objects.get(pk=entry.comment_id)
    # The reporters were wrong after all: their record says so (moderation.reporting).
    Report.objects.filter(comment=comment, outcome=Report.Outcome.AGREED).update(outcome=Report.Outcome.DISMISSED)
    if comment.is_gone or entry.action == Action.REMOVE_QUOTE:
        return WORDS_CANNOT_COME_BACK
    latest = ModerationLogEntry.objects.latest_tombstone_decisions([comment.pk]).get(comment.pk)
    if comment.state != Comment.State.HIDDEN:
        return "The comment is already shown."
    if latest is not None and latest.pk != entry.pk:
        return "A later decision hid the comment again; that decision stands."
    comment_moderate(comment=comment, action=Action.UNHIDE, moderator=moderator, reason=GRANTED)
    return "The comment is shown again."


def _approve_held_only_by(sanction: Sanction, moderator) -> int:
    """A hold reversed: the comments it alone held that still wait are approved (not those a watched word or
    the post's policy holds too)."""
    held = (
        Comment.objects.pending()
        .filter(pk__in=ScreeningHit.objects.filter(sanction=sanction).values("comment_id"))
        .exclude(pk__in=ScreeningHit.objects.exclude(sanction=sanction).values("comment_id"))
    )
    approved = 0
    for comment in held.select_related("post", "author"):
        if rules_for(comment.post).holds(author=comment.author, has_links=comment.has_links):
            continue
        comment_moderate(comment=comment, action=Action.APPROVE, moderator=moderator, reason=GRANTED)
        approved += 1
    return approved


def _unhide_hidden_with(ban: Ban, moderator) -> int:
    """A ban reversed: the comments its "hide every comment" hid, and nothing has hidden since, are shown again."""
    note = hidden_with_note(ban)
    hides = ModerationLogEntry.objects.filter(action=Action.HIDE, private_note=note)
    ids = list(hides.values_list("comment_id", flat=True))
    latest = ModerationLogEntry.objects.latest_tombstone_decisions(ids)
    shown = 0
    for comment in Comment.objects.filter(pk__in=ids, state=Comment.State.HIDDEN):
        if latest.get(comment.pk) is not None and latest[comment.pk].private_note == note:
            comment_moderate(comment=comment, action=Action.UNHIDE, moderator=moderator, reason=GRANTED)
            shown += 1
    return shown
