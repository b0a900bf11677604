"""The hooks of the events: called by the fan-out job (sons.notifications.delivery.fan_out) with the events it
tells, in a transaction of its own, before their notifications and e-mails (sons.webhooks registers its deliveries from its AppConfig.ready:
the apps above this package hook on here without this package importing them). Off the request path: a step
writes its event and one job, nothing more. A hook must be idempotent, since the job may run again.

A module of its own, importing nothing: `events` enqueues the job of `delivery`, which reads these hooks, so
neither of the two imports the other back (tests/test_layers.py: no import circle)."""

EVENT_HOOKS: list = []


def on_events(hook) -> None:
    """`hook(events)` will be called by the fan-out job of every `record_events`."""
    if hook not in EVENT_HOOKS:
        EVENT_HOOKS.append(hook)
