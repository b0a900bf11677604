"""The webhook secrets encrypted at rest (sons.webhooks.encryption): the columns widened to hold a Fernet token, then
every secret still in clear encrypted under the first key of SONS_WEBHOOK_SECRET_KEYS.

Reversible: going back decrypts the tokens (with the keys of SONS_WEBHOOK_SECRET_KEYS, which must still hold the
one that encrypted them) before the columns are narrowed again. The rows are read and written by SQL, not through
the model, whose field would encrypt or decrypt them behind the migration's back."""

from django.db import migrations

import sons.webhooks.encryption
from sons.webhooks.encryption import TOKEN_PREFIX, decrypt, encrypt


def _convert(apps, schema_editor, change):
    table = schema_editor.quote_name(apps.get_model("webhooks", "Subscription")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret, previous_secret FROM {table}")
        for row_id, *values in cursor.fetchall():
            changed = [change(value) for value in values]
            if changed != values:
                cursor.execute(
                    f"UPDATE {table} SET secret = %s, previous_secret = %s WHERE id = %s", [*changed, row_id]
                )


def encrypt_clear_secrets(apps, schema_editor):
    _convert(apps, schema_editor, lambda v: encrypt(v) if v and not v.startswith(TOKEN_PREFIX) else v)


def decrypt_secrets(apps, schema_editor):
    _convert(apps, schema_editor, lambda v: decrypt(v) if v.startswith(TOKEN_PREFIX) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0002_secret_rotation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="subscription",
            name="previous_secret",
            field=sons.webhooks.encryption.EncryptedSecretField(
                blank=True, max_length=255, verbose_name="secret précédent"
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="secret",
            field=sons.webhooks.encryption.EncryptedSecretField(max_length=255, verbose_name="secret de signature"),
        ),
        migrations.RunPython(encrypt_clear_secrets, decrypt_secrets),
    ]
