"""Moderators' decisions on comments (the transitions table's verbs), and erase_comments, the one way words leave the site."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.lib.people import member_or_none
from forum.models import Comment, QuoteMark
from forum.services import notifications
from forum.threads import changes, fragments
from moderation.models import ModerationLogEntry, Report
from moderation.services import notices, quotes
from moderation.services.log import log_action
from moderation.transitions import COMMENT_TRANSITIONS


def comment_moderate(
    *, comment: Comment, action: str, moderator, reason: str = "", note: str = "", note_to_author: str = ""
) -> Comment:
    """Approve, reject, hide, unhide or remove a comment, or dismiss its reports.

    Refuses (ValidationError) an action that does not apply to the comment's
    current state, which is read under a lock: another moderator may have
    acted first. Every action closes the comment's open reports.
    """
    why = {"reason": reason, "note": note, "note_to_author": note_to_author}
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
                **why,
            )
        else:
            _move(current, transition, action=action, moderator=moderator, why=why)
        current.refresh_from_db()
        if action == ModerationLogEntry.Action.APPROVE:
            notifications.comment_published(current)
    return current


def _move(current: Comment, transition, *, action: str, moderator, why: dict) -> None:
    """A decision that keeps the words: the new state, the reports closed with its verdict, the log row."""
    if transition.to_state:
        Comment.objects.filter(pk=current.pk).update(state=transition.to_state)
    resolve_open_reports(comment_ids=[current.pk], moderator=moderator, outcome=transition.report_outcome)
    # Logged before the fragments are rebuilt: the tombstone names this decision.
    log_action(action=action, moderator=moderator, comment=current, **why)
    if transition.to_state:
        changes.refresh(fragments.affected_by([current.pk]))


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
    *,
    comment_ids: list[int],
    state: str,
    action: str,
    moderator=None,
    reason: str = "",
    note: str = "",
    note_to_author: str = "",
) -> list[int]:
    """The one way words leave the site: erase the comments still up, close their reports, log each.

    Every removal (by the author, by a moderator, with an account) comes
    through here. Comments already gone are left as they are and not logged
    twice. Returns the ids erased now.
    """
    with transaction.atomic():
        erasure = erase_and_close_reports(comment_ids, state=state, moderator=moderator)
        if erasure.erased:
            entries = [
                ModerationLogEntry(
                    action=action,
                    moderator=member_or_none(moderator),
                    comment_id=pk,
                    reason=reason.strip(),
                    private_note=note.strip(),
                    note_to_author=note_to_author.strip(),
                )
                for pk in erasure.erased
            ]
            entries[0].full_clean(exclude=["comment"])
            entries = ModerationLogEntry.objects.bulk_create(entries)
            for entry in entries:
                notices.notify_author(entry, recipients=[erasure.recipients[entry.comment_id]])
            changes.refresh(erasure.shown_by)
    return erasure.erased


def resolve_open_reports(*, comment_ids: list[int], moderator=None, outcome: str = Report.Outcome.NONE) -> int:
    """Close the open reports on these comments: they were acted on, one way or another."""
    return (
        Report.objects.open()
        .filter(comment_id__in=comment_ids)
        .update(resolved_at=timezone.now(), resolved_by=member_or_none(moderator), outcome=outcome)
    )


@dataclass
class Erasure:
    erased: list[int]
    shown_by: set[int]  # the comments showing the erased ones, whose fragments the caller rebuilds
    recipients: dict[int, notices.Recipient]  # who wrote each, read before the erasure took their key


def erase_and_close_reports(comment_ids: list[int], *, state: str, moderator) -> Erasure:
    """Erase the comments still up, close their reports, and offer the comments quoting them to moderators.

    The caller logs the decision, then rebuilds the fragments of `shown_by` (tombstones name it).
    """
    # Locked and re-read, so two removals at once erase and log a comment once.
    live = list(
        Comment.objects.select_for_update()
        .filter(pk__in=comment_ids)
        .exclude(state__in=Comment.GONE_STATES)
        .order_by("pk")
        .only("pk", "author_id", "removal_key_hash", "text")
    )
    erased = [comment.pk for comment in live]
    # Taken before the erasure drops their links: the comments that show these ones.
    shown_by = fragments.affected_by(erased)
    Comment.objects.filter(pk__in=erased).erase(state=state)
    QuoteMark.objects.filter(comment_id__in=erased).delete()
    by_author = state == Comment.State.REMOVED_BY_AUTHOR
    # Taken down because its author asked (or did it): no verdict on the reports, which earns no reporter credit.
    no_verdict = by_author or state == Comment.State.REMOVED_AT_AUTHORS_REQUEST
    outcome = Report.Outcome.NONE if no_verdict else Report.Outcome.AGREED
    resolve_open_reports(comment_ids=erased, moderator=moderator, outcome=outcome)
    notices.forget_words(comment_ids=erased, by_author=by_author)
    quotes.quotes_find(erased_texts={comment.pk: comment.text for comment in live})
    quotes.findings_close_on_erased(comment_ids=erased, moderator=moderator)
    return Erasure(erased, shown_by, {comment.pk: notices.Recipient.of_comment(comment) for comment in live})
