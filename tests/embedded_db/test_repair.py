"""The embedded PostgreSQL starts again after whatever a stopped or killed run left behind
(issue #17, "The embedded database survives interruption"), keeps its data, and says in one
line what to do when it truly cannot start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import psutil
import pytest

from backend.core.embedded_db import HANDLE_FILE, server_processes

from .conftest import CONNECT, Embedded, stop_servers


def dead_pids(count: int) -> list[int]:
    pids = []
    for _ in range(count):
        process = subprocess.Popen(["true"])
        process.wait()
        pids.append(process.pid)
    return pids


def assert_connects(embedded: Embedded) -> None:
    result = embedded.connect()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "connected 1" in result.stdout
    assert "Traceback" not in result.stderr


def handle_pids(embedded: Embedded) -> list[int]:
    value = json.loads((embedded.pgdata / HANDLE_FILE).read_text())
    assert isinstance(value, list)
    return value


def assert_row_kept(embedded: Embedded) -> None:
    assert embedded.psql("SELECT note FROM kept") == "[('before',)]"


def test_damaged_handle_file_is_rebuilt_and_the_data_kept(started: Embedded):
    for contents in ["", "[41, 4", '\x00{"pids": [1, "x", null]}']:
        (started.pgdata / HANDLE_FILE).write_text(contents)

        assert_connects(started)

        assert all(psutil.pid_exists(pid) for pid in handle_pids(started)), contents
        assert_row_kept(started)


def test_handle_file_drops_the_pids_of_processes_long_gone(started: Embedded):
    gone = dead_pids(3)
    (started.pgdata / HANDLE_FILE).write_text(json.dumps(gone))
    killed = []
    for _ in range(2):
        killed.append(kill_once_registered(started))

    assert_connects(started)

    assert not set(handle_pids(started)) & {*gone, *killed}
    assert handle_pids(started) == []  # the connecting process removed itself at exit


def kill_once_registered(embedded: Embedded) -> int:
    """Start a process that uses the server, SIGKILL it once pgserver lists it; its pid."""
    process = embedded.popen("-c", "from backend import settings; import time; time.sleep(600)")
    deadline = time.monotonic() + 60
    while process.pid not in handle_pids(embedded) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.pid in handle_pids(embedded)
    embedded.kill_group(process)
    process.wait()
    return process.pid


def test_stale_postmaster_pid_of_a_killed_server_is_removed(started: Embedded):
    postmaster = started.postmaster_pid()
    assert postmaster is not None
    os.kill(postmaster, signal.SIGKILL)

    assert_connects(started)

    assert started.postmaster_pid() not in {None, postmaster}
    assert_row_kept(started)


def test_postmaster_pid_naming_another_live_program_is_not_trusted(started: Embedded):
    started.shut_down()
    # After a reboot the old postmaster's pid may belong to any program: pgserver would take
    # it for a running server and hand out a socket nobody listens on.
    stranger = started.popen("-c", "import time; time.sleep(600)")
    pid_file = started.pgdata / "postmaster.pid"
    lines = pid_file.read_text().splitlines() if pid_file.exists() else []
    lines = lines or ["0", str(started.pgdata), "0", "5432", str(started.pgdata), "", "", "ready"]
    pid_file.write_text("\n".join([str(stranger.pid), *lines[1:]]) + "\n")

    assert_connects(started)

    assert stranger.poll() is None  # never touched
    assert started.postmaster_pid() != stranger.pid
    assert_row_kept(started)


def test_truncated_postmaster_pid_of_a_dead_server_is_removed(started: Embedded):
    postmaster = started.postmaster_pid()
    assert postmaster is not None
    os.kill(postmaster, signal.SIGKILL)
    (started.pgdata / "postmaster.pid").write_text(f"{postmaster}\n")

    assert_connects(started)
    assert_row_kept(started)


def test_server_left_running_by_a_killed_process_is_reused(started: Embedded):
    postmaster = started.postmaster_pid()
    kill_once_registered(started)

    assert_connects(started)

    assert started.postmaster_pid() == postmaster
    assert_row_kept(started)


def test_interrupted_first_start_leaves_nothing_half_made(embedded: Embedded):
    """An initdb killed halfway: a half-made data folder is moved aside (never deleted) and
    the server is created afresh."""
    embedded.pgdata.mkdir(parents=True)
    (embedded.pgdata / "base").mkdir()
    (embedded.pgdata / "postgresql.conf").write_text("# half made\n")
    (embedded.root / "pg.initdb-abc123").mkdir()

    assert_connects(embedded)

    aside = list(embedded.root.glob("pg.incomplete-*"))
    assert len(aside) == 1
    assert (aside[0] / "postgresql.conf").read_text() == "# half made\n"
    assert not list(embedded.root.glob("pg.initdb-*"))
    assert (embedded.pgdata / "PG_VERSION").exists()


def test_first_start_killed_during_initdb_starts_next_time(embedded: Embedded):
    process = embedded.popen("-c", CONNECT)
    deadline = time.monotonic() + 60
    while not list(embedded.root.glob("pg.initdb-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    embedded.kill_group(process)
    process.wait()

    assert_connects(embedded)
    assert not list(embedded.root.glob("pg.initdb-*"))


def test_two_processes_starting_at_once_share_one_server(embedded: Embedded):
    results: list[subprocess.CompletedProcess] = []
    threads = [
        threading.Thread(target=lambda: results.append(embedded.connect())) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    postmasters = [p for p in server_processes(embedded.pgdata) if "-D" in p.cmdline()]
    assert len(postmasters) == 1


def assert_one_line_and_exit_status(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("嵌入式数据库无法启动：")
    assert "Embedded PostgreSQL could not start:" in lines[0]
    return lines[0]


def test_a_data_folder_that_cannot_be_made_says_so_in_one_line(embedded: Embedded):
    blocker = embedded.root / "a-file"
    blocker.write_text("")
    embedded.env["COUNTY_MARKET_DATA_DIR"] = str(blocker / "data")

    line = assert_one_line_and_exit_status(embedded.run("manage.py", "check"))

    assert str(blocker) in line


def test_a_server_that_cannot_start_says_what_to_do_in_one_line(started: Embedded):
    started.shut_down()
    (started.pgdata / "PG_VERSION").write_text("7\n")  # a data folder of another version

    line = assert_one_line_and_exit_status(started.run("manage.py", "check"))

    assert "DATABASE_URL" in line
    assert (started.pgdata / "base").is_dir()  # the data is left alone


def test_a_full_disk_says_so_in_one_line(embedded: Embedded):
    tiny = embedded.root / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(tiny)])
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        embedded.env["COUNTY_MARKET_DATA_DIR"] = str(tiny)

        line = assert_one_line_and_exit_status(embedded.run("manage.py", "check"))

        assert "所在磁盘已满" in line
        assert "free disk space and retry" in line
    finally:
        stop_servers(tiny / "pg")
        subprocess.run(["umount", str(tiny)], check=True)
