"""Keeping floods and banned posters out before anything reaches the thread or the queue.

Counts live in Django's cache (forum.lib.limits), so they hold across server
processes only when those share the cache: Redis or Memcached in production.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.crypto import salted_hmac

from accounts.names import name_skeleton
from forum.lib.dates import date_and_time
from forum.lib.limits import LIMITS, Throttle, limit
from forum.lib.people import can_moderate
from moderation.models import Ban


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int


def address_hash(address: str) -> str:
    """A keyed hash of an IP address: bans match on it without the address being stored."""
    return salted_hmac("forum.moderation.address", address, algorithm="sha256").hexdigest()


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


def posting_refusal(*, user, author_name: str, address: str, device: str) -> Refusal | None:
    """Why this poster may not post now (a ban, or too many comments lately), or None.

    `user` is whoever is logged in (AnonymousUser if nobody), whatever name they post under. Rate
    limits apply to posts from the web, which carry an address; a post that is
    allowed is counted here, a refused one never.
    """
    if can_moderate(user):
        return None
    ban = active_ban_for(user=user, author_name=author_name, address=address)
    if ban:
        return Refusal(_ban_message(ban), 403)
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
