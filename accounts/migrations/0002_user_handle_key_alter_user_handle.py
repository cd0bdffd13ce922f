# Adds the handle's skeleton (accounts.names), filled for existing members before it becomes unique.

import accounts.models
import django.core.validators
from django.db import migrations, models


def fill_handle_keys(apps, schema_editor):
    from accounts.names import name_skeleton

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "handle"):
        User.objects.filter(pk=user.pk).update(handle_key=name_skeleton(user.handle))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='handle_key',
            field=models.CharField(blank=True, editable=False, default='', max_length=30),
            preserve_default=False,
        ),
        migrations.RunPython(fill_handle_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='user',
            name='handle_key',
            field=models.CharField(blank=True, editable=False, error_messages={'unique': 'That handle is taken, or looks too like one that is.'}, max_length=30, unique=True),
        ),
        migrations.AlterField(
            model_name='user',
            name='handle',
            field=models.CharField(error_messages={'unique': 'That handle is already taken.'}, help_text='3 to 30 letters, digits, underscores or hyphens. Shown beside your comments.', max_length=30, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_-]{3,30}\\Z', 'A handle is 3 to 30 letters, digits, underscores or hyphens.'), accounts.models.validate_handle_is_free]),
        ),
    ]
