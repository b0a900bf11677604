"""The daily and audit commands through the `sons` CLI, and the demonstration data."""

import pytest
from django.core.management import call_command

from sons.cli import main
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_demo_data_then_deadlines_then_audit(capsys):
    call_command("seed_demo")
    assert Dossier.objects.count() == 18
    assert set(Dossier.objects.values_list("state", flat=True)) == set(DossierState.values)  # every state
    assert "dans 18 des 18 états" in capsys.readouterr().out
    call_command("seed_demo")  # loaded once
    assert Dossier.objects.count() == 18
    capsys.readouterr()
    assert main(["deadlines", "--today", "2028-02-01"]) == 0
    # validated, subject to referencing, paid
    assert "3 dossier(s) à échéance dans les 30 jours." in capsys.readouterr().out
    assert main(["deadlines", "--today", "2028-02-16"]) == 0
    # the paid advance not completed
    assert "1 recouvrement(s) ouvert(s) le 16/02/2028." in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "Journal d'audit intègre" in capsys.readouterr().out


def test_bad_arguments_exit_2_in_french(capsys):
    assert main(["deadlines", "--today", "demain"]) == 2
    assert "--today" in capsys.readouterr().err
    assert main(["audit", "check"]) == 2
