"""The queue's filters now carry the names the API and the exports use: saved views are rewritten to them."""

from urllib.parse import parse_qsl, urlencode

from django.db import migrations

RENAMED = {"etat": "state", "fournisseur": "supplier", "constat": "finding", "echeance": "deadline"}


def rename(apps, schema_editor, names=RENAMED):
    SavedView = apps.get_model("portal", "SavedView")
    for view in SavedView.objects.all():
        query = urlencode([(names.get(key, key), value) for key, value in parse_qsl(view.query)])
        if query != view.query:
            view.query = query
            view.save(update_fields=["query"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(rename, rename_back)]
