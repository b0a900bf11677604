"""The supplier's declaration kept as one document, in the contract's shape (sons.dossiers.declaration): the
order's and the balance request's columns are carried into it, then dropped; `mention_conditional_referencing`
keeps its one name."""

import django.core.serializers.json
from django.db import migrations, models


def money(amount):
    return None if amount is None else f"{amount:.2f}"


def iso(day):
    return None if day is None else day.isoformat()


def declare(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    changed = []
    for dossier in Dossier.objects.iterator(chunk_size=2000):
        balance = None
        if (dossier.balance_filed_on or dossier.va_signed_on or dossier.invoice_issued_on or dossier.completed_on
                or dossier.training_delivered is not None):
            balance = {
                "completed_on": iso(dossier.completed_on),
                "va": {"signed_on": iso(dossier.va_signed_on), "signature": dossier.va_signature or None,
                       "functions": list(dossier.va_functions or [])},
                "invoice": {"issued_on": iso(dossier.invoice_issued_on), "amount": money(dossier.invoice_amount),
                            "in_client_name": dossier.invoice_in_client_name},
                "training_delivered": dossier.training_delivered,
            }
        dossier.declaration = {
            "client": {"rpps": dossier.rpps or None, "finess_geo": dossier.finess_geo or None,
                       "de_minimis_other_aid": money(dossier.de_minimis_declared)},
            "solution_version_id": dossier.solution_version_id,
            "order": {
                "in_client_name": dossier.order_in_client_name, "issued_on": iso(dossier.order_issued_on),
                "signed_on": iso(dossier.order_signed_on), "signature": dossier.order_signature or None,
                "lines": dossier.order_lines or [], "vat_rate": dossier.order_vat_rate or None,
                "mention_state_funded": dossier.order_mention_state_funded,
                "mention_conditional_referencing": dossier.order_mention_conditional,
                "conditioned_on": dossier.order_conditioned_on or [],
                "paid_version_catch_up": dossier.order_paid_version_catch_up,
                "client_version_obsolete": dossier.order_client_version_obsolete,
                "centre_certificate_commitment": dossier.order_centre_certificate_commitment,
                "client_version": {"version": dossier.order_client_version} if dossier.order_client_version else None,
            },
            "balance": balance,
        }  # fmt: skip
        changed.append(dossier)
        if len(changed) >= 2000:
            Dossier.objects.bulk_update(changed, ["declaration"])
            changed = []
    Dossier.objects.bulk_update(changed, ["declaration"])


COLUMN_DEFAULTS = {"signature": "", "vat_rate": "", "lines": [], "conditioned_on": [], "paid_version_catch_up": False}


def undeclare(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    for dossier in Dossier.objects.iterator(chunk_size=2000):
        order = dossier.declaration.get("order") or {}
        balance = dossier.declaration.get("balance") or {}
        va, invoice = balance.get("va") or {}, balance.get("invoice") or {}
        aid = (dossier.declaration.get("client") or {}).get("de_minimis_other_aid")
        for name in ("in_client_name", "issued_on", "signature", "lines", "vat_rate", "mention_state_funded",
                     "conditioned_on", "paid_version_catch_up", "client_version_obsolete",
                     "centre_certificate_commitment"):  # fmt: skip
            value = order.get(name)
            setattr(dossier, f"order_{name}", COLUMN_DEFAULTS.get(name) if value is None else value)
        dossier.order_mention_conditional = order.get("mention_conditional_referencing")
        dossier.de_minimis_declared = aid
        dossier.completed_on = balance.get("completed_on")
        dossier.va_signed_on, dossier.va_signature = va.get("signed_on"), va.get("signature") or ""
        dossier.va_functions = va.get("functions") or []
        dossier.invoice_issued_on, dossier.invoice_amount = invoice.get("issued_on"), invoice.get("amount")
        dossier.invoice_in_client_name = invoice.get("in_client_name")
        dossier.training_delivered = balance.get("training_delivered")
        dossier.order_client_version = (order.get("client_version") or {}).get("version") or ""
        dossier.save()



class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0012_evaluations_kept'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='declaration',
            field=models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='déclaration du Fournisseur'),
        ),
        migrations.RunPython(declare, undeclare),
        migrations.RemoveField(
            model_name='dossier',
            name='completed_on',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='de_minimis_declared',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='invoice_amount',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='invoice_in_client_name',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='invoice_issued_on',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_centre_certificate_commitment',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_client_version_obsolete',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_client_version',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_conditioned_on',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='training_delivered',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_in_client_name',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_issued_on',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_lines',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_mention_conditional',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_mention_state_funded',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_paid_version_catch_up',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_signature',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='order_vat_rate',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='va_functions',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='va_signature',
        ),
        migrations.RemoveField(
            model_name='dossier',
            name='va_signed_on',
        ),
        migrations.AlterField(
            model_name='dossier',
            name='order_signed_on',
            field=models.DateField(null=True, verbose_name='commande signée le'),
        ),
    ]
