"""The listening socket of `publisher serve` for the IPv6 wildcard: IPv4 and IPv6 on one port.

Government websites must answer over IPv6 as well as IPv4. `--host ::` means every address of
both families; asyncio's `create_server`, which uvicorn uses for one worker, marks an IPv6
socket IPV6_V6ONLY, and a machine whose `net.ipv6.bindv6only` is 1 does the same for several
workers, so `::` would silently drop IPv4. For that host `publisher serve` opens the socket
itself, with IPV6_V6ONLY off (IPv4 clients arrive as `::ffff:a.b.c.d`), and hands it to uvicorn.
"""

from __future__ import annotations

import socket

#: the hosts that mean "every address, both families"
DUAL_STACK_HOSTS = ("::", "[::]")


def is_dual_stack(host: str) -> bool:
    return host.strip() in DUAL_STACK_HOSTS


def dual_stack_socket(port: int) -> socket.socket:
    """A bound TCP socket on every IPv6 and IPv4 address, inheritable by worker processes."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
