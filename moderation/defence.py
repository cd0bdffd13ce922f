"""Keeping floods, banned and sanctioned posters out before anything reaches the thread or the queue.

Counts live in Django's cache (forum.lib.limits), so they hold across server
processes only when those share the cache: Redis or Memcached in production.
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.names import name_skeleton
from forum.lib.dates import date_and_time
from forum.lib.limits import LIMITS, Throttle, limit
from moderation.identity import Identity, address_hash
from moderation.models import Ban, PersonLink, Sanction


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int
    # Set when the poster must first read a moderator's warning and tick "I have read this".
    warning: Sanction | None = None


def active_ban_for(*, user, author_name: str, address: str) -> Ban | None:
    subjects = Q()
    if user.is_authenticated:
        subjects |= Q(kind=Ban.Kind.ACCOUNT, user=user)
    if author_name:
        subjects |= Q(kind=Ban.Kind.NAME, name_key=name_skeleton(author_name))
    if address:
        subjects |= Q(kind=Ban.Kind.ADDRESS, address_hash=address_hash(address))
    if not subjects:
        return None
    return Ban.objects.active().filter(subjects).first()


def ban_refusal(*, user, author_name: str, address: str) -> Refusal | None:
    """A ban on whoever is logged in (AnonymousUser if nobody), the typed name or the address."""
    ban = active_ban_for(user=user, author_name=author_name, address=address)
    return Refusal(_ban_message(ban), 403) if ban else None


def rate_limit_refusal(*, user, address: str, device: str) -> Refusal | None:
    """Too many comments lately from this address or poster, or None.

    Only posts from the web (with an address) are counted; a post that is
    allowed is counted here, so call this last, once nothing else refuses it.
    """
    if not address:
        return None
    limits = [(_comments_per_ip(), address)]
    poster = f"user:{user.pk}" if user.is_authenticated else (f"device:{device}" if device else "")
    if poster:
        limits.append((_comments_per_poster(), poster))
    counted = []
    for throttle, subject in limits:
        if not throttle.attempt(subject):
            for taken, taken_subject in counted:
                taken.give_back(taken_subject)
            minutes = LIMITS["comments-ip"][1] // 60
            return Refusal(
                f"You are posting faster than this forum allows. Wait up to {minutes} minutes, then post again; "
                "your text is kept below.",
                429,
            )
        counted.append((throttle, subject))
    return None


@dataclass(frozen=True)
class Standing:
    """The sanctions in force on someone posting now (moderation.models.people)."""

    sanctions: tuple[Sanction, ...] = ()

    def _of_kind(self, kind: str) -> list[Sanction]:
        return [sanction for sanction in self.sanctions if sanction.kind == kind]

    @property
    def hold(self) -> Sanction | None:
        return next(iter(self._of_kind(Sanction.Kind.HOLD)), None)

    def refusal(self, *, acknowledged_warning: int | None) -> Refusal | None:
        """A suspension refuses; an unread warning refuses until the form comes back with it ticked."""
        suspensions = self._of_kind(Sanction.Kind.SUSPENSION)
        if suspensions:
            return Refusal(_suspension_message(suspensions), 403)
        for warning in sorted(self._of_kind(Sanction.Kind.WARNING), key=lambda sanction: sanction.pk):
            if warning.pk != acknowledged_warning:
                return Refusal(
                    "A moderator has sent you a warning. Read it, tick “I have read this”, and post again; "
                    "your text is kept below.",
                    409,
                    warning=warning,
                )
        return None

    def acknowledged(self, acknowledged_warning: int | None) -> Sanction | None:
        return next((s for s in self._of_kind(Sanction.Kind.WARNING) if s.pk == acknowledged_warning), None)


def standing_of(identity: Identity) -> Standing:
    """Every sanction in force on any of the person's links, in one query."""
    if identity.is_empty:
        return Standing()
    # From the person's few links (an index lookup) to their sanctions, never the other way round: a planner
    # that guesses few sanctions are in force would read every one of them and probe the links for each.
    linked = list(
        PersonLink.objects.filter(identity.person_links(), sanction__isnull=False).values_list("sanction_id", flat=True)
    )
    if not linked:
        return Standing()
    return Standing(tuple(Sanction.objects.active().filter(pk__in=linked)))


def _suspension_message(suspensions: list[Sanction]) -> str:
    ends = [sanction.ends_at for sanction in suspensions]
    until = "until a moderator lifts it" if None in ends else f"until {date_and_time(max(ends))}"
    reasons = " ".join(f"The moderators' reason: {sanction.reason}" for sanction in suspensions if sanction.reason)
    return f"You cannot post here {until}: a moderator has suspended you. {reasons} Your text is kept below.".replace(
        "  ", " "
    )


def _ban_message(ban: Ban) -> str:
    until = f"until {date_and_time(ban.expires_at)}" if ban.expires_at else "until a moderator lifts the ban"
    subject = {
        Ban.Kind.ACCOUNT: "your account is banned",
        Ban.Kind.NAME: f"the name “{ban.name_shown}” is banned",
        Ban.Kind.ADDRESS: "posting from your network address is banned",
    }[ban.kind]
    reason = f" The moderators' reason: {ban.reason}" if ban.reason else ""
    return f"You cannot post here {until}: {subject}.{reason} Your text is kept below."


def _comments_per_ip() -> Throttle:
    return limit("comments-ip")


def _comments_per_poster() -> Throttle:
    return limit("comments-poster")
