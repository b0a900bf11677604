"""Settings for bench/bench_notify.py: the benchmarks' settings, e-mails to the local SMTP server the benchmark
started (SONS_BENCH_SMTP_PORT on 127.0.0.1), and one clock for all its processes: each travels to noon on the
benchmark's day plus the real time elapsed since SONS_BENCH_EPOCH, so that a change stamped by one process
and an arrival stamped by another are comparable."""

import os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from bench.settings_bench import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("SONS_BENCH_SMTP_PORT", "2525"))
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""

_epoch = float(os.environ.get("SONS_BENCH_EPOCH", "0") or 0)
if _epoch:
    _noon = datetime(2026, 9, 1, 12, tzinfo=ZoneInfo("Europe/Paris"))
    _elapsed = time_machine.escape_hatch.time.time() - _epoch
    time_machine.travel(_noon + timedelta(seconds=_elapsed), tick=True).start()
    del _noon, _elapsed
del _epoch, datetime, time, timedelta, ZoneInfo
