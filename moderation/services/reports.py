"""Readers' reports: one per reader per comment; enough weight of reporters (moderation.reporting) hides the comment until a moderator looks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from forum.lib.people import member_or_none
from forum.models import Comment
from forum.threads import changes, fragments
from moderation.models import Report
from moderation.reporting import open_report_weight, report_weight
from moderation.services.log import log_action
from moderation.transitions import Action, State


def report_create(
    *, comment: Comment, reason: str, details: str = "", reporter=None, reporter_key: str, origin_key: str = ""
) -> Report:
    """A reader reports a comment; reports from enough different people hide it until a moderator looks.

    `reporter_key` allows one report per reader (account or browser);
    `origin_key` says who stands behind it for the threshold (account or
    network address), so fresh cookies on one address count once.
    """
    member = member_or_none(reporter)
    origin_key = origin_key or reporter_key
    report = Report(
        comment=comment,
        reason=reason,
        details=details.strip(),
        reporter=member,
        reporter_key=reporter_key,
        origin_key=origin_key,
        weight=report_weight(origin_key=origin_key, is_member=member is not None),
    )
    report.full_clean(exclude=["comment"])
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if current.is_gone or current.state in Comment.UNLISTED_STATES:
            raise ValidationError("This comment is no longer shown, so there is nothing to report.")
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ValidationError("You have already reported this comment. The moderators have it.") from None
        # Each reporter counts by their record (moderation.reporting); flags from watched words not at all.
        weight = open_report_weight(current.pk)
        if current.state == State.PUBLISHED and weight >= settings.FORUM_REPORTS_TO_HIDE:
            Comment.objects.filter(pk=current.pk).update(state=State.HIDDEN)
            log_action(action=Action.HIDE_AFTER_REPORTS, comment=current, detail=f"Reports weighing {weight:g}")
            changes.refresh(fragments.affected_by([current.pk]))
    return report
