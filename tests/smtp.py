"""A real SMTP server on 127.0.0.1 (aiosmtpd), whose received messages the tests read."""

from __future__ import annotations

import email
import re
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd's handler: keeps every message received, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in m["X-Envelope-To"].lower()]

    def body(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message, pattern: str = r"http://\S+") -> str:
        found = re.search(pattern, self.body(message))
        assert found, f"aucun lien dans : {self.body(message)}"
        return found.group(0)


# aiosmtpd's own 5 s for its thread to start and answer a first connection: short on a loaded machine.
READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=READY_TIMEOUT)
    controller.start()
    return controller, inbox
