"""A REAL Celery worker (a thread of this process) on a REAL Redis broker, for the tests whose
point is a task's behaviour through the broker. Each caller names its own Redis database, so
two such tests never consume each other's tasks."""

from __future__ import annotations

import os
from contextlib import contextmanager

import redis
from django.db import connections

from backend.celery import app as celery_app


def broker_url(db: int) -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{db}"


def redis_reachable(db: int) -> bool:
    try:
        return bool(redis.Redis.from_url(broker_url(db), socket_timeout=1).ping())
    except redis.RedisError:
        return False


@contextmanager
def running_worker(db: int):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")
    }
    celery_app.conf.update(broker_url=broker_url(db), task_always_eager=False, result_backend=None)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None

    def close_worker_connections(**_kwargs):
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
