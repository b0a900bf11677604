"""The queue with real worker processes: each job runs once, a killed worker's job is retried, periodic jobs
never overlap — on SQLite (a shared file) and on PostgreSQL (SKIP LOCKED) when SONS_TEST_DATABASE_URL is set."""

import os
import signal

import pytest

from .harness import ON_POSTGRES
from .probe import lines


def test_four_workers_run_each_job_exactly_once(world, tmp_path):
    count = 1000 if ON_POSTGRES else 200  # SQLite serialises the claims: fewer jobs keep the test short
    trace = str(tmp_path / "trace")
    for n in range(4):
        world.worker(f"worker{n}")
    # All four alive before the jobs come, and each job a little long (10 ms): on a loaded machine, one worker
    # started early could otherwise take every job before the others poll, and nothing would be shared.
    world.wait_for(lambda: world.call("live_workers") == 4, 60, "quatre travailleurs vivants")
    world.call("enqueue_records", trace, count, 0.01)
    world.wait_for(lambda: world.call("statuses").get("SUCCESSFUL") == count, 240, f"{count} travaux réussis")
    ends = [line[1] for line in lines(trace) if line[0] == "end"]
    assert sorted(ends) == sorted(f"job{n}" for n in range(count))  # each once, none lost
    assert len({line[2] for line in lines(trace)}) > 1  # shared between several workers
    assert set(world.call("attempts")) == {1}


def test_a_worker_killed_mid_job_leaves_its_job_to_be_retried(world, tmp_path):
    trace = str(tmp_path / "trace")
    world.call("enqueue_records", trace, 1, 60)
    first = world.worker("first")
    world.wait_for(lambda: any(line[0] == "start" for line in lines(trace)), 60, "début du travail")
    os.killpg(first.pid, signal.SIGKILL)  # really killed: no handler, no clean-up
    first.wait()
    assert world.call("statuses") == {"RUNNING": 1}
    world.worker("second")
    world.wait_for(lambda: world.call("statuses") == {"SUCCESSFUL": 1}, 60, "travail repris et réussi")
    starts = [line for line in lines(trace) if line[0] == "start"]
    ends = [line for line in lines(trace) if line[0] == "end"]
    assert len(starts) == 2 and len(ends) == 1
    assert starts[0][2] == str(first.pid) and ends[0][2] != str(first.pid)
    assert world.call("attempts") == [2]


def test_two_runs_of_a_periodic_job_never_overlap(world, tmp_path):
    trace = str(tmp_path / "trace")
    world.worker("a")
    world.worker("b")
    world.wait_for(lambda: world.call("live_workers") == 2, 60, "deux travailleurs vivants")
    world.call("enqueue_alone", trace, 2, 30.0)  # the holder keeps the lock until the other run finds it
    world.wait_for(lambda: world.call("statuses") == {"SUCCESSFUL": 2}, 60, "deux exécutions terminées")
    events = lines(trace)
    assert sorted(line[0] for line in events) == ["held", "released", "skipped"]
    held = next(float(line[2]) for line in events if line[0] == "held")
    released = next(float(line[2]) for line in events if line[0] == "released")
    skipped = next(line for line in events if line[0] == "skipped")
    assert held <= float(skipped[2]) <= released  # the second run found the first one going (held = asked)
    assert skipped[1] != next(line[1] for line in events if line[0] == "held")  # in the other worker


def test_a_lock_held_by_a_killed_worker_is_taken_over(world, tmp_path):
    trace = str(tmp_path / "trace")
    world.call("enqueue_alone", trace, 1, 60)
    first = world.worker("first")
    world.wait_for(lambda: any(line[0] == "held" for line in lines(trace)), 60, "verrou pris")
    os.killpg(first.pid, signal.SIGKILL)  # dies holding the lock « probe »
    first.wait()
    world.worker("second")  # retries the run, which finds the lock held by a dead worker and takes it
    world.wait_for(lambda: any(line[0] == "released" for line in lines(trace)), 60, "verrou repris")
    assert [line[0] for line in lines(trace)] == ["held", "held", "released"]
    assert world.call("statuses") == {"SUCCESSFUL": 1}


@pytest.mark.parametrize("entry", ["dashboards"])
def test_make_run_runs_the_schedule(world, tmp_path, entry):
    """`run_all` (what `make run` starts) serves pages, and its scheduler and worker run a periodic job."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runner = world.start("run_all", f"127.0.0.1:{port}", "--noreload", log="run_all.log")
    world.wait_for(lambda: world.call("periodic_runs").get(entry) == "réussi", 90, f"« {entry} » exécuté")

    def page():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    world.wait_for(page, 30, "serveur web")
    os.killpg(runner.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole group
    assert runner.wait(timeout=30) == 0
    assert world.call("live_workers") == 0  # worker and scheduler stopped cleanly, beats removed
