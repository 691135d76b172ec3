"""The service under gunicorn on a free loopback port, in a temporary directory.

Used by ``bench/api_load.py`` and by the operations tests
(``tests/integrity_service/ops``). Everything it starts runs in its own
process group and is ended by id when the ``LiveService`` is closed: a
SIGTERM to the group, then a SIGKILL to whatever is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "live.kab.example/ledger"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_pids(pid: int) -> list[int]:
    """Return the ids of a process's children (gunicorn's workers), from /proc."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time a process has used, from /proc (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


class LiveService:
    """One service: its database, key, token, and a gunicorn server that can be (re)started."""

    def __init__(self, workdir: Path, *, database_url: str | None = None, **config: Any) -> None:
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or f"sqlite:///{workdir / 'integrity.db'}"
        self.key_file = workdir / "signing.key"
        self.metrics_dir = workdir / "metrics"
        self.log_path = workdir / "gunicorn.log"
        # Load and fault runs measure the service, not the per-caller API rate limit
        # (limits.py), which would refuse a single busy token within a second.
        config.setdefault("API_RATE_LIMIT", "1000000 per minute")
        self.config = config
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""
        self._log: Any = None

    @property
    def base_url(self) -> str:
        """Return the server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def env(self, **extra: str) -> dict[str, str]:
        """Return the environment of the service's commands and server."""
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "INTEGRITY_DATABASE_URL": self.database_url,
            "INTEGRITY_KEY_FILE": str(self.key_file),
            "INTEGRITY_LOG_ORIGIN": ORIGIN,
            "INTEGRITY_SECRET_KEY": "live-service-secret",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        for key, value in self.config.items():
            env[f"INTEGRITY_{key}"] = value if isinstance(value, str) else json.dumps(value)
        env.update(extra)
        return env

    def flask(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        """Run ``flask --app integrity_service ARGS`` and return its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "integrity_service", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def prepare(self, *, demo: bool = True, token_name: str = "load") -> None:
        """Create the schema and key, load the demo data if asked, and issue a bkpsdm token."""
        self.flask("init-db")
        if demo:
            self.flask("demo")
        self.token = self.flask("create-token", "--name", token_name, "--role", "bkpsdm").strip()

    def start(
        self, *, workers: int = 4, threads: int = 1, port: int = 0, timeout: float = 30
    ) -> None:
        """Start gunicorn (on ``port``, or a free one) and wait until /healthz answers 200."""
        self.port = port or free_port()
        self.metrics_dir.mkdir(exist_ok=True)
        env = self.env(
            INTEGRITY_GUNICORN_BIND=f"127.0.0.1:{self.port}",
            INTEGRITY_GUNICORN_WORKERS=str(workers),
            INTEGRITY_GUNICORN_THREADS=str(threads),
            INTEGRITY_GUNICORN_WORKER_CLASS="gthread" if threads > 1 else "sync",
            INTEGRITY_GUNICORN_GRACEFUL_TIMEOUT="5",
        )
        self._log = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_healthy(timeout=timeout, workers=workers)

    def wait_healthy(self, *, timeout: float = 30, workers: int = 1) -> None:
        """Wait until /healthz answers 200 and at least ``workers`` workers run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; its log:\n{self.log_text()[-4000:]}")
            if len(self.worker_pids()) >= workers and self.get("/healthz")[0] == 200:
                return
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn not healthy in {timeout} s; log:\n{self.log_text()[-4000:]}")

    def get(self, path: str, *, timeout: float = 10) -> tuple[int, bytes]:
        """GET a path; return the status and body (status 0 if the server did not answer)."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (OSError, urllib.error.URLError):
            return 0, b""

    def worker_pids(self) -> list[int]:
        """Return the ids of the running workers."""
        return [] if self.process is None else child_pids(self.process.pid)

    def server_cpu_seconds(self) -> float:
        """Return the CPU time used so far by the master and its running workers."""
        if self.process is None:
            return 0.0
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *self.worker_pids()])

    def log_text(self) -> str:
        """Return what gunicorn and the app wrote so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts another); return its id."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_server(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        pids = [self.process.pid, *self.worker_pids()]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._wait_gone(pids)
        self._close_log()
        self.process = None

    def stop(self, *, timeout: float = 15) -> None:
        """Stop gunicorn gracefully (SIGTERM); SIGKILL what is left after ``timeout``."""
        if self.process is None:
            return
        pids = [self.process.pid, *self.worker_pids()]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # A worker left behind is still in the server's process group: end it too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._wait_gone(pids)
        self._close_log()
        self.process = None

    def _wait_gone(self, pids: list[int]) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in pids):
            time.sleep(0.05)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LiveService:
        """Return the service; it is stopped on leaving the block."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop the server if it still runs."""
        self.stop()
