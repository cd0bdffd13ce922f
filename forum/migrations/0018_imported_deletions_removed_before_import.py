from django.db import migrations
from django.db.models import Exists, OuterRef

# Blogger's Takeout and Disqus say a comment was deleted, never by whom: imports before this
# release guessed the author (Blogger) or a moderator (Disqus). A deletion the site itself made
# is on the moderation log; one without a log entry came with the archive. WordPress's trash is
# a moderator's act there, and stays as it was.
GUESSED = ("removed_by_author", "removed_by_moderator")


def say_removed_before_import(apps, schema_editor):
    Comment = apps.get_model("forum", "Comment")
    LogEntry = apps.get_model("moderation", "ModerationLogEntry")
    decided_here = LogEntry.objects.filter(comment_id=OuterRef("pk"))
    imported = Comment.objects.filter(state__in=GUESSED, legacy_id__isnull=False).exclude(legacy_id__startswith="wordpress:")
    # fragment_version 0: the tombstone is rebuilt the next time a page reads it.
    imported.exclude(Exists(decided_here)).update(state="removed_before_import", fragment_version=0)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0017_comment_purged_and_removed_before_import"),
        ("moderation", "0006_purge_action"),
    ]

    operations = [migrations.RunPython(say_removed_before_import, migrations.RunPython.noop)]
