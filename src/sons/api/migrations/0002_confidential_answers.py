"""Confidential answers (a webhook's signing secret) are replayed to their caller only, and kept encrypted.

`caller` has a database default, so that the processes still running the previous version during a deploy
insert their records without naming it. The answers already kept that carry a secret (in clear, replayable by
any member of the organisation) are deleted: a retry under their key then runs again (a new secret is made),
which is what happens to any key after 24 h anyway."""

from django.db import migrations, models


def drop_clear_secrets(apps, schema_editor):
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    with_secret = [
        record.pk
        for record in IdempotencyRecord.objects.exclude(body=None).only("pk", "body").iterator()
        if b"whsec_" in bytes(record.body)
    ]
    IdempotencyRecord.objects.filter(pk__in=with_secret).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="caller",
            field=models.CharField(
                blank=True, db_default="", max_length=40, verbose_name="appelant (réponse confidentielle)"
            ),
        ),
        migrations.RunPython(drop_clear_secrets, migrations.RunPython.noop),
    ]
