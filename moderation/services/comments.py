"""Moderators' decisions on comments (the transitions table's verbs), and erase_comments, the one way words leave the site."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.lib.people import member_or_none
from forum.models import Comment
from forum.services import notifications
from forum.threads import changes, fragments
from moderation.models import ModerationLogEntry, Report
from moderation.services.log import log_action
from moderation.transitions import COMMENT_TRANSITIONS


def comment_moderate(*, comment: Comment, action: str, moderator, reason: str = "", note: str = "") -> Comment:
    """Approve, reject, hide, unhide or remove a comment, or dismiss its reports.

    Refuses (ValidationError) an action that does not apply to the comment's
    current state, which is read under a lock: another moderator may have
    acted first. Every action closes the comment's open reports.
    """
    transition = COMMENT_TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(f"“{action}” is not a moderation action.")
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        _refuse_if_not_applicable(current, transition)
        if transition.erases:
            erase_comments(
                comment_ids=[current.pk],
                state=transition.state_for(current),
                action=action,
                moderator=moderator,
                reason=reason,
                note=note,
            )
        else:
            if transition.to_state:
                Comment.objects.filter(pk=current.pk).update(state=transition.to_state)
            resolve_open_reports(comment_ids=[current.pk], moderator=moderator)
            # Logged before the fragments are rebuilt: the tombstone names this decision.
            log_action(action=action, moderator=moderator, comment=current, reason=reason, note=note)
            if transition.to_state:
                changes.refresh(fragments.affected_by([current.pk]))
        current.refresh_from_db()
        if action == ModerationLogEntry.Action.APPROVE:
            notifications.comment_published(current)
    return current


def _refuse_if_not_applicable(current: Comment, transition) -> None:
    """ValidationError when the comment, as it is now, is in no state the action applies to."""
    if current.state not in transition.from_states:
        raise ValidationError(
            f"Comment {current.pk} is {current.get_state_display().lower()}, "
            f"so “{transition.verb}” does not apply to it any more."
        )
    if transition.needs_open_reports and not Report.objects.open().filter(comment=current).exists():
        raise ValidationError(f"Comment {current.pk} has no open reports to dismiss.")


def erase_comments(
    *, comment_ids: list[int], state: str, action: str, moderator=None, reason: str = "", note: str = ""
) -> list[int]:
    """The one way words leave the site: erase the comments still up, close their reports, log each.

    Every removal (by the author, by a moderator, with an account) comes
    through here. Comments already gone are left as they are and not logged
    twice. Returns the ids erased now.
    """
    with transaction.atomic():
        erased, shown_by = erase_and_close_reports(comment_ids, state=state, moderator=moderator)
        if erased:
            entries = [
                ModerationLogEntry(
                    action=action,
                    moderator=member_or_none(moderator),
                    comment_id=pk,
                    reason=reason.strip(),
                    private_note=note.strip(),
                )
                for pk in erased
            ]
            entries[0].full_clean(exclude=["comment"])
            ModerationLogEntry.objects.bulk_create(entries)
            changes.refresh(shown_by)
    return erased


def resolve_open_reports(*, comment_ids: list[int], moderator=None) -> int:
    """Close the open reports on these comments: they were acted on, one way or another."""
    return (
        Report.objects.open()
        .filter(comment_id__in=comment_ids)
        .update(
            resolved_at=timezone.now(),
            resolved_by=member_or_none(moderator),
        )
    )


def erase_and_close_reports(comment_ids: list[int], *, state: str, moderator) -> tuple[list[int], set[int]]:
    """Erase the comments still up and close their reports; returns the ids erased and the comments
    showing them, whose fragments the caller rebuilds once the decision is logged (tombstones name it)."""
    # Locked and re-read, so two removals at once erase and log a comment once.
    live = list(
        Comment.objects.select_for_update()
        .filter(pk__in=comment_ids)
        .exclude(state__in=Comment.GONE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Taken before the erasure drops their links: the comments that show these ones.
    shown_by = fragments.affected_by(live)
    Comment.objects.filter(pk__in=live).erase(state=state)
    resolve_open_reports(comment_ids=live, moderator=moderator)
    return live, shown_by
