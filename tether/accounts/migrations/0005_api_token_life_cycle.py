"""API tokens get a life cycle: a name (the old label; a token without one is named after the
day it was made), an expiry (tokens that exist get 90 days from this migration, so nobody's
integration stops without warning), revocation kept for the record, and a UUID for URLs."""

import uuid

from django.db import migrations, models

import tether.accounts.models


def name_and_number_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all():
        token.public_id = uuid.uuid4()
        if not token.name:
            token.name = f"Token made {token.created_at:%Y-%m-%d}"
        token.save(update_fields=["public_id", "name"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_practice_paging_and_follow_up"),
    ]

    operations = [
        migrations.RenameField(model_name="apitoken", old_name="label", new_name="name"),
        migrations.AddField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(name_and_number_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=tether.accounts.models.token_default_expiry),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("owner", "Revoked by you"),
                    ("password_changed", "Revoked when your password changed"),
                    ("deactivated", "Revoked when the account was closed"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(
                fields=["user", "-created_at"], name="accounts_ap_user_id_0ad77e_idx"
            ),
        ),
    ]
