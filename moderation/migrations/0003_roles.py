"""The two roles: Moderators decide on comments and ban; Editors publish posts (in the admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from moderation.roles import ROLES, grant_role_permissions


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        grant_role_permissions(group, Permission)
    apps.get_model("moderation", "ModerationSettings").objects.get_or_create(pk=1)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_moderation_log_reports_bans_settings"),
        ("forum", "0003_comment_ip_address_post_comment_policy"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
