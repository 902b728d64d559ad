"""The embedded PostgreSQL for a newcomer's machine.

With no `DATABASE_URL`, development and tests use a PostgreSQL server from the `pgserver`
package, kept under `.data/pg`. pgserver starts it on first use and reuses it afterwards; it
listens on a Unix socket only, so it never touches the machine's port 5432.

A run stopped by a signal (Ctrl-C on `make run`, a killed test run, runserver's reloader killed
before its child) must not leave the next run unable to start. pgserver 0.1.4 keeps the pids of
the processes using a server in `.handle_pids.json`, written in place without a lock shared by
all our processes, so a process killed while writing leaves it empty and every later start dies
with a `JSONDecodeError`; the pids of killed processes are never removed. So its writes are
made atomic, and before handing over
to pgserver, under one file lock (`.data/pg.lock`) that serialises every process starting the
server, this module repairs what an interruption leaves behind — the handle file, a
`postmaster.pid` of a dead server, a half-finished `initdb` — and never deletes the data. Where
the server truly cannot start, it exits with one line saying what to do.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

DATABASE_NAME = "countymarket"
HANDLE_FILE = ".handle_pids.json"
LOCK_WAIT_SECONDS = 120.0
# A postmaster found starting (its pg_ctl killed with the process that ran it) gets this long
# to report "ready"; backends left by a killed postmaster get as long to notice and exit.
SETTLE_SECONDS = 30.0
# A new data folder takes about 40 MB, a write-ahead log segment 16 MB.
MIN_FREE_BYTES = 64 * 1024 * 1024

logger = logging.getLogger(__name__)


class EmbeddedDatabaseError(Exception):
    """The embedded server cannot start; `reason` and `action` in Chinese and English."""

    def __init__(self, *, reason_zh: str, reason_en: str, action_zh: str, action_en: str):
        super().__init__(reason_en)
        self.reason_zh, self.reason_en = reason_zh, reason_en
        self.action_zh, self.action_en = action_zh, action_en

    def one_line(self) -> str:
        return (
            f"嵌入式数据库无法启动：{self.reason_zh}；请{self.action_zh} / "
            f"Embedded PostgreSQL could not start: {self.reason_en}; {self.action_en}"
        )


def embedded_database_url(data_dir: Path) -> str:
    """The URL of the embedded server's database, starting the server if it is not running.
    Exits the process with one line (no traceback) when it cannot start."""
    try:
        return _start(Path(data_dir).expanduser().resolve())
    except EmbeddedDatabaseError as error:
        raise SystemExit(error.one_line()) from None
    except Exception as error:  # the boundary of an external server: every failure gets one line
        raise SystemExit(_explain(error, Path(data_dir), log_from=None).one_line()) from None


def _start(data_dir: Path) -> str:
    runtime_dir = data_dir.parent / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # pgserver takes its own inter-process lock under XDG_RUNTIME_DIR when it is imported.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    # pgserver logs a failed start with the whole server log; the one line below replaces it.
    pgserver_logger = logging.getLogger("pgserver")
    if not pgserver_logger.handlers:
        pgserver_logger.addHandler(logging.NullHandler())
    import pgserver
    from pgserver.utils import DiskList

    # pgserver writes the handle file in place (truncate, then write): a process killed in
    # between leaves it empty. Every write, pgserver's too, goes through a replace instead.
    setattr(DiskList, "put", lambda disk_list, pids: write_handle_pids(disk_list.path, pids))  # noqa: B010

    with exclusive_lock(data_dir.parent / "pg.lock"):
        repair(data_dir)
        log = data_dir / "log"
        log_from = log.stat().st_size if log.exists() else 0
        try:
            server = pgserver.get_server(data_dir, cleanup_mode=None)
        except Exception as error:
            raise _explain(error, data_dir, log_from=log_from) from error
        # pgserver's exit hook rewrites the handle file in place under a lock of its own; ours
        # takes the shared lock and writes atomically.
        atexit.unregister(server._cleanup)
        atexit.register(release_handle, data_dir)
        ensure_database(server.get_uri("postgres"))
        return server.get_uri(DATABASE_NAME)


def ensure_database(admin_uri: str) -> None:
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if connection.execute(query, [DATABASE_NAME]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


@contextlib.contextmanager
def exclusive_lock(path: Path, *, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """flock on `path`: runserver's reloader and its child, migrate and a test run starting at
    once take turns. The kernel releases it when a holder is killed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise EmbeddedDatabaseError(
                        reason_zh=f"另一个进程占用 {path} 已超过 {wait_seconds:.0f} 秒",
                        reason_en=f"another process has held {path} for over {wait_seconds:.0f} s",
                        action_zh=f"结束该进程（fuser {path}）后重试",
                        action_en=f"stop that process (fuser {path}) and retry",
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def repair(data_dir: Path) -> None:
    """Undo what an interrupted run leaves behind. Call under `exclusive_lock`."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if not (data_dir / "PG_VERSION").exists():
        initialise(data_dir)
    repair_handle_file(data_dir)
    settle_postmaster(data_dir)


def initialise(data_dir: Path) -> None:
    """initdb into a sibling folder renamed into place when complete, so that an initdb
    killed halfway leaves no half-made data directory for pgserver to trust."""
    for leftover in data_dir.parent.glob(f"{data_dir.name}.initdb-*"):
        # Our own unfinished initdb folders: they never held data.
        shutil.rmtree(leftover, ignore_errors=True)
    if data_dir.exists() and any(
        entry.name != HANDLE_FILE and not entry.name.startswith(f"{HANDLE_FILE}.")
        for entry in data_dir.iterdir()
    ):
        # Not a PostgreSQL data directory (no PG_VERSION), but not ours to delete either.
        aside = data_dir.with_name(f"{data_dir.name}.incomplete-{int(time.time())}")
        data_dir.rename(aside)
        print(
            f"嵌入式数据库：{data_dir} 不完整，已移到 {aside} / "
            f"Embedded PostgreSQL: {data_dir} was incomplete and was moved to {aside}",
            file=sys.stderr,
        )
    from pgserver import _commands

    building = Path(tempfile.mkdtemp(prefix=f"{data_dir.name}.initdb-", dir=data_dir.parent))
    try:
        # pgserver makes one function per PostgreSQL program at import time.
        initdb = getattr(_commands, "initdb")  # noqa: B009
        initdb(
            ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=building,
            user=_server_user(building),
        )
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if data_dir.exists():
        for entry in data_dir.iterdir():  # only the handle file is left, see above
            entry.unlink()
        data_dir.rmdir()
    os.replace(building, data_dir)


def _server_user(pgdata: Path) -> str | None:
    """As root, pgserver runs PostgreSQL as the system user `pgserver` (PostgreSQL refuses to
    run as root); prepare `pgdata` the way pgserver does."""
    if os.geteuid() != 0:
        return None
    import pwd
    import stat

    from pgserver._commands import POSTGRES_BIN_PATH
    from pgserver.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    entry = ensure_user_exists("pgserver")
    assert entry is not None
    ensure_prefix_permissions(pgdata)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, stat.S_IXGRP | stat.S_IXOTH | read)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    return pwd.getpwuid(entry.pw_uid).pw_name


def read_handle_pids(path: Path) -> list[int]:
    """The pids in pgserver's handle file; an empty, truncated or foreign file reads as none."""
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(value, list):
        return []
    return [pid for pid in value if isinstance(pid, int) and not isinstance(pid, bool)]


def write_handle_pids(path: Path, pids: list[int]) -> None:
    """Write through a temporary file and `os.replace`, so a kill leaves the old or the new
    list, never a truncated one."""
    fd, temporary = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(pids))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def repair_handle_file(data_dir: Path) -> list[int]:
    """Keep only the pids of processes still alive; rewrite the file if it was not exactly
    that list. Returns the pids kept."""
    path = data_dir / HANDLE_FILE
    for leftover in data_dir.glob(f"{HANDLE_FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)
    if not path.exists():
        return []
    alive = [pid for pid in read_handle_pids(path) if is_alive(pid)]
    try:
        current = path.read_text()
    except OSError:
        current = ""
    if current != json.dumps(alive):
        write_handle_pids(path, alive)
    return alive


def release_handle(data_dir: Path) -> None:
    """At exit: drop this process (and any dead one) from the handle file. A process killed
    before this runs is dropped by the next start's repair instead."""
    path = data_dir / HANDLE_FILE
    with (
        contextlib.suppress(EmbeddedDatabaseError, OSError),
        exclusive_lock(data_dir.parent / "pg.lock", wait_seconds=10),
    ):
        me = os.getpid()
        pids = [pid for pid in read_handle_pids(path) if pid != me and is_alive(pid)]
        write_handle_pids(path, pids)


def is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, ValueError):
        return False
    except psutil.AccessDenied:
        return True


