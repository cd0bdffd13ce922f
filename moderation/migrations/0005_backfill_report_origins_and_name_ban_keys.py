"""Data for the fields and rules of 0004.

- Reports made before origins were kept count one person each, as they did.
- Name bans match on name skeletons; the skeleton now follows Unicode's confusables data, so recompute them.
"""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    from accounts.names import name_skeleton

    Report = apps.get_model("moderation", "Report")
    Report.objects.filter(origin_key="").update(origin_key=F("reporter_key"))
    Ban = apps.get_model("moderation", "Ban")
    for ban in Ban.objects.filter(kind="name").only("pk", "name_shown"):
        Ban.objects.filter(pk=ban.pk).update(name_key=name_skeleton(ban.name_shown))


class Migration(migrations.Migration):
    dependencies = [("moderation", "0004_report_origins_bans_outlive_accounts")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
