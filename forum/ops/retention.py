"""How long the forum keeps what it does not need: comments' IP addresses and browser hashes (and the
browser hashes notices to authors were told through), notes on deleted accounts, expired sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from forum.models import Comment
from moderation.services import notices, people


def ip_addresses_purge(*, days: int | None = None) -> str:
    """Forget the IP addresses of comments older than FORUM_IP_RETENTION_DAYS (or `days`); says what it did."""
    days = settings.FORUM_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    dropped = Comment.objects.filter(ip_address__isnull=False, created_at__lt=cutoff).update(ip_address=None)
    said = f"Dropped the IP addresses of {dropped} comment(s) posted before {cutoff:%Y-%m-%d %H:%M} UTC."
    return f"{said} {_device_hashes_purge()} {_notes_purge()}"


def _device_hashes_purge() -> str:
    """Forget which browser posted comments older than FORUM_IDENTITY_RETENTION_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.FORUM_IDENTITY_RETENTION_DAYS)
    dropped = Comment.objects.filter(created_at__lt=cutoff).exclude(device_hash="").update(device_hash="")
    told = notices.device_hashes_forget(before=cutoff)
    return (
        f"Dropped the browser hashes of {dropped} comment(s) posted before {cutoff:%Y-%m-%d %H:%M} UTC, "
        f"and of {told} notice(s) to authors."
    )


def _notes_purge() -> str:
    erased = people.notes_of_gone_people_erase()
    return f"Erased {erased} moderators' note(s) on deleted accounts that no sanction in force needs."


def expired_sessions_delete() -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"Deleted {deleted} expired session(s)."
