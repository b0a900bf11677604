"""gunicorn for SONS behind the TLS proxy (nginx or the platform's): `gunicorn -c deploy/gunicorn.conf.py`.

Timeouts are sized for the pages: the slowest answers that stay in a request (a bulk filing of 10 000
dossiers, an export of up to 10 000 rows) take a few seconds; anything longer is a job (sons.jobs). A request
still running after SONS_REQUEST_TIMEOUT_SECONDS (60 s) means a stuck worker: gunicorn replaces it, and an
Idempotency-Key it held is released after the same time (sons.api.idempotency).
"""

import multiprocessing
import os

bind = os.environ.get("SONS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SONS_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("SONS_REQUEST_TIMEOUT_SECONDS", "60"))
graceful_timeout = 30  # a deploy lets requests in flight finish
keepalive = 5  # behind a proxy on the same machine
max_requests = 2000  # a worker is renewed from time to time (memory stays flat)
max_requests_jitter = 200

# The settings are loaded once in the master: a missing SONS_SECRET_KEY (or any required variable) stops
# gunicorn at start with one French line, instead of workers failing to boot one after the other.
preload_app = True
wsgi_app = "config.wsgi:application"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'config.settings.prod')}"]

# Only the local proxy may say the request came over HTTPS (X-Forwarded-Proto) and from which address.
forwarded_allow_ips = os.environ.get("SONS_PROXY_IPS", "127.0.0.1,::1")

# Requests larger than this are refused by gunicorn itself before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# Access log on stdout (journald), with the request id shared with the application's JSON logs.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
loglevel = "info"
