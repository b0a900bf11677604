"""Settings of the servers and commands that bench/faults.py and tests/faults start: production-like (DEBUG
off), on the database DATABASE_URL names, with today's date and the timeouts given by the environment."""

import os

from bench.clock import live_on
from config.settings.base import *  # noqa: F403
from config.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
live_on(os.environ.get("SONS_TODAY", "2026-09-01"))
SONS_REQUEST_TIMEOUT_SECONDS = int(os.environ.get("SONS_REQUEST_TIMEOUT_SECONDS", "30"))
SONS_DOCUMENTS_DIR = os.environ.get("SONS_DOCUMENTS_DIR", SONS_DOCUMENTS_DIR)  # noqa: F405
