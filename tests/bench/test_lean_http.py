"""The load benchmark's lean HTTP client: what it sends, what it reads, when it gives up."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bench.lean_http import HttpError, build_request, exchange, parse_response, run


class _Echo(BaseHTTPRequestHandler):
    """Answer a POST with its own body and headers we can inspect."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Key", self.headers.get("Idempotency-Key", ""))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_request_round_trips_through_a_real_server(echo_port: int) -> None:
    payload = build_request(
        "POST", f"127.0.0.1:{echo_port}", "/api", {"Idempotency-Key": "k1"}, {"nip": "19"}
    )
    assert payload.startswith(b"POST /api HTTP/1.1\r\n")
    assert b"Connection: close\r\n" in payload
    status, body = run(exchange("127.0.0.1", echo_port, payload, timeout=5))
    assert (status, body) == (201, b'{"nip": "19"}')


def test_a_request_without_a_body_has_no_length() -> None:
    payload = build_request("GET", "h", "/x", {})
    assert payload == b"GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"


def test_a_chunked_body_is_joined() -> None:
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n"
    assert parse_response(data) == (200, b"abcdef")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", "Content-Length 9"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2", "no end of headers"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "not a status line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab", "inside a chunk"),
    ],
)
def test_a_broken_answer_is_an_error_not_a_guess(data: bytes, message: str) -> None:
    with pytest.raises(HttpError, match=message):
        parse_response(data)


def test_a_silent_server_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts (the kernel does), never answers
    try:
        port = listener.getsockname()[1]
        with pytest.raises(TimeoutError):
            run(exchange("127.0.0.1", port, b"GET / HTTP/1.1\r\n\r\n", timeout=0.3))
    finally:
        listener.close()


def test_a_refused_connection_is_an_os_error() -> None:
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    port = spare.getsockname()[1]
    spare.close()  # nothing listens there now
    with pytest.raises(OSError):
        run(exchange("127.0.0.1", port, b"GET / HTTP/1.1\r\n\r\n", timeout=2))
