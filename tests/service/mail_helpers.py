"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), and reading what it received.

The service sends through Django's SMTP backend, exactly as in production; the tests read
the messages this server was given and follow the links in them.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+")


@dataclass
class Inbox:
    """The handler aiosmtpd calls for each message; keeps them in order."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)  # type: ignore[attr-defined]
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no email to {address} after {timeout} s: "
                                     f"{[m['X-Envelope-To'] for m in self.messages]}")
            time.sleep(0.1)
        return self.to(address)


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage) -> str:
    found = LINK.findall(body(message))
    assert len(found) == 1, f"expected one link in the email, found {found}"
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """Start with `start()`, stop with `stop()`; `inbox` has every message received."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        """The service's environment for sending through this server."""
        return {"ACADEMY_SMTP_HOST": "127.0.0.1", "ACADEMY_SMTP_PORT": str(self.port)}
