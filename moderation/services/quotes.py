"""Erasure follows the words: comments that quote erased words are found and wait for a moderator.

Taking the quote out is moderation.services.quote_edits (it edits a comment through forum.services).

Found by the fingerprint index (forum.lib.quotes, forum.models.QuoteMark), never by reading every comment:
only the comments sharing a fingerprint with the erased words are read and compared.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.lib.people import member_or_none
from forum.lib.quotes import fingerprints, quoted_spans, repeats_a_run, runs_of
from forum.models import Comment, QuoteMark
from moderation.models import QuoteFinding

# The index is looked up this many fingerprints at a time (SQLite's limit on query parameters).
LOOKUP_BATCH = 500
# A fingerprint this many comments share is a stock phrase, not a quote of anyone: the comments sharing only
# such fingerprints with the erased words are not read. The bound keeps one erasure's cost bounded; below it,
# every quote is found (a text copied 200 times costs 70 ms to search and record, tests/bench_quotes.py).
COMMON_MARK = 1000


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def quotes_find(*, erased_texts: dict[int, str]) -> int:
    """Record each live comment that repeats a run of these erased comments' words; call before their words
    are dropped from memory (the texts are never stored). Returns how many findings were made."""
    marks_of = {pk: fingerprints(text) for pk, text in erased_texts.items() if text}
    sharing = _comments_sharing(marks_of, exclude=list(erased_texts))
    if not sharing:
        return 0
    runs_of_erased = {pk: runs_of(erased_texts[pk]) for pk in marks_of}
    candidates = Comment.objects.filter(pk__in=list(sharing)).exclude(state__in=Comment.GONE_STATES)
    findings = []
    for pk, text in candidates.values_list("pk", "text"):
        for erased_pk, marks in marks_of.items():
            runs = runs_of_erased[erased_pk]
            if marks & sharing[pk] and repeats_a_run(runs, text):
                spans = quoted_spans(erased_texts[erased_pk], text, runs=runs)
                findings.append(
                    QuoteFinding(
                        comment_id=pk,
                        erased_id=erased_pk,
                        spans=[list(span) for span in spans],
                        text_hash=text_hash(text),
                    )
                )
    QuoteFinding.objects.bulk_create(findings, ignore_conflicts=True)
    return len(findings)


def _comments_sharing(marks_of: dict[int, set[int]], *, exclude: list[int]) -> dict[int, set[int]]:
    """comment id -> the erased words' fingerprints it shares, leaving out fingerprints so common that they
    mark a stock phrase (COMMON_MARK comments or more share it), not a quote of anyone."""
    wanted = sorted(set().union(*marks_of.values())) if marks_of else []
    holders: dict[int, list[int]] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        rows = QuoteMark.objects.filter(mark__in=wanted[start : start + LOOKUP_BATCH]).exclude(comment_id__in=exclude)
        for comment_id, mark in rows.values_list("comment_id", "mark"):
            holders.setdefault(mark, []).append(comment_id)
    sharing: dict[int, set[int]] = {}
    for mark, comment_ids in holders.items():
        if len(comment_ids) < COMMON_MARK:
            for comment_id in comment_ids:
                sharing.setdefault(comment_id, set()).add(mark)
    return sharing


def quote_keep(*, finding: QuoteFinding, moderator) -> QuoteFinding:
    """The moderator judges the repeated words may stay (a common phrase, not a quote): close the finding."""
    with transaction.atomic():
        return close(lock_open(finding), moderator, QuoteFinding.Outcome.KEPT)


def lock_open(finding: QuoteFinding) -> QuoteFinding:
    current = QuoteFinding.objects.select_for_update().get(pk=finding.pk)
    if current.resolved_at is not None:
        raise ValidationError("Another moderator has already dealt with this quote.")
    return current


def close(finding: QuoteFinding, moderator, outcome: str) -> QuoteFinding:
    finding.resolved_at, finding.resolved_by, finding.outcome = timezone.now(), moderator, outcome
    finding.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    return finding


def findings_close_on_erased(*, comment_ids: list[int], moderator) -> int:
    """Quoting comments whose own words are now erased: nothing left to take out."""
    return (
        QuoteFinding.objects.open()
        .filter(comment_id__in=comment_ids)
        .update(resolved_at=timezone.now(), resolved_by=member_or_none(moderator), outcome=QuoteFinding.Outcome.GONE)
    )