def server_processes(data_dir: Path) -> list[psutil.Process]:
    """The PostgreSQL processes (postmaster and backends) working in `data_dir`: PostgreSQL
    changes into its data directory, so their working directory says whose they are."""
    found = []
    for process in psutil.process_iter(["name", "cwd", "status"]):
        info = process.info
        if (
            info["name"] == "postgres"
            and info["cwd"] == str(data_dir)
            and info["status"] != psutil.STATUS_ZOMBIE
        ):
            found.append(process)
    return found


def _postmaster_lines(data_dir: Path) -> list[str] | None:
    try:
        return (data_dir / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return None


def _is_postmaster(pid: int, data_dir: Path) -> bool:
    try:
        process = psutil.Process(pid)
        return (
            process.name() == "postgres"
            and process.cwd() == str(data_dir)
            and process.status() != psutil.STATUS_ZOMBIE
        )
    except (psutil.NoSuchProcess, ValueError):
        return False
    except psutil.AccessDenied:
        return True


def settle_postmaster(data_dir: Path) -> None:
    """Leave `postmaster.pid` in a state pgserver reads correctly: a live server's file
    complete and "ready", or no file once its postmaster is truly dead. pgserver trusts any
    live pid (after a reboot it may be another program's) and cannot read a partial file."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        lines = _postmaster_lines(data_dir)
        if lines is None:
            return
        pid = int(lines[0]) if lines and lines[0].strip().isdigit() else None
        if pid is not None and _is_postmaster(pid, data_dir):
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return
        elif not server_processes(data_dir):
            # No postmaster and no backend left in this data directory: the file is stale.
            (data_dir / "postmaster.pid").unlink(missing_ok=True)
            for lock in data_dir.glob(".s.PGSQL.*.lock"):
                lock.unlink(missing_ok=True)
            return
        if time.monotonic() > deadline:
            raise EmbeddedDatabaseError(
                reason_zh=(
                    f"{data_dir} 中的 PostgreSQL 进程 {SETTLE_SECONDS:.0f} 秒内既未就绪也未退出"
                ),
                reason_en=(
                    f"PostgreSQL processes in {data_dir} neither became ready nor exited "
                    f"within {SETTLE_SECONDS:.0f} s"
                ),
                action_zh=f"结束这些进程（pgrep -a postgres）后重试，日志见 {data_dir / 'log'}",
                action_en=f"stop them (pgrep -a postgres) and retry; see {data_dir / 'log'}",
            )
        time.sleep(0.2)


def _explain(error: Exception, data_dir: Path, *, log_from: int | None) -> EmbeddedDatabaseError:
    """One line for a failure to start: disk full, permissions, or a server that would not
    start (the last FATAL line its log got since `log_from` says why)."""
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or _disk_nearly_full(data_dir):
        return EmbeddedDatabaseError(
            reason_zh=f"{data_dir} 所在磁盘已满",
            reason_en=f"the disk holding {data_dir} is full",
            action_zh="释放磁盘空间后重试",
            action_en="free disk space and retry",
        )
    if isinstance(error, PermissionError):
        return EmbeddedDatabaseError(
            reason_zh=f"没有权限访问 {error.filename or data_dir}",
            reason_en=f"no permission on {error.filename or data_dir}",
            action_zh=(
                f"检查 {data_dir.parent} 的属主和权限，或设置 COUNTY_MARKET_DATA_DIR 指向可写目录"
            ),
            action_en=(
                f"check the owner and permissions of {data_dir.parent}, or point "
                "COUNTY_MARKET_DATA_DIR at a writable folder"
            ),
        )
    fatal = None if log_from is None else _last_fatal_line(data_dir / "log", log_from)
    detail = fatal or f"{type(error).__name__}: {error}"
    detail = " ".join(detail.split())[:300]
    return EmbeddedDatabaseError(
        reason_zh=detail,
        reason_en=detail,
        action_zh=(
            f"查看日志 {data_dir / 'log'}；若数据目录已损坏，先备份再移走 {data_dir}，"
            "或设置 DATABASE_URL 使用其他 PostgreSQL"
        ),
        action_en=(
            f"see the log {data_dir / 'log'}; if the data directory is damaged, back up and "
            f"move away {data_dir}, or set DATABASE_URL to use another PostgreSQL"
        ),
    )


def _disk_nearly_full(data_dir: Path) -> bool:
    """initdb and the server's write-ahead log fail on a disk with less than this free, and
    report it only inside their own output."""
    folder = data_dir if data_dir.exists() else data_dir.parent
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def _last_fatal_line(log: Path, log_from: int) -> str | None:
    try:
        with open(log, "rb") as handle:
            handle.seek(log_from)
            lines = handle.read().decode(errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        if "FATAL" in line or "PANIC" in line:
            return line.strip()
    return None
