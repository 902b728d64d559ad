"""Helpers for tests of the embedded PostgreSQL (backend/core/embedded_db.py).

The tests themselves use the normal test database; the processes they start run with
`DATABASE_URL` unset, so each starts the embedded server of `pgserver` in a temporary data
folder (`COUNTY_MARKET_DATA_DIR`) on a Unix socket inside it — never the machine's PostgreSQL.
Every process started here runs in its own process group and is killed at the end, together
with the PostgreSQL processes working in the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from backend.core.embedded_db import server_processes

ROOT = Path(__file__).resolve().parents[2]

# Starts the server the way manage.py does (importing the settings), then proves it answers.
CONNECT = """
import psycopg
from backend import settings
db = settings.DATABASES["default"]
with psycopg.connect(host=db["OPTIONS"]["host"], dbname=db["NAME"], user=db["USER"]) as conn:
    print("connected", conn.execute("SELECT 1").fetchone()[0], flush=True)
"""


class Embedded:
    """A temporary data folder and the processes started on it."""

    def __init__(self, root: Path):
        self.root = root
        self.pgdata = root / "pg"
        self.processes: list[subprocess.Popen] = []
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "XDG_RUNTIME_DIR"}
        }
        self.env.update(
            COUNTY_MARKET_DATA_DIR=str(root),
            DJANGO_SETTINGS_MODULE="backend.settings",
            PYTHONUNBUFFERED="1",
        )

    def popen(self, *args: str, log: str | None = None) -> subprocess.Popen:
        output = open(self.root / log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def connect(self) -> subprocess.CompletedProcess:
        """A process that starts (or reuses) the server and runs one query."""
        return self.run("-c", CONNECT)

    def psql(self, sql: str) -> str:
        result = self.run(
            "-c",
            "import sys, psycopg\n"
            "from backend import settings\n"
            'db = settings.DATABASES["default"]\n'
            'with psycopg.connect(host=db["OPTIONS"]["host"], dbname=db["NAME"], '
            'user=db["USER"], autocommit=True) as conn:\n'
            "    cur = conn.execute(sys.argv[1])\n"
            "    print(cur.fetchall() if cur.description else 'ok')\n",
            sql,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip().splitlines()[-1]

    def postmaster_pid(self) -> int | None:
        try:
            first = (self.pgdata / "postmaster.pid").read_text().splitlines()[0]
        except (FileNotFoundError, IndexError):
            return None
        return int(first)

    def shut_down(self) -> None:
        """Immediate shutdown of the server, as after a crash (no checkpoint)."""
        postmaster = self.postmaster_pid()
        assert postmaster is not None
        os.kill(postmaster, signal.SIGQUIT)
        while server_processes(self.pgdata):
            time.sleep(0.1)

    def kill_group(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)

    def stop(self) -> None:
        for process in self.processes:
            self.kill_group(process)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        stop_servers(self.pgdata)


def stop_servers(pgdata: Path) -> None:
    """Immediate shutdown of the PostgreSQL working in `pgdata` (SIGQUIT to the postmaster
    also frees its shared memory), then SIGKILL for anything left."""
    for process in server_processes(pgdata):
        try:
            if "-D" in process.cmdline():
                process.send_signal(signal.SIGQUIT)
        except psutil.NoSuchProcess:
            pass
    deadline = time.monotonic() + 10
    while server_processes(pgdata) and time.monotonic() < deadline:
        time.sleep(0.1)
    for process in server_processes(pgdata):
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


@contextlib.contextmanager
def temporary_embedded() -> Iterator[Embedded]:
    # A short path: the server's Unix socket lives in the data folder (108-byte limit).
    root = Path(tempfile.mkdtemp(prefix="cm-edb-", dir="/tmp"))
    instance = Embedded(root)
    try:
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def embedded() -> Iterator[Embedded]:
    """An empty data folder."""
    with temporary_embedded() as instance:
        yield instance


@pytest.fixture(scope="session")
def _stopped_template() -> Iterator[Embedded]:
    """A data folder created once, holding a row, its server stopped cleanly."""
    with temporary_embedded() as instance:
        instance.psql("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before')")
        instance.stop()
        yield instance


@pytest.fixture
def started(embedded: Embedded, _stopped_template: Embedded) -> Embedded:
    """A copy of the template (`cp -a` keeps the owner PostgreSQL runs as), started once:
    its table `kept` holds a row written before the trouble each test makes."""
    embedded.root.rmdir()
    subprocess.run(["cp", "-a", str(_stopped_template.root), str(embedded.root)], check=True)
    result = embedded.connect()
    assert result.returncode == 0, result.stdout + result.stderr
    return embedded
