"""Listening sockets for the function URLs: one loopback port per function.

`serve --port P` puts the API on P and the functions on P+1, P+2, … (see `emulator.stack`).
A neighbour port another program already holds must not stop the emulator from starting:
that function gets a free port instead, which `serve` prints and `credentials.json` lists.
"""

from __future__ import annotations

import errno
import socket


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (0: any free port)."""
    # an explicit IPPROTO_TCP: asyncio sets TCP_NODELAY only then
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def listen_near(host: str, wanted: int) -> socket.socket:
    """A listening socket on `wanted`, or on a free port when that one is taken (0: free)."""
    try:
        return listen(host, wanted)
    except OSError as error:
        if wanted == 0 or error.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
        return listen(host, 0)
