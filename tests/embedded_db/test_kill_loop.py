"""Issue #17: `make run`'s processes killed at random moments — during migrate, seed and
serving, with SIGINT, SIGTERM and SIGKILL, runserver's reloader parent alone, two at once — and the
next run still serves, with the data intact.

The processes are the Makefile's own commands (`manage.py migrate --noinput`,
`manage.py seed_catalog`, `manage.py runserver`) with `DATABASE_URL` unset, on a temporary data
folder. The random moments come from a fixed seed printed in the output (set `KILL_LOOP_SEED`
to replay a run, `KILL_LOOP_ROUNDS` for more rounds). Its time, measured on 2 cores shared at
load 7: 2 min 30 s to 3 min 20 s with 5 rounds, so CI runs 4; most of it is the first migrate
and seed.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from backend.core.embedded_db import HANDLE_FILE, is_alive, read_handle_pids

from .conftest import Embedded

SEED = int(os.environ.get("KILL_LOOP_SEED", "20261207"))
ROUNDS = int(os.environ.get("KILL_LOOP_ROUNDS", "4"))
MIGRATE = ("manage.py", "migrate", "--noinput")
SEED_CATALOG = ("manage.py", "seed_catalog")
# Ctrl-C in the terminal (SIGINT to the whole group), `kill`, `kill -9`.
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
# Every kind of interruption comes once; further rounds pick at random.
# ("seed-while-serving" kills a seed beside a serving runserver: two at once.)
KINDS = ["migrate", "seed-while-serving", "serve", "serve-parent-only", "seed"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str, data: bytes | None = None) -> int | None:
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return None


def wait_until_served(port: int, seconds: float = 120) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = status_of(f"http://127.0.0.1:{port}/")
        if status is not None:
            return status
        time.sleep(0.3)
    return None


def complete(embedded: Embedded, *args: str) -> None:
    result = embedded.run(*args, timeout=300)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-2000:]}"


def interrupt(embedded: Embedded, process: subprocess.Popen, delay: float, sig: int) -> None:
    time.sleep(delay)
    embedded.kill_group(process, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        embedded.kill_group(process, signal.SIGKILL)
        process.wait(timeout=30)


def product_count(embedded: Embedded) -> str:
    return embedded.psql("SELECT count(*) FROM catalog_product")


def test_killed_runs_leave_a_database_that_serves_with_its_data(embedded: Embedded):
    rng = random.Random(SEED)
    started = time.monotonic()
    print(f"\nkill loop: seed {SEED}, {ROUNDS} rounds")

    # A newcomer's very first `make run`, stopped during initdb or the first migrations.
    delay, sig = rng.uniform(0.5, 10), rng.choice(SIGNALS)
    print(f"first migrate: {signal.Signals(sig).name} after {delay:.1f} s")
    interrupt(embedded, embedded.popen(*MIGRATE, log="first.log"), delay, sig)

    complete(embedded, *MIGRATE)
    complete(embedded, *SEED_CATALOG)
    products = product_count(embedded)
    assert int(products.strip("[](),")) > 0
    embedded.psql(
        "CREATE TABLE written_before (note text); INSERT INTO written_before VALUES ('x')"
    )

    kinds = (KINDS + [rng.choice(KINDS) for _ in range(max(0, ROUNDS - len(KINDS)))])[:ROUNDS]
    rng.shuffle(kinds)
    for number, kind in enumerate(kinds, start=1):
        sig = rng.choice(SIGNALS)
        name = signal.Signals(sig).name
        port = free_port()
        serve = ("manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
        if kind == "migrate":
            delay = rng.uniform(0.2, 5)
            interrupt(embedded, embedded.popen(*MIGRATE, log="rounds.log"), delay, sig)
        elif kind == "seed":
            delay = rng.uniform(0.5, 10)
            interrupt(embedded, embedded.popen(*SEED_CATALOG, log="rounds.log"), delay, sig)
        elif kind == "serve":
            delay = rng.uniform(0.5, 8)
            interrupt(embedded, embedded.popen(*serve, log="rounds.log"), delay, sig)
        elif kind == "serve-parent-only":
            # The reloader's parent killed alone once its child serves. On SIGTERM Django's
            # reloader kills its child (SIGKILL) on the way out; after SIGKILL the orphaned
            # child keeps serving beside the later runs.
            parent = embedded.popen(*serve[:-1], log="rounds.log")
            assert wait_until_served(port) == 200, f"round {number}: runserver with reloader"
            delay = rng.uniform(0, 3)
            time.sleep(delay)
            os.kill(parent.pid, sig)
            parent.wait(timeout=30)
            if sig == signal.SIGKILL:
                assert wait_until_served(port, 30) == 200, "the orphaned child serves"
        else:  # two at once: a seed killed while a server starts and serves
            server = embedded.popen(*serve, log="rounds.log")
            delay = rng.uniform(0.5, 10)
            interrupt(embedded, embedded.popen(*SEED_CATALOG, log="rounds.log"), delay, sig)
            assert wait_until_served(port) == 200, f"round {number}: the server beside the seed"
            interrupt(embedded, server, 0, sig)
        print(f"round {number}: {kind}, {name} after {delay:.1f} s")

    # The next `make run`.
    complete(embedded, *MIGRATE)
    complete(embedded, *SEED_CATALOG)
    port = free_port()
    server = embedded.popen("manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
    assert wait_until_served(port) == 200
    graphql = b'{"query": "{ __typename }"}'
    assert status_of(f"http://127.0.0.1:{port}/graphql/", graphql) == 200
    assert product_count(embedded) == products
    assert embedded.psql("SELECT note FROM written_before") == "[('x',)]"
    pids = read_handle_pids(embedded.pgdata / HANDLE_FILE)
    assert all(is_alive(pid) for pid in pids), pids
    interrupt(embedded, server, 0, signal.SIGTERM)
    print(f"kill loop took {time.monotonic() - started:.0f} s")
