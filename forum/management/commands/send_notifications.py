from django.core.management.base import BaseCommand

from forum.services.notifications import send_pending_notifications


class Command(BaseCommand):
    help = (
        "Email members the replies they asked to hear about, one email each with everything waiting. "
        "Run it every few minutes (cron or a task queue)."
    )

    def handle(self, *args, **options):
        sent = send_pending_notifications()
        self.stdout.write(f"Sent {sent} notification email{'' if sent == 1 else 's'}.")
