"""Storefront budgets (issue #5): page weight in Chromium and home-page latency under load.

Prepares the bench database with the county seed (thumbnails made in-process), collects the
static files, serves the app with production settings under gunicorn (2 workers), then:

1. loads the home page, a category listing and a product page in Debian's Chromium through
   Playwright, each in a fresh browser context (an empty cache: a first visit), and sums the
   bytes transferred (headers and bodies as they came over the wire) excluding product images
   (/media/), and the JavaScript bytes;
2. requests the home page from 8 concurrent keep-alive HTTP clients and reports p50/p95.

Budgets: 150 KB per page excluding product images, under 30 KB of JavaScript, home p95 under
50 ms at concurrency 8.

    .venv/bin/python bench/storefront_budget.py
    .venv/bin/python bench/storefront_budget.py --requests 2000 --concurrency 8

The database is the one the other benchmarks use (`_serve.bench_database_url`; set
BENCH_DATABASE_URL to choose another). Chromium must be at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from _serve import bench_env, manage, p50_p95, serve, stop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {
    "home": "/",
    "listing": "/c/grain-oil/",
    "product": "/p/dongwangji-rice/",
}
PAGE_BUDGET = 150 * 1024
JS_BUDGET = 30 * 1024
P95_BUDGET_MS = 50.0

MAKE_THUMBNAILS = """
from backend.catalog.models import ProductMedia
from backend.catalog.thumbnails import generate_thumbnails
for media in ProductMedia.objects.exclude(image=""):
    generate_thumbnails(media=media)
"""


def page_weight(base_url: str, path: str) -> dict:
    """Bytes a first visit transfers, by kind, in Chromium on a phone-sized screen."""
    from playwright.sync_api import sync_playwright

    totals = {"total": 0, "images": 0, "js": 0, "css": 0, "html": 0, "requests": 0}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(base_url + path, wait_until="networkidle")
        for request in finished:
            sizes = request.sizes()
            transferred = sizes["responseHeadersSize"] + sizes["responseBodySize"]
            totals["requests"] += 1
            if "/media/" in request.url:
                totals["images"] += transferred
                continue
            totals["total"] += transferred
            kind = request.resource_type
            if kind == "script":
                totals["js"] += transferred
            elif kind == "stylesheet":
                totals["css"] += transferred
            elif kind == "document":
                totals["html"] += transferred
        context.close()
        browser.close()
    return totals


def hammer(port: int, path: str, *, concurrency: int, requests: int) -> tuple[list[float], int]:
    """`requests` GETs of `path` from `concurrency` keep-alive clients; latencies in seconds
    and the number of non-200 answers."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_client = requests // concurrency

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def lighthouse(url: str) -> dict[str, float] | str:
    """Mobile performance and accessibility scores (0-100) from the npm `lighthouse` package
    driving Debian's Chromium, or why it could not run."""
    command = [
        "npx",
        "--yes",
        "lighthouse@12",
        url,
        "--quiet",
        "--only-categories=performance,accessibility",
        "--form-factor=mobile",
        "--output=json",
        "--output-path=stdout",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
    ]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"lighthouse did not run: {error}"
    if result.returncode != 0:
        return f"lighthouse failed: {result.stderr.strip().splitlines()[-1:]}"
    report = json.loads(result.stdout)
    return {
        name: round(category["score"] * 100)
        for name, category in report["categories"].items()
        if category.get("score") is not None
    }


def kb(value: int) -> str:
    return f"{value / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1600)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--lighthouse", action="store_true", help="also run Lighthouse (npx lighthouse@12)"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")

    env = bench_env()
    static_root = Path(tempfile.mkdtemp(prefix="storefront-static-"))
    env["STATIC_ROOT"] = str(static_root)
    if not args.skip_seed:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_catalog")
        manage(env, "shell", "-c", MAKE_THUMBNAILS)
    # Production serves static files from the manifest storage; the collected set is the one
    # a deployment ships.
    production = {**env, "COUNTY_MARKET_ENV": "production", "DEBUG": "0"}
    production["SECRET_KEY"] = "bench-only-" + "x" * 40
    production["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    production["FIELD_ENCRYPTION_KEYS"] = "YmVuY2gtb25seS1rZXktbmV2ZXItdXNlZC1lbHNld2g="
    manage(production, "collectstatic", "--noinput")

    server = serve(env, args.port, args.workers, {"STATIC_ROOT": str(static_root)})
    try:
        base = f"http://127.0.0.1:{args.port}"
        print(
            f"Machine: {os.cpu_count()} cores, {platform.platform()}; gunicorn {args.workers} "
            "workers, production settings"
        )
        print()
        print("| page | transferred (excl. product images) | JS | CSS | HTML | product images |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        verdicts = []
        for name, path in PAGES.items():
            weight = page_weight(base, path)
            print(
                f"| {name} `{path}` | {kb(weight['total'])} | {kb(weight['js'])} | "
                f"{kb(weight['css'])} | {kb(weight['html'])} | {kb(weight['images'])} |"
            )
            verdicts.append((f"{name} ≤ 150 KB", weight["total"] <= PAGE_BUDGET))
            verdicts.append((f"{name} JS < 30 KB", weight["js"] < JS_BUDGET))
        print()
        # Warm the cached fragments and the workers' connections first.
        hammer(args.port, "/", concurrency=args.concurrency, requests=args.concurrency * 10)
        started = time.perf_counter()
        latencies, errors = hammer(
            args.port, "/", concurrency=args.concurrency, requests=args.requests
        )
        elapsed = time.perf_counter() - started
        p50, p95 = p50_p95(latencies)
        print(
            f"Home page at concurrency {args.concurrency}: {len(latencies)} requests in "
            f"{elapsed:.1f} s ({len(latencies) / elapsed:.0f} req/s), p50 {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, {errors} errors"
        )
        verdicts.append((f"home p95 < 50 ms at c={args.concurrency}", p95 < P95_BUDGET_MS))
        print()
        if args.lighthouse:
            cart_path = "/cart/"
            for name, path in [*PAGES.items(), ("cart", cart_path)]:
                scores = lighthouse(base + path)
                print(f"Lighthouse (mobile) {name} `{path}`: {scores}")
                if isinstance(scores, dict):
                    verdicts.append(
                        (f"{name} performance ≥ 90", scores.get("performance", 0) >= 90)
                    )
                    verdicts.append(
                        (f"{name} accessibility ≥ 95", scores.get("accessibility", 0) >= 95)
                    )
            print()
        for label, ok in verdicts:
            print(f"{'PASS' if ok else 'FAIL'}  {label}")
    finally:
        stop(server)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
