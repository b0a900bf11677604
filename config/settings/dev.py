"""A developer's machine (`make run`): debug on, the placeholders of `local`, SQLite in var/."""

from .base import *  # noqa: F403
from .local import *  # noqa: F403

DEBUG = True
