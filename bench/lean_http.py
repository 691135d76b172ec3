"""A lean HTTP/1.1 client for the load benchmark: one connection per request, no keep-alive.

The load generator shares the machine's CPUs with the service it measures, so
every microsecond it spends is taken from the server. aiohttp cost 0.85-1.5 ms
of CPU per request here; this client (an asyncio protocol, on uvloop when it is
installed) sends prebuilt bytes and reads the answer until the server closes,
as gunicorn's sync workers do after every response (``Connection: close``).

It understands what the service answers: a status line, headers, and a body of
``Content-Length`` bytes or a chunked one. Anything else is an error the caller
counts, never a guess.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

__all__ = ["HttpError", "build_request", "exchange", "parse_response", "run"]

T = TypeVar("T")


class HttpError(Exception):
    """The server's answer could not be read as an HTTP/1.1 response."""


def build_request(
    method: str, host: str, path: str, headers: dict[str, str], body: Any = None
) -> bytes:
    """Return the bytes of one request; a body (if any) is sent as JSON."""
    payload = b"" if body is None else json.dumps(body).encode("utf-8")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


def _dechunk(data: bytes) -> bytes:
    out, at = bytearray(), 0
    while True:
        end = data.find(b"\r\n", at)
        if end < 0:
            raise HttpError("chunked body ends inside a chunk size line")
        size = int(data[at:end].split(b";", 1)[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        at = end + 4 + size


def parse_response(data: bytes) -> tuple[int, bytes]:
    """Return the status and body of one complete response read until the server closed."""
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        raise HttpError(f"no end of headers in {len(data)} bytes: {data[:80]!r}")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"not a status line: {lines[0][:80]!r}")
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
        return int(parts[1]), _dechunk(body)
    length = fields.get(b"content-length")
    if length is not None and len(body) != int(length):
        raise HttpError(f"body of {len(body)} bytes, Content-Length {int(length)}")
    return int(parts[1]), body


class _Exchange(asyncio.Protocol):
    """Write the request, collect everything until the server closes."""

    def __init__(self, payload: bytes, done: asyncio.Future[bytes]) -> None:
        self.payload = payload
        self.done = done
        self.chunks: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not derive from asyncio.Transport; both can write.
        cast(asyncio.WriteTransport, transport).write(self.payload)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)

    def eof_received(self) -> bool:
        return False  # close our side at once: gunicorn waits for it (util.close_graceful)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done.done():
            return
        if exc is not None:
            self.done.set_exception(exc)
        else:
            self.done.set_result(b"".join(self.chunks))


async def exchange(host: str, port: int, payload: bytes, *, timeout: float) -> tuple[int, bytes]:
    """Send one request on a new connection and return the status and body.

    Raises OSError (connection refused or reset), TimeoutError or HttpError.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()
    async with asyncio.timeout(timeout):
        transport, _ = await loop.create_connection(lambda: _Exchange(payload, done), host, port)
        try:
            data = await done
        finally:
            transport.close()
    return parse_response(data)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on uvloop when it is installed (it costs less CPU)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in requirements-dev.txt
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)
