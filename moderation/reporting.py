"""How much a reader's report counts towards hiding a comment: their record, so a brigade of strangers cannot.

A report's weight, fixed when it is made:

    weight = start + AGREED_STEP × agreed − DISMISSED_STEP × dismissed,  kept within [0, MAX_WEIGHT]

where `start` is MEMBER_START for a member and ANONYMOUS_START without an
account, and `agreed` / `dismissed` count the reporter's earlier reports that
moderators acted on (hid, removed, rejected, granted) or turned down
(dismissed, unhid, approved). The record is kept by account, or by the keyed
hash of the network address (Report.origin_key) for the last
FORUM_IP_RETENTION_DAYS. A comment is hidden until a moderator looks when the
open reports' weights, one per reporter, add up to FORUM_REPORTS_TO_HIDE.
Flags from watched words (no origin) weigh nothing.

With the defaults (3): three members with no record still hide a comment;
three fresh addresses without accounts (0.5 each) do not; six do, and so do
three addresses whose last two reports each were agreed with (1.0 each).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from moderation.models import Report

MEMBER_START = 1.0
ANONYMOUS_START = 0.5
AGREED_STEP = 0.25
DISMISSED_STEP = 0.5
MAX_WEIGHT = 2.0


def report_weight(*, origin_key: str, is_member: bool) -> float:
    """What a new report from this reporter counts, from their record of agreed and dismissed reports."""
    if not origin_key:
        return 0.0
    record = Report.objects.filter(origin_key=origin_key).exclude(outcome=Report.Outcome.NONE)
    if not is_member:
        record = record.filter(created_at__gte=timezone.now() - timedelta(days=settings.FORUM_IP_RETENTION_DAYS))
    counts = record.aggregate(
        agreed=Count("pk", filter=Q(outcome=Report.Outcome.AGREED)),
        dismissed=Count("pk", filter=Q(outcome=Report.Outcome.DISMISSED)),
    )
    start = MEMBER_START if is_member else ANONYMOUS_START
    weight = start + AGREED_STEP * counts["agreed"] - DISMISSED_STEP * counts["dismissed"]
    return round(min(MAX_WEIGHT, max(0.0, weight)), 2)


def open_report_weight(comment_id: int) -> float:
    """The open reports' weight on a comment: each reporter once (their heaviest report), flags not at all."""
    per_reporter = (
        Report.objects.open()
        .filter(comment_id=comment_id)
        .exclude(origin_key="")
        .values("origin_key")
        .annotate(weight=Max("weight"))
    )
    return round(sum(row["weight"] for row in per_reporter), 2)
