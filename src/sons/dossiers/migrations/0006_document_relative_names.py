"""Stored documents were named by their absolute path (SONS_DOCUMENTS_DIR/<dossier>/<sha256>.pdf); they are now
named relative to the storage "documents" (<dossier>/<sha256>.pdf), so that the folder can move or an
S3-compatible store replace it. The files stay where they are: the folder is still SONS_DOCUMENTS_DIR."""

from pathlib import PurePosixPath

from django.db import migrations


def to_relative(apps, schema_editor):
    Document = apps.get_model("dossiers", "Document")
    for document in Document.objects.filter(path__startswith="/").only("pk", "path"):
        # <documents dir>/<dossier id>/<sha256>.pdf: the last two parts are the name in the storage.
        document.path = "/".join(PurePosixPath(document.path).parts[-2:])
        document.save(update_fields=["path"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_document_check")]

    operations = [migrations.RunPython(to_relative, migrations.RunPython.noop)]
