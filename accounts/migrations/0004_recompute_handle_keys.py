"""Handle keys are name skeletons; the skeleton now follows Unicode's confusables data, so recompute them."""

from django.db import migrations


def recompute_handle_keys(apps, schema_editor):
    from accounts.names import name_skeleton

    User = apps.get_model("accounts", "User")
    taken = set()
    for user in User.objects.order_by("pk").only("pk", "handle", "handle_key"):
        key = name_skeleton(user.handle)
        # Two older handles that now look alike keep their old keys rather than fail the upgrade.
        if key in taken:
            continue
        taken.add(key)
        if key != user.handle_key:
            User.objects.filter(pk=user.pk).update(handle_key=key)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_notifications")]

    operations = [migrations.RunPython(recompute_handle_keys, migrations.RunPython.noop)]
