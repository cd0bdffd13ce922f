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
from forum.models import Comment
from moderation import defence, screening
from moderation.identity import identity_of_poster
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
    acknowledged: Sanction | None = None

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
    matches = screening.watched_words().matches(comment.text)
    refused_by = screening.refusing(matches)
    if refusal is None and refused_by:
        refusal = defence.Refusal(screening.refusal_message(refused_by, comment.text), 400)
    # Like the rate limits, cooling slows people posting from the web (with an address), not imports or scripts.
    if refusal is None and address:
        heat = screening.heat_of(comment.parent)
        if heat:
            _log_cooling(comment.parent)
            refusal = defence.Refusal(heat.message, 429)
    refusal = refusal or defence.rate_limit_refusal(user=user, address=address, device=device)
    return Screening(refusal, matches, standing.hold, standing.acknowledged(acknowledged_warning))


def screen_edit(*, comment: Comment) -> Screening:
    """An author's edit meets the watched words again: new words can be refused, held or flagged."""
    if comment.author_id and can_moderate(comment.author):
        return Screening()
    matches = screening.watched_words().matches(comment.text)
    refused_by = screening.refusing(matches)
    if refused_by:
        return Screening(defence.Refusal(screening.refusal_message(refused_by, comment.text), 400), matches)
    return Screening(matches=matches)


def screening_record(*, comment: Comment, found: Screening) -> None:
    """Inside the comment's transaction: why it was held or flagged, the flags' reports, a warning read."""
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
    if found.hold is not None:
        hits.append(
            ScreeningHit(comment=comment, source=ScreeningHit.Source.PERSON_HOLD, action="hold", sanction=found.hold)
        )
    ScreeningHit.objects.bulk_create(hits)
    for match in found.matches:
        if match.action == WatchedWord.Action.FLAG:
            Report.objects.get_or_create(
                comment=comment,
                reporter_key=f"{FLAG_REPORTER_PREFIX}{match.entry_id}",
                defaults={"reason": Report.Reason.OTHER, "details": f"Watched word “{match.phrase}” (flag)."},
            )
    if found.acknowledged is not None:
        Sanction.objects.filter(pk=found.acknowledged.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now()
        )


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
