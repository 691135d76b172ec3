"""A C2SP tlog-witness: cosigns a log's checkpoints only if they extend what it cosigned.

Run it as::

    python -m ledger.witness --key witness.key --state witness-state.json \\
        --log-key '<log vkey>' [--log-key ...] --listen 127.0.0.1:9001 [--name NAME]

The key file (created with ``--name`` on first run, mode 0600, refused when
readable by others) holds ``PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>``.
At start it prints ``witness key: <vkey>`` and ``listening on http://HOST:PORT``
(``PORT`` 0 picks a free one). It serves ``POST /add-checkpoint`` as
:mod:`ledger.witness_protocol` describes: it verifies the log's signature with
the configured key of the checkpoint's origin, that ``old`` equals the size it
cosigned last, and the consistency proof from that checkpoint; then it stores
the new checkpoint durably (:mod:`ledger.witness_state`) and answers its
cosignature line (:mod:`ledger.cosignature`). Checking and storing happen under
one lock, so two concurrent requests can never roll its state back.
"""

from __future__ import annotations

import argparse
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ledger.checkpoint import Checkpoint, open_checkpoint
from ledger.cosignature import CosignatureSigner
from ledger.errors import Error, FormatError, SignatureError, StorageError, VerificationError
from ledger.note import NoteVerifier, split_note
from ledger.proofs import verify_consistency
from ledger.witness_protocol import (
    ADD_CHECKPOINT_PATH,
    MAX_BODY,
    SIZE_CONTENT_TYPE,
    AddCheckpoint,
)
from ledger.witness_state import Cosigned, WitnessState, ensure_folder

_TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of the witness: status, content type and body."""

    status: int
    content_type: str
    body: bytes


def _refuse(status: int, message: str) -> Answer:
    return Answer(status, _TEXT, (message + "\n").encode())


class Witness:
    """The witness's decisions, independent of HTTP."""

    def __init__(
        self,
        signer: CosignatureSigner,
        logs: Sequence[NoteVerifier],
        state: WitnessState,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.signer = signer
        self.logs = {log.name: log for log in logs}
        self.state = state
        self.clock = clock

    def add_checkpoint(self, body: bytes) -> Answer:
        """Check one ``add-checkpoint`` request and cosign, or refuse with the protocol's code."""
        try:
            request = AddCheckpoint.from_bytes(body)
            text, _ = split_note(request.note)
        except FormatError as exc:
            return _refuse(400, f"malformed request: {exc}")
        origin = text.split("\n", 1)[0]
        verifier = self.logs.get(origin)
        if verifier is None:
            return _refuse(404, f"unknown log origin {origin[:100]!r}")
        try:
            checkpoint = open_checkpoint(request.note, verifier)
        except SignatureError as exc:
            return _refuse(403, f"checkpoint signature: {exc}")
        except FormatError as exc:
            return _refuse(400, f"malformed checkpoint: {exc}")
        if request.old_size > checkpoint.size:
            return _refuse(400, f"old size {request.old_size} exceeds size {checkpoint.size}")
        with self.state.lock:
            return self._check_and_cosign(request, checkpoint, text)

    def _check_and_cosign(
        self, request: AddCheckpoint, checkpoint: Checkpoint, text: str
    ) -> Answer:
        latest = self.state.latest(checkpoint.origin)
        latest_size = 0 if latest is None else latest.size
        if request.old_size != latest_size:
            return Answer(409, SIZE_CONTENT_TYPE, f"{latest_size}\n".encode())
        if latest is not None and checkpoint.size == latest.size:
            if checkpoint.root != latest.root:
                # Two roots for one size: the log forked. Keep the evidence on stderr.
                _log(
                    f"FORK {checkpoint.origin}: size {latest.size} has a second root\n"
                    f"cosigned:\n{latest.checkpoint}submitted:\n{request.note}"
                )
                return Answer(409, SIZE_CONTENT_TYPE, f"{latest_size}\n".encode())
            if request.proof:
                return _refuse(422, "sizes are equal but the consistency proof is not empty")
        elif latest is None or latest.size == 0:  # every tree extends the empty tree
            if request.proof:
                return _refuse(400, "the consistency proof must be empty when old is 0")
        else:
            try:
                verify_consistency(
                    old_size=latest.size,
                    size=checkpoint.size,
                    old_root=latest.root,
                    root=checkpoint.root,
                    proof=request.proof,
                )
            except VerificationError as exc:
                _log(
                    f"REFUSED {checkpoint.origin}: consistency {latest.size} -> "
                    f"{checkpoint.size}: {exc}\nsubmitted:\n{request.note}"
                )
                return _refuse(422, f"consistency proof does not verify: {exc}")
        self.state.update(
            checkpoint.origin, Cosigned(checkpoint.size, checkpoint.root, request.note)
        )
        stamp = None if self.clock is None else int(self.clock())
        return Answer(200, _TEXT, self.signer.signature_line(text, stamp).encode())


def _log(message: str) -> None:
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
    sys.stderr.flush()


def make_handler(witness: Witness) -> type[BaseHTTPRequestHandler]:
    """Return the HTTP request handler class serving ``witness``."""

    class Handler(BaseHTTPRequestHandler):
        timeout = 30
        server_version = "ledger-witness/1"

        def do_POST(self) -> None:
            """Serve ``add-checkpoint``."""
            if self.path != ADD_CHECKPOINT_PATH:
                self._send(_refuse(404, "not found"))
                return
            length = self.headers.get("Content-Length", "")
            if not length.isdigit() or int(length) > MAX_BODY:
                self._send(_refuse(400, f"need a Content-Length of at most {MAX_BODY} bytes"))
                return
            body = self.rfile.read(int(length))
            try:
                answer = witness.add_checkpoint(body)
            except StorageError as exc:
                _log(f"ERROR {exc}")
                answer = _refuse(500, "the witness could not store its state")
            self._send(answer)

        def do_GET(self) -> None:
            """Refuse reads: the witness serves only add-checkpoint."""
            answer = _refuse(405, "use POST") if self.path == ADD_CHECKPOINT_PATH else None
            self._send(answer or _refuse(404, "not found"))

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            """Log one line per request to stderr."""
            _log(f"{self.address_string()} {format % args}")

    return Handler


def load_or_create_key(path: str, name: str | None) -> CosignatureSigner:
    """Load the witness key file, or create it (mode 0600) when absent and a name is given."""
    if not os.path.exists(path):
        if not name:
            raise StorageError(f"witness key file {path} does not exist; pass --name to create it")
        signer = CosignatureSigner.generate(name)
        ensure_folder(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(signer.to_private_text() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return signer
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StorageError(
            f"witness key file {path} is accessible by group or others; run 'chmod 600 {path}'"
        )
    with open(path, encoding="utf-8") as handle:
        signer = CosignatureSigner.from_private_text(handle.read())
    if name and name != signer.name:
        raise StorageError(f"witness key file {path} is for {signer.name!r}, not {name!r}")
    return signer


def _listen_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise FormatError(f"--listen must be HOST:PORT, not {text!r}")
    return host.strip("[]"), int(port)


def _start(
    args: argparse.Namespace,
) -> tuple[CosignatureSigner, WitnessState, ThreadingHTTPServer]:
    """Load the key and the state, lock the state, and bind the server."""
    signer = load_or_create_key(args.key, args.name)
    logs = [NoteVerifier.from_text(text) for text in args.log_key]
    ensure_folder(args.state)
    state = WitnessState(args.state)
    state.acquire_process_lock()
    try:
        address = _listen_address(args.listen)
        server = ThreadingHTTPServer(address, make_handler(Witness(signer, logs, state)))
    except BaseException:
        state.close()
        raise
    return signer, state, server


def main(argv: Sequence[str] | None = None) -> int:
    """Run the witness server until SIGTERM or Ctrl-C; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger.witness", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--key", required=True, help="witness private key file (0600)")
    parser.add_argument("--state", required=True, help="durable state file (JSON)")
    parser.add_argument("--log-key", action="append", required=True, help="trusted log vkey")
    parser.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (default 127.0.0.1:0)")
    parser.add_argument("--name", help="witness name, needed to create the key file")
    args = parser.parse_args(argv)
    try:
        signer, state, server = _start(args)
    except (Error, OSError) as exc:
        print(f"witness: {exc}", file=sys.stderr)
        return 2
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"witness key: {signer.verifier().to_text()}", flush=True)
    print(f"listening on http://{host}:{port}", flush=True)

    def stop(_signum: int, _frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        state.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
