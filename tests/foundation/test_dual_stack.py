"""IPv6 (#22 item 8): `publisher serve --host ::` answers on IPv4 and IPv6 alike.

Government websites must be reachable over IPv6. Without its own socket, `--host ::` listens on
IPv6 only (asyncio marks the socket IPV6_V6ONLY), so a client on 127.0.0.1 is refused; this
test connects through both loopbacks to one server, with one worker and with two.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from publisher.cli.listen import dual_stack_socket, is_dual_stack
from tests.harness.serve import serve_env, start_serve, stop


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no ::1")


def ready(url: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=3)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@needs_ipv6
@pytest.mark.parametrize("backend", ["sqlite"])  # the listening socket, not the database
@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_on_the_ipv6_wildcard_answers_both_families(
    db_url: str, tmp_path: Path, workers: str
) -> None:
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        # start_serve waits for /readyz on 127.0.0.1: IPv4 must answer a server on `::`
        process, base = start_serve(
            serve_env(db_url, tmp_path / "var"), log, "--host", "::", "--workers", workers
        )
        try:
            port = base.rsplit(":", 1)[1]
            over_ipv4 = ready(f"http://127.0.0.1:{port}/healthz")
            over_ipv6 = ready(f"http://[::1]:{port}/healthz")
            assert over_ipv4.status_code == over_ipv6.status_code == 200
            page = httpx.get(f"http://[::1]:{port}/", timeout=5)
            assert "信息预公开与开放数据" in page.text
        finally:
            assert stop(process) == 0, log_path.read_text(errors="replace")


@needs_ipv6
def test_the_dual_stack_socket_takes_ipv4_and_ipv6() -> None:
    assert is_dual_stack("::") and is_dual_stack("[::]") and not is_dual_stack("::1")
    sock = dual_stack_socket(0)
    try:
        sock.listen()
        port = sock.getsockname()[1]
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0
        for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            with socket.socket(family, socket.SOCK_STREAM) as client:
                client.settimeout(5)
                client.connect((address, port))
                accepted, peer = sock.accept()
                accepted.close()
                assert peer[0] in (address, f"::ffff:{address}")
    finally:
        sock.close()
