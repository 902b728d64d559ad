"""Catalog API benchmark (issue #2).

Prepares a database with the county seed plus N synthetic products, serves the app with
production settings under gunicorn (2 workers), and loads two queries at several concurrency
levels:

  list    products(first: 20, channel) with pricing, thumbnail and category
  detail  product(slug, channel) with variants and attributes

For each it prints requests/s, p50 and p95 latency, and the SQL statements per request (from
the X-DB-Query-Count header the app adds when DB_QUERY_COUNT_HEADER=1). Client and server share
the machine, so the figures include the client's own CPU use.

    .venv/bin/python bench/catalog_api.py                      # defaults below
    .venv/bin/python bench/catalog_api.py --synthetic 10000 --duration 15 --concurrency 1,8,32

The database is BENCH_DATABASE_URL, or DATABASE_URL's server with the database name
`countymarket_bench`, or the embedded PostgreSQL when neither is set.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import threading
import time

from _serve import bench_env, manage, p50_p95, serve, stop

LIST_QUERY = """query($channel: String) { products(first: 20, channel: $channel) { totalCount
  edges { node { id name slug thumbnail(size: 256, format: WEBP) { url alt }
    category { name slug }
    pricing { onSale priceRange { start { gross { amount currency } }
      stop { gross { amount currency } } } } } } } }"""

DETAIL_QUERY = """query($slug: String, $channel: String) { product(slug: $slug, channel: $channel) {
  id name description seoTitle isAvailable
  attributes { attribute { name slug } values { name } }
  variants { id sku name quantityAvailable
    attributes { attribute { slug } values { name } }
    pricing { price { gross { amount currency } net { amount } } } } } }"""


def prepare(env: dict, synthetic: int) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_catalog")
    count = manage(
        env,
        "shell",
        "-c",
        "from backend.catalog.models import Product; print(Product.objects.count())",
    )
    if int(count.strip().splitlines()[-1]) < synthetic:
        manage(env, "seed_catalog", "--synthetic", str(synthetic))
    print(f"database ready in {time.perf_counter() - started:.1f} s")


def _client_process(port, body, threads, duration, queue):
    latencies: list[float] = []
    statements: list[int] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, counts, failed = [], [], 0
        headers = {"Content-Type": "application/json"}
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("POST", "/graphql/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                ok = response.status == 200 and b'"errors"' not in payload
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
                counts.append(int(response.getheader("X-DB-Query-Count", "0")))
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            statements.extend(counts)
            errors[0] += failed

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, statements, errors[0]))


def load(port: int, body: bytes, concurrency: int, duration: float) -> dict:
    """Run `concurrency` keep-alive clients for `duration` seconds, spread over processes so
    the client's GIL does not cap the load."""
    processes = min(concurrency, 4)
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    queue: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client_process, args=(port, body, n, duration, queue))
        for n in shares
    ]
    for worker in workers:
        worker.start()
    latencies, statements, errors = [], [], 0
    for _ in workers:
        lat, stm, err = queue.get()
        latencies += lat
        statements += stm
        errors += err
    for worker in workers:
        worker.join()
    p50, p95 = p50_p95(latencies)
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / duration,
        "p50_ms": p50,
        "p95_ms": p95,
        "statements": sum(statements) / len(statements) if statements else 0,
    }


def first_seed_slug(port: int, channel: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    query = (
        'query($c: String) { products(first: 1, channel: $c, search: "大米") '
        "{ edges { node { slug } } } }"
    )
    conn.request(
        "POST",
        "/graphql/",
        body=json.dumps({"query": query, "variables": {"c": channel}}),
        headers={"Content-Type": "application/json"},
    )
    data = json.loads(conn.getresponse().read())
    return data["data"]["products"]["edges"][0]["node"]["slug"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--channel", default=None, help="channel slug (default: the only one)")
    args = parser.parse_args()

    env = bench_env()
    # Tasks (thumbnails of the seed images) run in-process while preparing the data.
    redis_url = env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    prepare(env, args.synthetic)
    if redis_url:
        env["REDIS_URL"] = redis_url  # the served app caches in Redis, as in production
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {args.workers} gunicorn workers; "
        f"{args.synthetic} synthetic products; {args.duration:.0f} s per level; "
        f"cache: {'Redis' if redis_url else 'local memory'}"
    )
    for mode, cache_seconds in (("uncached", 0), ("cached", 30)):
        run_mode(env, args, mode, cache_seconds)


def run_mode(env: dict, args, mode: str, cache_seconds: int) -> None:
    server = serve(
        env, args.port, args.workers, {"GRAPHQL_RESPONSE_CACHE_SECONDS": str(cache_seconds)}
    )
    try:
        channel = args.channel
        slug = first_seed_slug(args.port, channel)
        scenarios = {
            "list": json.dumps({"query": LIST_QUERY, "variables": {"channel": channel}}),
            "detail": json.dumps(
                {"query": DETAIL_QUERY, "variables": {"slug": slug, "channel": channel}}
            ),
        }
        load(args.port, scenarios["list"].encode(), 2, 2.0)  # warm up both workers
        print(
            f"\nresponse cache {mode} ({cache_seconds} s)\n"
            f"{'query':<8}{'conc':>5}{'requests':>10}{'errors':>8}{'req/s':>9}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'SQL/req':>9}"
        )
        for name, body in scenarios.items():
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                r = load(args.port, body.encode(), concurrency, args.duration)
                print(
                    f"{name:<8}{r['concurrency']:>5}{r['requests']:>10}{r['errors']:>8}"
                    f"{r['rps']:>9.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
                    f"{r['statements']:>9.1f}"
                )
    finally:
        stop(server)


if __name__ == "__main__":
    main()
