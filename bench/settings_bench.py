"""Settings for bench/bench_api.py: the development settings, without debug, with today's date fixed inside
the filing window. The database comes from DATABASE_URL (set by the benchmark to the sons_bench database)."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
SONS_TODAY = "2026-09-01"
