"""Search benchmark (issue #15): PostgreSQL search with facets over the county seed plus N
synthetic products (default 100,000).

Prints: the time to build every search document; p50/p95 of one storefront search (parse,
match and rank, first page of 20, then the facet counts) at concurrency 1 and 8 over the
queries of the relevance set; and the lag from a product update to its visibility in search
through the real path (post_save → on_commit → debounced Celery task on a worker started here
with its own Redis database as broker).

    .venv/bin/python bench/search.py                       # 100,000 synthetic products
    .venv/bin/python bench/search.py --synthetic 10000 --rounds 100

Database: BENCH_DATABASE_URL or DATABASE_URL's server with `countymarket_bench`.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _serve import bench_env, manage, p50_p95  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    env = bench_env()
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
    if not args.skip_prepare:
        prepare(env, args.synthetic)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from backend.catalog.models import Product
    from backend.channel.models import Channel
    from backend.search.documents import rebuild_all
    from backend.search.selectors import facets_for, search
    from backend.storefront.selectors import listed_products
    from tests.search.relevance import CASES

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; products: "
        f"{Product.objects.count():,}"
    )
    started = time.perf_counter()
    documents, terms = rebuild_all()
    seconds = time.perf_counter() - started
    print(f"rebuild: {documents:,} documents, {terms:,} terms in {seconds:.1f} s")
    channel = Channel.objects.get(slug="guanyun")
    queries = [q for _k, q, _r in CASES]

    def one(query: str) -> float:
        t = time.perf_counter()
        result = search(listed_products(channel), query)
        list(
            result.products.order_by("-search_rank", "name", "pk").values_list("pk", flat=True)[:20]
        )
        facets_for(result.products)
        return time.perf_counter() - t

    for q in queries:  # warm the vocabulary and the jieba dictionary
        one(q)
    for concurrency in (1, 8):
        timings: list[float] = []
        lock = threading.Lock()

        def worker(n: int, concurrency=concurrency, lock=lock, timings=timings) -> None:
            local = [
                one(queries[(n + i) % len(queries)]) for i in range(args.rounds // concurrency)
            ]
            with lock:
                timings.extend(local)
            connection.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        p50, p95 = p50_p95(timings)
        print(
            f"search+facets concurrency {concurrency}: {len(timings)} searches, "
            f"{len(timings) / elapsed:.1f}/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )

    worker_proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "backend", "worker", "-c", "1", "-l", "WARNING"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)
        lags = []
        product = Product.objects.get(slug="yilu-green-tea")
        for i in range(5):
            word = ["云雾", "毛尖", "雀舌", "翠芽", "银针"][i]
            with transaction.atomic():
                product.name = f"伊芦山{word}茶"
                product.save()
            t = time.perf_counter()
            while not search(Product.objects.all(), word).products.filter(pk=product.pk).exists():
                if time.perf_counter() - t > 60:
                    break
                time.sleep(0.05)
            lags.append((time.perf_counter() - t) * 1000)
        print(
            "update → visible lag (debounce 1 s + refresh): "
            + ", ".join(f"{lag:.0f} ms" for lag in lags)
        )
        product.name = "伊芦山绿茶"
        product.save()
    finally:
        worker_proc.terminate()
        worker_proc.wait(timeout=30)


if __name__ == "__main__":
    main()
