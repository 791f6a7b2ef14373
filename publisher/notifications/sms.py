"""SMS through an HTTP SMS gateway (docs/notifications.md, "The SMS gateway protocol").

The request is the generic form Chinese cloud SMS gateways use: a JSON POST of the number, the
signature name, the text and our id for the message, authenticated by an HMAC-SHA256 over the
timestamp, a nonce and the exact body bytes. The gateway answers `{"code": "OK", ...}` when it
has taken the message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

import httpx

from publisher.notifications.channels import DeliveryError
from publisher.notifications.messages import Rendered
from publisher.notifications.vocabulary import ChannelName
from publisher.settings import Settings


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, timestamp + "\\n" + nonce + "\\n" + body))."""
    signed = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()


class HttpSmsGateway:
    name = ChannelName.SMS

    def __init__(self, settings: Settings, timeout: float = 10) -> None:
        self.settings = settings
        self.timeout = timeout

    def request(self, to: str, message: Rendered, key: str) -> tuple[dict[str, str], bytes]:
        body = json.dumps(
            {
                "phone": to,
                "sign_name": self.settings.sms_sign_name,
                "content": message.text,
                "out_id": key,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-App-Key": self.settings.sms_app_key,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": signature(self.settings.sms_app_secret, timestamp, nonce, body),
        }
        return headers, body

    def send(self, to: str, message: Rendered, key: str) -> None:
        headers, body = self.request(to, message, key)
        try:
            response = httpx.post(
                self.settings.sms_gateway_url, content=body, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryError(f"SMS gateway HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        if response.status_code != 200 or code != "OK":
            reason = answer.get("message", "") if isinstance(answer, dict) else ""
            raise DeliveryError(
                f"SMS gateway refused: HTTP {response.status_code} {code} {reason}".strip(),
                permanent=True,
            )
