"""A local HTTP server standing in for the SMS gateway at the network boundary: it checks
each request as the gateway would (the signature over timestamp, nonce and body) and keeps
what it accepted."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from publisher.notifications.sms import signature
from tests.harness.postgres import free_port

APP_KEY = "test-app-key"
APP_SECRET = "test-app-secret"


@dataclass
class Sent:
    phone: str
    sign_name: str
    content: str
    out_id: str


class SmsGateway:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.unavailable_next = 0
        self.bad_signatures = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                return

            def _answer(self, status: int, body: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.unavailable_next > 0:
                    outer.unavailable_next -= 1
                    self._answer(503, {"code": "BUSY", "message": "try later"})
                    return
                expected = signature(
                    APP_SECRET, self.headers["X-Timestamp"], self.headers["X-Nonce"], raw
                )
                if (
                    self.headers.get("X-App-Key") != APP_KEY
                    or self.headers.get("X-Signature") != expected
                ):
                    outer.bad_signatures += 1
                    self._answer(200, {"code": "SIGNATURE_INVALID", "message": "bad signature"})
                    return
                body = json.loads(raw.decode("utf-8"))
                outer.sent.append(
                    Sent(body["phone"], body["sign_name"], body["content"], body["out_id"])
                )
                self._answer(200, {"code": "OK", "message": "accepted", "biz_id": body["out_id"]})

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms/send"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, phone: str) -> list[Sent]:
        return [s for s in self.sent if s.phone == phone]
