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
    # Set when the poster must first read moderators' warnings and tick "I have read this".
    warnings: tuple[Sanction, ...] = ()


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


# Links that are this one person's own; a network address or a typed name may be someone else's too.
PERSONAL_LINKS = frozenset({PersonLink.Kind.ACCOUNT.value, PersonLink.Kind.DEVICE.value})


@dataclass(frozen=True)
class Standing:
    """The sanctions in force on someone posting now (moderation.models.people).

    `personal` holds those found by the poster's account or browser. Only those
    show their reason, and only those warn: anyone on a shared network, or typing
    the same name, is held or suspended with the person, but never reads what the
    moderators wrote to them, nor clears a warning meant for them.
    """

    sanctions: tuple[Sanction, ...] = ()
    personal: frozenset[int] = frozenset()

    def _of_kind(self, kind: str) -> list[Sanction]:
        return [sanction for sanction in self.sanctions if sanction.kind == kind]

    @property
    def hold(self) -> Sanction | None:
        return next(iter(self._of_kind(Sanction.Kind.HOLD)), None)

    @property
    def warnings(self) -> list[Sanction]:
        return sorted((w for w in self._of_kind(Sanction.Kind.WARNING) if w.pk in self.personal), key=lambda w: w.pk)

    def refusal(self, *, acknowledged_warning: int | None) -> Refusal | None:
        """A suspension refuses; unread warnings refuse, all shown at once, until the form comes back ticked.

        The tick carries the newest warning shown, so it answers every warning up to that one.
        """
        suspensions = self._of_kind(Sanction.Kind.SUSPENSION)
        if suspensions:
            return Refusal(_suspension_message(suspensions, personal=self.personal), 403)
        warnings = self.warnings
        if warnings and (acknowledged_warning or 0) < warnings[-1].pk:
            return Refusal(
                "A moderator has sent you a warning. Read it, tick “I have read this”, and post again; "
                "your text is kept below.",
                409,
                warnings=tuple(warnings),
            )
        return None

    def acknowledged(self, acknowledged_warning: int | None) -> list[Sanction]:
        """The warnings the poster ticked as read (every one up to the newest they were shown)."""
        return [warning for warning in self.warnings if warning.pk <= (acknowledged_warning or 0)]


def standing_of(identity: Identity) -> Standing:
    """Every sanction in force on any of the person's links, in two small queries."""
    if identity.is_empty:
        return Standing()
    # From the person's few links (an index lookup) to their sanctions, never the other way round: a planner
    # that guesses few sanctions are in force would read every one of them and probe the links for each.
    linked = list(
        PersonLink.objects.filter(identity.person_links(), sanction__isnull=False).values_list("sanction_id", "kind")
    )
    if not linked:
        return Standing()
    personal = frozenset(pk for pk, kind in linked if kind in PERSONAL_LINKS)
    return Standing(tuple(Sanction.objects.active().filter(pk__in={pk for pk, _ in linked})), personal)


def _suspension_message(suspensions: list[Sanction], *, personal: frozenset[int]) -> str:
    ends = [sanction.ends_at for sanction in suspensions]
    until = "until a moderator lifts it" if None in ends else f"until {date_and_time(max(ends))}"
    reasons = " ".join(
        f"The moderators' reason: {sanction.reason}"
        for sanction in suspensions
        if sanction.reason and sanction.pk in personal
    )
    if not any(sanction.pk in personal for sanction in suspensions):
        # Found by a shared address or a typed name: say so, and nothing the moderators wrote.
        return (
            f"You cannot post here {until}: posting from this network or under this name is suspended. "
            "Your text is kept below."
        )
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
