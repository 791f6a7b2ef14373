"""A real SMTP server (aiosmtpd) on loopback for tests that check what people are told."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.harness.postgres import free_port


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                raw: bytes = envelope.original_content  # type: ignore[attr-defined]
                outer.messages.append(message_from_bytes(raw, policy=policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in str(m["To"])]
