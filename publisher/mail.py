"""Notification e-mail over real SMTP. Off when `PUBLISHER_SMTP_HOST` is empty.

Sending happens after the database commit: a mail server that is down never loses or blocks
the citizen's record; the failure is logged and the answer stays visible by receipt code.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from publisher.settings import Settings

log = logging.getLogger(__name__)


class Mailer:
    """What use cases are given to tell people: one `send` per message."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send one plain-text message; returns False (and logs) instead of raising."""
        return send_mail(self.settings, to, subject, body)


def send_mail(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; returns False (and logs) instead of raising."""
    if not settings.smtp_host:
        return False
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.split("@")[-1])
    message.set_content(body, charset="utf-8")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send e-mail to %s", to.split("@")[-1])
        return False
    return True
