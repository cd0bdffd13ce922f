"""Drop the IP addresses of comments older than the retention period.

`manage.py run_worker` does this daily; without the worker, run this command daily (cron, a systemd timer).
"""

from django.core.management.base import BaseCommand, CommandError

from forum.ops.retention import ip_addresses_purge


class Command(BaseCommand):
    help = "Forget the IP addresses of comments posted more than FORUM_IP_RETENTION_DAYS days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override FORUM_IP_RETENTION_DAYS for this run.")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        self.stdout.write(ip_addresses_purge(days=days))
