"""Reads for the moderation pages: what waits in the queue, and how much."""

from django.db import connection
from django.db.models import Count, Min, Prefetch, Q, QuerySet

from forum.models import Comment
from moderation.models import Appeal, QuoteFinding, RemovalRequest, Report


def held_comments() -> QuerySet:
    return (
        Comment.objects.pending()
        .select_related("post", "author", "parent__author")
        .prefetch_related("screening_hits")
        .oldest_first()
    )


def _reported() -> QuerySet:
    """Comments readers still see (in words or as hidden) with at least one open report."""
    # From the (few) open reports to their comments, not a look at every comment.
    return Comment.objects.filter(pk__in=Report.objects.open().values("comment_id")).exclude(
        state__in=Comment.GONE_STATES | Comment.UNLISTED_STATES
    )


def reported_comments() -> QuerySet:
    """Reported comments, the longest-reported first, each with its open reports prefetched."""
    open_reports = Q(reports__resolved_at__isnull=True)
    return (
        _reported()
        .annotate(
            open_report_count=Count("reports", filter=open_reports),
            first_reported_at=Min("reports__created_at", filter=open_reports),
        )
        .select_related("post", "author", "parent__author")
        .prefetch_related(Prefetch("reports", queryset=Report.objects.open(), to_attr="open_reports"), "screening_hits")
        .order_by("first_reported_at", "pk")
    )


def open_removal_requests() -> QuerySet:
    return (
        RemovalRequest.objects.open()
        .select_related("comment__post", "comment__author", "section__post", "requested_by")
        .oldest_first()
    )


def open_appeals() -> QuerySet:
    """Appeals waiting for an answer, oldest first, each with its decision, who took it, and what it was about."""
    return (
        Appeal.objects.open()
        .select_related(
            "entry__moderator", "entry__comment__post", "entry__comment__author", "entry__sanction", "entry__ban__user"
        )
        .order_by("created_at", "pk")
    )


def open_quote_findings() -> QuerySet:
    """Comments that quote erased words, oldest first."""
    return (
        QuoteFinding.objects.open()
        .select_related("comment__post", "comment__author", "erased")
        .order_by("created_at", "pk")
    )


def waiting_counts() -> dict[str, int]:
    """How many items wait in each tab of the queue, in one query (every moderator's page shows the total)."""
    tabs = {
        "held": Comment.objects.pending(),
        "reported": _reported(),
        "requests": RemovalRequest.objects.open(),
        "appeals": Appeal.objects.open(),
        "quotes": QuoteFinding.objects.open(),
    }
    selects, params = [], []
    for queryset in tabs.values():
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS waiting)")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        counts = dict(zip(tabs, cursor.fetchone()))
    counts["total"] = sum(counts.values())
    return counts
