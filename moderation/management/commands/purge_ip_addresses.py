"""Drop the IP addresses of comments older than the retention period. Run it daily (cron, a systemd timer)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from forum.models import Comment


class Command(BaseCommand):
    help = "Forget the IP addresses of comments posted more than FORUM_IP_RETENTION_DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override FORUM_IP_RETENTION_DAYS for this run."
        )

    def handle(self, *args, days=None, **options):
        days = settings.FORUM_IP_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        cutoff = timezone.now() - timedelta(days=days)
        dropped = Comment.objects.filter(ip_address__isnull=False, created_at__lt=cutoff).update(ip_address=None)
        self.stdout.write(f"Dropped the IP addresses of {dropped} comment(s) posted before {cutoff:%Y-%m-%d %H:%M} UTC.")
