"""How long the forum keeps what it does not need: comments' IP addresses, expired sessions."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from forum.models import Comment


def ip_addresses_purge(*, days: int | None = None) -> str:
    """Forget the IP addresses of comments older than FORUM_IP_RETENTION_DAYS (or `days`); says what it did."""
    days = settings.FORUM_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    dropped = Comment.objects.filter(ip_address__isnull=False, created_at__lt=cutoff).update(ip_address=None)
    return f"Dropped the IP addresses of {dropped} comment(s) posted before {cutoff:%Y-%m-%d %H:%M} UTC."


def expired_sessions_delete() -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"Deleted {deleted} expired session(s)."
