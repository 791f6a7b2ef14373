"""How a message leaves the service: the channel interface and the e-mail channel (SMTP).

A channel raises `DeliveryError` when a message did not go out; `permanent` says whether
trying again could help (a 5xx refusal of the address) or not (a server that is down).
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from publisher.notifications.messages import Rendered
from publisher.notifications.vocabulary import ChannelName
from publisher.settings import Settings


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    name: ChannelName

    def send(self, to: str, message: Rendered, key: str) -> None:
        """Deliver one message; `key` names the outbox row, so a duplicate after a crash can be
        recognised downstream (the e-mail's Message-ID, the gateway's out_id)."""


class EmailChannel:
    """Plain text with an HTML alternative over SMTP; the Chinese subject is RFC 2047 encoded
    by the standard library's default policy."""

    name = ChannelName.EMAIL

    def __init__(self, settings: Settings, timeout: float = 10) -> None:
        self.settings = settings
        self.timeout = timeout

    def build(self, to: str, message: Rendered, key: str) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.mail_from
        email["To"] = to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        domain = self.settings.mail_from.rpartition("@")[2] or "localhost"
        email["Message-ID"] = f"<{key}@{domain}>"
        if message.unsubscribe:  # an alert: one-click unsubscribe (RFC 2369, RFC 8058)
            email["List-Unsubscribe"] = f"<{message.unsubscribe}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(message.text, charset="utf-8")
        if message.html is not None:
            email.add_alternative(message.html, subtype="html", charset="utf-8")
        return email

    def send(self, to: str, message: Rendered, key: str) -> None:
        settings = self.settings
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=self.timeout) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, settings.smtp_password)
                smtp.send_message(self.build(to, message, key))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"SMTP refused the recipient ({', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP server unreachable: {type(exc).__name__}: {exc}") from None


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
