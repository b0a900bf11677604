"""Where a recovery stands is now the dossier's state alone: the case's own state is carried over to its dossier
(a notice sent, an order issued) and dropped; a dossier has one case; the « recovered » step is renamed."""

import django.db.models.deletion
from django.db import migrations, models

TO_DOSSIER = {"awaiting_observations": "recovery_notice_sent", "repayment_order": "recovery_ordered"}


def carry_over(apps, schema_editor):
    RecoveryCase = apps.get_model("recoveries", "RecoveryCase")
    Dossier = apps.get_model("dossiers", "Dossier")
    Transition = apps.get_model("dossiers", "Transition")
    for case_state, dossier_state in TO_DOSSIER.items():
        open_cases = RecoveryCase.objects.filter(state=case_state).values("dossier_id")
        Dossier.objects.filter(pk__in=open_cases, state="in_recovery").update(state=dossier_state)
    Transition.objects.filter(name="recovered").update(name="record_repayment")


def carry_back(apps, schema_editor):
    RecoveryCase = apps.get_model("recoveries", "RecoveryCase")
    Transition = apps.get_model("dossiers", "Transition")
    for case in RecoveryCase.objects.select_related("dossier"):
        state = case.dossier.state
        case.state = {"recovery_notice_sent": "awaiting_observations", "recovery_ordered": "repayment_order",
                      "recovered": "recovered", "recovery_cancelled": "cancelled"}.get(state, "formal_notice")  # fmt: skip
        case.save(update_fields=["state"])
        if state in ("recovery_notice_sent", "recovery_ordered"):
            case.dossier.state = "in_recovery"
            case.dossier.save(update_fields=["state"])
    Transition.objects.filter(name="record_repayment").update(name="recovered")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0010_lifecycle_and_recovery_states"),
        ("recoveries", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveConstraint(
            model_name="recoverycase",
            name="one_open_recovery_per_dossier",
        ),
        migrations.RemoveField(
            model_name="recoverycase",
            name="state",
        ),
        migrations.AlterField(
            model_name="recoverycase",
            name="dossier",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="recovery_case", to="dossiers.dossier"
            ),
        ),
    ]
