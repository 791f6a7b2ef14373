"""deploy/nginx.conf, run for real on loopback in front of given upstreams (Debian's nginx).

The deployment's own file is used, with only what differs on a test machine rewritten: the
replicas' addresses, the listening port, and the cache folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from publisher.settings import PROJECT_ROOT
from tests.harness.postgres import free_port

CONF = PROJECT_ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise RuntimeError("nginx not found: install Debian's `nginx` (scripts/setup --dev)")
    return found


def render(folder: Path, upstreams: Sequence[str], port: int) -> Path:
    """The deployment's server block for this machine, inside a main file of its own."""
    site = CONF.read_text(encoding="utf-8")
    for number, address in enumerate(upstreams, start=1):
        site = site.replace(f"publisher-{number}:8000", address)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/var/cache/nginx/publisher", str(folder / "cache"))
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    main = f"""
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder / "site.conf"};
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


def check(folder: Path, upstreams: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on the rendered file."""
    conf = render(folder, upstreams, free_port())
    return subprocess.run(
        [nginx_binary(), "-t", "-c", str(conf), "-e", str(folder / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def run_nginx(folder: Path, upstreams: Sequence[str]) -> Iterator[str]:
    """nginx with the deployment's configuration in front of `upstreams`; yields its URL."""
    port = free_port()
    conf = render(folder, upstreams, port)
    process = subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "error.log").read_text()) from None
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(10)
