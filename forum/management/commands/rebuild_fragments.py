"""Rebuild the stored comment fragments a release's new markup left stale: run after `migrate`.

Pages rebuild a stale fragment when they first read it, so this is not
required; run it so the first readers after an upgrade do not wait for it.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from forum.models import Comment
from forum.threads import fragments, markup


class Command(BaseCommand):
    help = "Rebuild comment fragments written by an older release (forum.threads.markup.FRAGMENT_VERSION)."

    def handle(self, *args, **options):
        stale = Comment.objects.exclude(fragment_version=markup.FRAGMENT_VERSION).order_by("pk")
        total = 0
        while True:
            batch = list(stale.values_list("pk", flat=True)[: fragments.BATCH])
            if not batch:
                break
            with transaction.atomic():
                fragments.rebuild_stale(batch)
            total += len(batch)
        self.stdout.write(f"Rebuilt {total} comment fragment{'' if total == 1 else 's'}.")
