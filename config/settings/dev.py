"""A developer's machine (`make run`): debug on, the placeholders of `local`, SQLite in var/."""

from .base import *  # noqa: F403
from .local import *  # noqa: F403

DEBUG = True
# Webhooks to a receiver on the developer's machine (http://127.0.0.1:…); production refuses both.
SONS_WEBHOOK_HTTPS_ONLY = False
SONS_WEBHOOK_ALLOW_LOOPBACK = True
