"""Helpers of the witness and monitor tests: witness processes, served apps, forked logs."""

from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask import Flask

from tests.conftest import make_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


@dataclass
class WitnessProcess:
    """A ``python -m ledger.witness`` subprocess on an ephemeral loopback port."""

    name: str
    key_file: Path
    state_file: Path
    log_key: str
    process: subprocess.Popen[str] | None = None
    url: str = ""
    vkey: str = ""
    stderr: list[str] = field(default_factory=list)
    pumps: list[threading.Thread] = field(default_factory=list)

    def start(self) -> WitnessProcess:
        """Start the process and wait (bounded) until it listens."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ledger.witness",
                "--key",
                str(self.key_file),
                "--state",
                str(self.state_file),
                "--log-key",
                self.log_key,
                "--listen",
                "127.0.0.1:0",
                "--name",
                self.name,
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        self.pumps = [
            _pump(self.process.stdout, lines.put),
            _pump(self.process.stderr, self.stderr.append),
        ]
        try:
            first = lines.get(timeout=START_TIMEOUT)
            second = lines.get(timeout=START_TIMEOUT)
        except queue.Empty as exc:
            self.stop()
            raise AssertionError(f"witness did not start: {self.stderr}") from exc
        assert first.startswith("witness key: "), first
        assert second.startswith("listening on http://127.0.0.1:"), second
        self.vkey = first.removeprefix("witness key: ").strip()
        self.url = second.removeprefix("listening on ").strip()
        return self

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after a bounded wait)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for pump in self.pumps:
            pump.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.process = None

    def post(self, body: bytes, path: str = "/add-checkpoint") -> tuple[int, str, bytes]:
        """POST a raw body; return status, content type and body."""
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers.get_content_type(), exc.read()

    def config(self) -> dict[str, str]:
        """Return this witness's entry of the service's ``WITNESSES``."""
        return {"url": self.url, "key": self.vkey}


def _pump(stream: IO[str] | None, sink: Callable[[str], None]) -> threading.Thread:
    """Copy a stream's lines to ``sink`` in a thread, until end of file."""

    def run() -> None:
        assert stream is not None
        for line in stream:
            sink(line)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@contextmanager
def witnesses(folder: Path, log_key: str, count: int = 2) -> Iterator[list[WitnessProcess]]:
    """Run ``count`` witness processes for the log key; stop them all afterwards."""
    started: list[WitnessProcess] = []
    try:
        for number in range(1, count + 1):
            witness = WitnessProcess(
                f"witness{number}.example",
                folder / f"witness{number}.key",
                folder / f"witness{number}-state.json",
                log_key,
            )
            started.append(witness.start())
        yield started
    finally:
        for witness in started:
            witness.stop()


def log_app(folder: Path, **config: object) -> Flask:
    """Create an initialised app whose database and key live in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return make_app(f"sqlite:///{folder / 'integrity.db'}", folder, **config)


def fork_log(source: Path, target: Path, **config: object) -> Flask:
    """Copy a log's SQLite database and signing key to ``target``; return an app on the copy."""
    target.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source / "integrity.db")
    dst = sqlite3.connect(target / "integrity.db")
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    shutil.copy2(source / "signing.key", target / "signing.key")
    os.chmod(target / "signing.key", 0o600)
    return log_app(target, **config)


def run_cli(app: Flask, *args: str) -> tuple[int, str]:
    """Run a flask CLI command; return its exit code and output (stdout and stderr)."""
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output
