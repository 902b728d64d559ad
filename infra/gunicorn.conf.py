"""gunicorn configuration for the County Market web process.

    gunicorn -c infra/gunicorn.conf.py backend.wsgi:application

Why WSGI with `gthread` workers rather than ASGI with uvicorn workers: the GraphQL endpoint is
graphene-django's `GraphQLView`, a synchronous Django view, and the ORM underneath it is
synchronous too. Under ASGI, Django runs every synchronous view through
`asgiref.sync.sync_to_async(thread_sensitive=True)`, and thread-sensitive calls all share one
thread per process: a uvicorn worker would serve its GraphQL requests one after another, while
its event loop only accepts connections. A `gthread` worker runs `GUNICORN_THREADS` requests at
once, each on its own thread with its own database connection, so concurrency per worker is
real for this (I/O-bound, database-heavy) workload. `backend/asgi.py` stays for the day an
async endpoint (subscriptions, server-sent events) needs it. See docs/architecture.md.
"""

from __future__ import annotations

import os


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects a container's CPU set
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
# Processes give CPU parallelism (the GIL), threads overlap database and network waits.
# Each thread may hold one PostgreSQL connection (DB_CONN_MAX_AGE): budget
# max_connections ≥ web containers × workers × threads + Celery concurrency + headroom.
workers = _int_env("WEB_CONCURRENCY", 2 * _cpu_count() + 1)
threads = _int_env("GUNICORN_THREADS", 4)

timeout = _int_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int_env("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak in a long-lived process cannot grow unbounded.
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int_env("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Heartbeat files on tmpfs: a container's overlay filesystem can stall workers' heartbeats.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The load balancer in front terminates TLS; trust its X-Forwarded-* headers only from it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
