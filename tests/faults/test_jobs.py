"""Daily jobs doubled and batch preparers racing, on real processes (issue 10, items 3, 4 and 11): the run
that finds the work taken says so in one French line and exits 0 (CLI) or answers 409 (API); nothing is done
twice; a preparer killed mid-way leaves nothing behind."""

import subprocess
import threading
import uuid

import pytest
from django.core.management import call_command

from bench import faultkit
from sons import locks
from sons.payments.actions import confirm_batch, prepare_batch, send_batch
from sons.payments.models import Payment
from sons.recoveries.models import RecoveryCase
from sons.suppliers.enums import Role
from tests.db_factories import staff
from tests.faults.locks import audit_head_held, waiting_on_a_lock
from tests.payments.world import paying_agents_and_validated_advances

BUSY = "une autre exécution est en cours"


def sons(database_url: str, name: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(faultkit.BIN / "sons"), *args], cwd=faultkit.ROOT, env=faultkit.environment(database_url, name),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_deadlines_at_once_open_each_recovery_once(today, postgresql, database_url):
    today("2026-09-01")
    agent = paying_agents_and_validated_advances(1, 6)[0]
    confirm_batch(agent, send_batch(agent, prepare_batch(agent)))  # six advances paid, no balance requested
    name = f"sons-deadlines-{uuid.uuid4().hex[:8]}"
    with audit_head_held(database_url):
        first = sons(database_url, name, "deadlines", "--today", "2028-02-16")
        assert faultkit.wait_until(lambda: waiting_on_a_lock(database_url, name), 30)  # mid-way, lock held
        second = sons(database_url, name, "deadlines", "--today", "2028-02-16")
        out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert BUSY in out and out.count("\n") == 1 and err == ""
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "6 recouvrement(s) ouvert(s)" in out
    assert RecoveryCase.objects.count() == 6
    assert len(set(RecoveryCase.objects.values_list("dossier_id", flat=True))) == 6


def test_a_second_daily_job_on_sqlite_says_so_and_returns(db, capsys, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    with locks.run_alone("deadlines"):  # another run holds the lock (an flock beside the database)
        call_command("deadlines", "--today", "2028-02-16")
        call_command("dashboards")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "sons deadlines : une autre exécution est en cours ; celle-ci s'arrête sans rien faire.",
        *[line for line in out[1:] if line.startswith("Tableaux de bord recalculés")],
    ]
    call_command("deadlines", "--today", "2028-02-16")  # the lock is free again
    assert "recouvrement(s) ouvert(s)" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_batch_preparers_racing_with_one_killed(today, postgresql, database_url, tmp_path):
    today("2026-09-01")
    paying_agents_and_validated_advances(0, 40)
    keys = [staff(Role.ASP_PAYING_AGENT, f"payeur-{n}")[1] for n in range(4)]
    name = f"sons-batches-{uuid.uuid4().hex[:8]}"
    outcomes = []

    def prepare(key):
        try:
            outcomes.append(faultkit.request(server.port, "POST", "/api/payments/batches", b"",
                                             {"Authorization": f"Bearer {key}"}, timeout=30)[0])  # fmt: skip
        except OSError:
            outcomes.append("coupée")

    with faultkit.Server(database_url, workers=4, name=name) as server:
        with audit_head_held(database_url):
            threads = [threading.Thread(target=prepare, args=(key,)) for key in keys]
            for thread in threads:
                thread.start()
            assert faultkit.wait_until(lambda: waiting_on_a_lock(database_url, name), 30)
            server.kill_worker()  # one preparer dies, wherever it was
        for thread in threads:
            thread.join(40)
        assert 500 not in outcomes and len(outcomes) == 4
        assert set(outcomes) <= {201, 200, 409, "coupée"}, outcomes
        # The next preparation takes whatever the killed one had not committed.
        status, _, _ = faultkit.request(server.port, "POST", "/api/payments/batches", b"",
                                        {"Authorization": f"Bearer {keys[0]}"})  # fmt: skip
        assert status in (200, 201)
    paid = list(Payment.objects.values_list("dossier_id", flat=True))
    assert len(paid) == len(set(paid)) == 40
