"""The checks every new comment meets before it is written, and the record of what they found.

Bans, sanctions on the person, watched words, heated conversations and the
rate limits, in that order: the rate limits count a post only once nothing
else has refused it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from forum.lib.people import can_moderate
from forum.lib.sanitiser import screenable_text
from forum.models import Comment
from moderation import defence, screening
from moderation.identity import identity_of_comment, identity_of_poster
from moderation.models import ModerationLogEntry, Report, Sanction, ScreeningHit, WatchedWord
from moderation.services.log import log_action
from moderation.transitions import Action

# Reports filed by the watched words' "flag": one per entry per comment, counted as nobody (origin_key empty).
FLAG_REPORTER_PREFIX = "watched-word:"


@dataclass(frozen=True)
class Screening:
    """What the checks decided for one comment about to be written."""

    refusal: defence.Refusal | None = None
    matches: list[screening.Match] = field(default_factory=list)
    hold: Sanction | None = None
    acknowledged: list[Sanction] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.hold is not None or any(match.action == WatchedWord.Action.HOLD for match in self.matches)


def screen_post(*, comment: Comment, poster, address: str, device: str, acknowledged_warning: int | None) -> Screening:
    """Every check on this poster and these words, cheapest first; moderators meet none of them."""
    user = poster or AnonymousUser()
    if can_moderate(user):
        return Screening()
    refusal = defence.ban_refusal(user=user, author_name=comment.author_name, address=address)
    identity = identity_of_poster(user=user, author_name=comment.author_name, device=device, address=address)
    standing = defence.standing_of(identity) if refusal is None else defence.Standing()
    refusal = refusal or standing.refusal(acknowledged_warning=acknowledged_warning)
    refusal, matches = _words_refusal(comment, refusal)
    # Like the rate limits, cooling slows people posting from the web (with an address), not imports or scripts.
    if refusal is None and address:
        heat = screening.heat_of(comment.parent)
        if heat:
            _log_cooling(comment.parent)
            refusal = defence.Refusal(heat.message, 429)
    refusal = refusal or defence.rate_limit_refusal(user=user, address=address, device=device)
    return Screening(refusal, matches, standing.hold, standing.acknowledged(acknowledged_warning))


def screen_edit(*, comment: Comment) -> Screening:
    """An author's edit meets the bans, the sanctions on them and the watched words again."""
    author = comment.author or AnonymousUser()
    if can_moderate(author):
        return Screening()
    address = comment.ip_address or ""
    refusal = defence.ban_refusal(user=author, author_name=comment.author_name, address=address)
    identity = identity_of_comment(comment)
    standing = defence.standing_of(identity) if refusal is None else defence.Standing()
    suspended = standing.refusal(acknowledged_warning=None)
    if suspended and suspended.status == 403:
        refusal = refusal or suspended
    refusal, matches = _words_refusal(comment, refusal)
    return Screening(refusal, matches, standing.hold)


def _words_refusal(comment: Comment, refusal: defence.Refusal | None):
    """(the refusal, if a watched word refuses the comment and nothing refused it before, and every match)."""
    text = screenable_text(comment.html)
    matches = screening.watched_words().matches(text)
    refused_by = screening.refusing(matches)
    if refusal is None and refused_by:
        refusal = defence.Refusal(screening.refusal_message(refused_by, text), 400)
    return refusal, matches


def screening_record(*, comment: Comment, found: Screening, edited: bool = False) -> None:
    """Inside the comment's transaction: why it was held or flagged, the flags' reports, warnings read.

    After an edit, what the old words matched goes (its places no longer fit the text), and flags for
    words no longer there are closed.
    """
    if edited:
        comment.screening_hits.filter(source=ScreeningHit.Source.WATCHED_WORD).delete()
        still = [f"{FLAG_REPORTER_PREFIX}{match.entry_id}" for match in found.matches]
        comment.reports.open().filter(reporter_key__startswith=FLAG_REPORTER_PREFIX).exclude(
            reporter_key__in=still
        ).update(resolved_at=timezone.now())
    ScreeningHit.objects.bulk_create(_hits(comment, found))
    for match in found.matches:
        if match.action == WatchedWord.Action.FLAG:
            report, created = Report.objects.get_or_create(
                comment=comment,
                reporter_key=f"{FLAG_REPORTER_PREFIX}{match.entry_id}",
                defaults={"reason": Report.Reason.OTHER, "details": f"Watched word “{match.phrase}” (flag)."},
            )
            if not created and report.resolved_at:
                Report.objects.filter(pk=report.pk).update(resolved_at=None, resolved_by=None)
    if found.acknowledged:
        Sanction.objects.filter(pk__in=[w.pk for w in found.acknowledged], acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )


def _hits(comment: Comment, found: Screening) -> list[ScreeningHit]:
    hits = [
        ScreeningHit(
            comment=comment,
            source=ScreeningHit.Source.WATCHED_WORD,
            action=match.action,
            watched_word_id=match.entry_id,
            phrase=match.phrase,
            start=match.start,
            end=match.end,
        )
        for match in found.matches
        if match.action in (WatchedWord.Action.HOLD, WatchedWord.Action.FLAG)
    ]
    if found.hold is not None and comment.state == Comment.State.PENDING:
        hits.append(
            ScreeningHit(comment=comment, source=ScreeningHit.Source.PERSON_HOLD, action="hold", sanction=found.hold)
        )
    return hits


def _log_cooling(parent: Comment) -> None:
    """Say on the log that a conversation is cooling, once per window, on the comment that began it."""
    root = Comment.objects.filter(tree_id=parent.tree_id, level=0).first()
    since = timezone.now() - timedelta(minutes=settings.FORUM_HEATED_WINDOW_MINUTES)
    logged = ModerationLogEntry.objects.filter(action=Action.COOL_THREAD, comment=root, created_at__gte=since)
    if root is None or logged.exists():
        return
    with transaction.atomic():
        log_action(
            action=Action.COOL_THREAD,
            comment=root,
            detail=f"Replies wait until the comment they answer is {settings.FORUM_HEATED_WAIT_SECONDS} seconds old",
        )
