"""One write per response: the status line, headers and body leave in the same send.

uvicorn's HTTP protocols write a response's head (`http.response.start`) and its body
(`http.response.body`) to the transport separately, and asyncio sends each at once: two
`send` calls, two TCP segments, and — on loopback — two wake-ups of the client for one
small JSON answer. Appwrite's server sends a whole small response in one write.

`coalescing_protocol(base)` is `base` (a uvicorn HTTP protocol class) with its transport
wrapped: writes made during one step of the event loop are joined and sent together at
the end of that step (`loop.call_soon`). The bytes on the wire are the same, in the same
order; a streamed response still leaves piece by piece (each piece at the end of the step
that wrote it). Closing or aborting the connection sends (or drops) what is pending first,
as the transport itself would.
"""

from __future__ import annotations

import asyncio


class CoalescingTransport:
    """A transport whose writes within one loop step go out as one `write`."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._scheduled = False

    def write(self, data) -> None:
        if not data:
            return
        self._pending.append(bytes(data))
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self.flush)

    def writelines(self, chunks) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        self._scheduled = False
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def __getattr__(self, name: str):  # everything else: the transport's own
        return getattr(self._transport, name)


def coalescing_protocol(base: type) -> type:
    """A subclass of uvicorn's HTTP protocol class `base` whose responses leave in one write
    per loop step (see the module doc)."""

    class CoalescingProtocol(base):
        def connection_made(self, transport) -> None:
            loop = getattr(self, "loop", None) or asyncio.get_event_loop()
            super().connection_made(CoalescingTransport(transport, loop))

    CoalescingProtocol.__name__ = f"Coalescing{base.__name__}"
    return CoalescingProtocol
