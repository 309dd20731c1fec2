"""Listening sockets for `serve`: every address of the host on one and the same port.

A name such as `localhost` has an IPv4 and an IPv6 address. Left to asyncio, `--port 0`
would give each its own free port, and the one announced would work on only one of
them. Here the first address picks the port and the others are bound to that one.
"""

from __future__ import annotations

import errno
import socket

SocketAddress = tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]
"""What getaddrinfo gives: (host, port) for IPv4, (host, port, flow, scope) for IPv6."""

ATTEMPTS = 5
"""For --port 0: how often to pick a new port when another program took it on a second address."""


def _addresses(host: str, port: int) -> list[tuple[int, SocketAddress]]:
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    unique: list[tuple[int, SocketAddress]] = []
    for family, _, _, _, address in found:
        if (family, address) not in unique:
            unique.append((family, address))
    return unique


def _bound(family: int, address: SocketAddress, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(
                socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1
            )  # the IPv4 address has its own socket
        sock.bind((address[0], port, *address[2:]))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def listening_sockets(host: str, port: int) -> list[socket.socket]:
    """One listening socket per address of `host`, all on the same port.

    Raises OSError (address in use, no such address, ...) or socket.gaierror (name not found).
    """
    addresses = _addresses(host, port)
    for attempt in range(ATTEMPTS):
        sockets: list[socket.socket] = []
        try:
            chosen = port
            for family, address in addresses:
                sockets.append(_bound(family, address, chosen))
                chosen = sockets[0].getsockname()[1]
            return sockets
        except OSError as error:
            for sock in sockets:
                sock.close()
            if port != 0 or error.errno != errno.EADDRINUSE or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
