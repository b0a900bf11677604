"""Settings for bench/bench_api.py: the development settings, without debug, with today's date fixed inside
the filing window. The database comes from DATABASE_URL (set by the benchmark to the sons_bench database).

SONS_BENCH_DB_OPTIONS (JSON, set by bench_api.py --db-options) adds database OPTIONS for a what-if measure,
e.g. {"server_side_binding": true, "prepare_threshold": 5}; the application's own settings are untouched.
"""

import json
import os

from bench.clock import live_on
from config.settings.dev import *  # noqa: F403

DEBUG = False
live_on("2026-09-01")
# The load client files with one token far faster than the production quota allows (the counter still runs).
SONS_API_RATE_LIMIT = 10_000_000

_options = os.environ.get("SONS_BENCH_DB_OPTIONS")
if _options:
    DATABASES["default"].setdefault("OPTIONS", {}).update(json.loads(_options))  # noqa: F405
