"""`/healthz`: the process answers. `/readyz`: the service can work — the database answers, the cache
answers, the queue is not falling behind and each periodic job is on time; 503 otherwise, with the reasons.

Both are plain JSON, without personal data, open without authentication (the proxy may restrict them), exempt
from the HTTPS redirect so that a local probe can use plain HTTP.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# A periodic job not enqueued this long after its time means the scheduler is not running.
SCHEDULER_GRACE = timedelta(minutes=10)


def healthz(request):
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    cache = caches["figures"]
    cache.set("readyz", "1", 30)
    return {"ok": cache.get("readyz") == "1"}


def check_queue(now) -> dict:
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (now - oldest).total_seconds() if oldest else 0.0
    return {
        "ok": age <= settings.SONS_READY_MAX_BACKLOG_SECONDS,
        "waiting": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_waiting_seconds": round(age, 1),
    }


def check_periodic(now) -> dict:
    from sons.jobs.models import PeriodicJob
    from sons.jobs.schedule import SCHEDULE

    rows = {row.name: row for row in PeriodicJob.objects.all()}
    jobs, ok = {}, True
    for entry in SCHEDULE:
        row = rows.get(entry.name)
        if row is None:
            jobs[entry.name] = {"ok": False, "reason": "jamais planifié (planificateur arrêté ?)"}
            ok = False
            continue
        late = now - row.next_run_at > SCHEDULER_GRACE
        finished = row.last_finished_at
        jobs[entry.name] = {
            "ok": not late,
            "last_finished_seconds_ago": round((now - finished).total_seconds()) if finished else None,
            "last_outcome": row.last_outcome or None,
            "next_run_at": row.next_run_at.isoformat(),
        }
        if late:
            jobs[entry.name]["reason"] = "en retard (planificateur arrêté ?)"
            ok = False
    return {"ok": ok, "jobs": jobs}


@never_cache
def readyz(request):
    now = timezone.now()
    checks = {}
    for name, check in (
        ("database", check_database),
        ("cache", check_cache),
        ("queue", lambda: check_queue(now)),
        ("periodic", lambda: check_periodic(now)),
    ):
        try:
            checks[name] = check()
        except Exception as error:  # the probe reports, it never fails with a 500
            checks[name] = {"ok": False, "error": type(error).__name__}
            if name == "database":
                break
    ready = all(check["ok"] for check in checks.values()) and "queue" in checks
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
