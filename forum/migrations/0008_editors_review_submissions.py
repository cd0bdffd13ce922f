"""Editors read and publish the pieces readers send in (moderation.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from moderation.roles import grant_role_permissions


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs the new one now.
    forum = apps.get_app_config("forum")
    forum.models_module = True
    create_permissions(forum, apps=apps, verbosity=0)
    forum.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if group is not None:
        grant_role_permissions(group, apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("forum", "0007_submissions"), ("moderation", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
