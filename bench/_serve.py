"""What the benchmarks share: the bench database, manage.py, gunicorn with production settings
and latency percentiles. Imported by the scripts beside it (`bench/*.py` run as scripts, so
this directory is on `sys.path`)."""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def bench_database_url() -> str | None:
    """BENCH_DATABASE_URL, or DATABASE_URL's server with the database `countymarket_bench`, so a
    benchmark never writes to the development or test database."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("DATABASE_URL"):
        parsed = urlparse(os.environ["DATABASE_URL"])
        return urlunparse(parsed._replace(path="/countymarket_bench"))
    return None


def own_database_url(name: str) -> str:
    """A benchmark's own database: BENCH_<NAME>_DATABASE_URL, or DATABASE_URL's server with the
    database `countymarket_<name>_bench`, so one benchmark's data never mixes with another's
    nor with the development or test database."""
    override = f"BENCH_{name.upper()}_DATABASE_URL"
    if os.environ.get(override):
        return os.environ[override]
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit(f"Set DATABASE_URL (a PostgreSQL server) or {override}.")
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path=f"/countymarket_{name}_bench"))


def setup_django(
    url: str, *, migrate: bool = True, seed: bool = False, redis_db: int | None = None
):
    """Create and migrate (and seed) the database at `url`, then set Django up in this process
    on it. Without `redis_db` no broker or cache server is used (nothing is queued); with it,
    REDIS_URL's server with that database number."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings", "DATABASE_URL": url}
    if migrate:
        ensure_database(url)
        manage(env, "migrate", "--noinput")
    if seed:
        manage(env, "seed_catalog")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    if redis_db is not None and os.environ.get("REDIS_URL"):
        parsed = urlparse(os.environ["REDIS_URL"])
        os.environ["REDIS_URL"] = urlunparse(parsed._replace(path=f"/{redis_db}"))
    else:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class SqlCounter:
    """Counts the SQL statements run through Django's connection (an execute wrapper)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_env() -> dict[str, str]:
    """The environment for manage.py and gunicorn: the bench database (created if missing), or
    the embedded PostgreSQL when no database URL is set."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings"}
    url = bench_database_url()
    if url:
        ensure_database(url)
        env["DATABASE_URL"] = url
    else:
        sys.path.insert(0, str(ROOT))
        from backend.core.embedded_db import embedded_database_url

        env["DATABASE_URL"] = embedded_database_url(ROOT / ".data" / "pg")
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def serve(env: dict, port: int, workers: int, extra_env: dict[str, str]) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` with production settings (infra/gunicorn.conf.py), once
    /healthz/ answers. Stop it with `stop()`."""
    # Another server on the port would answer the health check and take the load instead.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is already in use; choose another with --port")
    server_env = {
        **env,
        "COUNTY_MARKET_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DB_QUERY_COUNT_HEADER": "1",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "backend.wsgi:application",
            "--config",
            str(ROOT / "infra" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not become healthy within 60 s")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group, from `start_new_session`)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def p50_p95(latencies: list[float]) -> tuple[float, float]:
    """The 50th and 95th percentiles in milliseconds (0 when nothing was measured)."""
    if not latencies:
        return 0.0, 0.0
    if len(latencies) == 1:
        return latencies[0] * 1000, latencies[0] * 1000
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


def _ticks(stat_line: str, *, children: bool = False) -> int:
    # /proc/<pid>/stat: the command may contain spaces, so split after its closing parenthesis;
    # utime, stime, cutime and cstime are fields 14 to 17 (proc(5)); the last two count the
    # children the process has reaped.
    fields = stat_line.rsplit(")", 1)[1].split()
    own = int(fields[11]) + int(fields[12])
    return own + int(fields[13]) + int(fields[14]) if children else own


def _machine_busy_ticks() -> int:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return user + nice + system + irq + softirq + steal


def cpu_snapshot(server_pgid: int, database: str) -> dict | None:
    """CPU seconds used so far by each gunicorn process (its process group) and each PostgreSQL
    backend of `database`, and by the whole machine; None where /proc is unavailable. Compare
    two snapshots with `cpu_used`."""
    if not os.path.exists("/proc/stat"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    snapshot: dict = {"server": {}, "database": {}, "machine": _machine_busy_ticks() / tick}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                line = stat.read()
            if os.getpgid(int(entry)) == server_pgid:
                # The master counts the workers it reaped (recycled after max_requests).
                master = int(entry) == server_pgid
                snapshot["server"][entry] = _ticks(line, children=master) / tick
            elif "(postgres)" in line:
                with open(f"/proc/{entry}/cmdline") as cmdline:
                    if f" {database} " in cmdline.read():
                        snapshot["database"][entry] = _ticks(line) / tick
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return snapshot


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two snapshots. A gunicorn worker that ended in between is counted
    through the master's reaped-children time, less what it had used before; a PostgreSQL
    backend that ended is not counted (its figures are gone)."""
    used = {"machine": after["machine"] - before["machine"]}
    for role in ("server", "database"):
        used[role] = sum(
            seconds - before[role].get(pid, 0.0) for pid, seconds in after[role].items()
        )
    used["server"] -= sum(
        seconds for pid, seconds in before["server"].items() if pid not in after["server"]
    )
    return used
