"""A real SMTP server (aiosmtpd) on loopback for tests that check what people are told."""

from __future__ import annotations

import asyncio
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.harness.postgres import free_port


def text_of(message: Any) -> str:
    """The plain-text part of a received message (multipart/alternative or plain)."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "no text/plain part"
    return str(body.get_content())


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives.

    `refuse_next` answers the next N messages with a temporary failure (451), as a server
    that is overloaded does; `stop()` then `start()` takes it off the network and back (the
    client meets a refused connection), as a server that is down does."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0
        self.refused = 0
        #: set to make DATA wait until it is set again (a server slow to accept)
        self.hold = threading.Event()
        self.hold.set()
        outer = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                await asyncio.to_thread(outer.hold.wait)
                if outer.refuse_next > 0:
                    outer.refuse_next -= 1
                    outer.refused += 1
                    return "451 4.3.0 Try again later"
                raw: bytes = envelope.original_content  # type: ignore[attr-defined]
                outer.messages.append(message_from_bytes(raw, policy=policy.default))
                return "250 OK"

        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in str(m["To"])]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]
