"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests, collecting what it receives.

It runs in its own thread (aiosmtpd's Controller); `delay` makes it slow to answer each message
it has already kept (so a worker can be killed after handing one over, before hearing back);
`refuse` maps addresses to a reply for RCPT TO.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def body(self) -> str:
        return self.message.get_content()


@dataclass
class Handler:
    delay: float = 0.0
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        if self.delay:
            # The message is kept before the reply: a client that dies now never hears "250".
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


class SmtpServer:
    """Start, stop and start again on the same port; always stopped at the end of the test."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        for _ in range(50):  # the port may linger briefly after a stop
            controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5)
            try:
                controller.start()
            except (OSError, RuntimeError):
                time.sleep(0.1)
                continue
            self._controller = controller
            return
        raise RuntimeError("could not start the SMTP server")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
