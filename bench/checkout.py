"""Checkout benchmark (issue #3).

Prepares the bench database with the county seed, serves the app with production settings
under gunicorn (2 workers), and has concurrent shoppers place orders end to end through the
GraphQL API, the way a storefront does:

  checkoutCreate (one line) → checkoutLinesAdd (a second product) →
  checkoutShippingAddressUpdate (a seeded town and village of the county) →
  checkoutDeliveryMethodUpdate (县内配送) → transactionInitialize (dummy gateway) →
  checkoutComplete

Every shopper is a thread with its own keep-alive connection; threads are spread over up to
4 processes so the client's GIL does not cap the load. Products are drawn at random from the
seed's purchasable variants, and their stock is topped up before each level so that running
out of stock never counts as an error. Any failed step (HTTP error, GraphQL error, a mutation
error) fails the flow; failures are counted by step and error code and printed.

For each concurrency level it prints orders/s, p50/p95 of checkoutComplete and of the whole
flow, p95 of every step, SQL statements per flow (X-DB-Query-Count), the errors, and checks
that the database holds exactly one new order per completed flow.

    .venv/bin/python bench/checkout.py                                # 200 orders per level
    .venv/bin/python bench/checkout.py --concurrency 1,8,32 --orders 300
    .venv/bin/python bench/checkout.py --duration 20                 # 20 s per level instead

The database is the one `bench/catalog_api.py` uses (see `_serve.py`). The app's Celery tasks
(order notifications, routing plans) are queued to the broker (Redis database 15 by default,
BENCH_BROKER_URL to choose) and not run: no worker runs, and the bench removes the messages it
queued when it ends.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import resource
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse, urlunparse

from _serve import bench_env, cpu_snapshot, cpu_used, manage, p50_p95, serve, stop

CART = "id quantity lines { id quantity } totalPrice { gross { amount currency } }"
ERRORS = "errors { field code message }"

STEPS: dict[str, str] = {
    "create": f"""mutation($input: CheckoutCreateInput!) {{
      checkoutCreate(input: $input) {{ checkout {{ {CART} }} {ERRORS} }} }}""",
    "lines": f"""mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{
      checkoutLinesAdd(id: $id, lines: $lines) {{ checkout {{ {CART} }} {ERRORS} }} }}""",
    "address": f"""mutation($id: ID!, $address: AddressInput!) {{
      checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {{
        checkout {{ {CART} shippingMethods {{ id name price {{ amount }} }} }} {ERRORS} }} }}""",
    "delivery": f"""mutation($id: ID!, $method: ID) {{
      checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {{
        checkout {{ {CART} shippingPrice {{ gross {{ amount }} }} }} {ERRORS} }} }}""",
    "payment": f"""mutation($id: ID!, $gateway: PaymentGatewayToInitialize!) {{
      transactionInitialize(id: $id, paymentGateway: $gateway) {{
        transaction {{ id chargedAmount {{ amount }} }} {ERRORS} }} }}""",
    "complete": f"""mutation($id: ID!) {{
      checkoutComplete(id: $id) {{
        order {{ id number status chargeStatus total {{ gross {{ amount }} }} }} {ERRORS} }} }}""",
}
MUTATION_FIELD = {
    "create": "checkoutCreate",
    "lines": "checkoutLinesAdd",
    "address": "checkoutShippingAddressUpdate",
    "delivery": "checkoutDeliveryMethodUpdate",
    "payment": "transactionInitialize",
    "complete": "checkoutComplete",
}
RESULT_FIELD = {"payment": "transaction", "complete": "order"}

# Run in `manage.py shell`: the channel, the purchasable shipped variants (no per-customer
# limit, stock in one of the channel's warehouses) and the county's villages.
DISCOVER = """
import json
from graphql_relay import to_global_id
from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.divisions.models import Village
channel = Channel.objects.filter(is_active=True).order_by("pk").first()
variants = (
    ProductVariant.objects.filter(
        product__product_type__is_shipping_required=True,
        quantity_limit_per_customer__isnull=True,
        channel_listings__channel=channel,
        channel_listings__price_amount__isnull=False,
        product__channel_listings__channel=channel,
        product__channel_listings__is_published=True,
        product__channel_listings__available_for_purchase_at__isnull=False,
        stocks__warehouse__channels=channel,
    )
    .distinct()
    .order_by("pk")
    .values_list("pk", flat=True)[:%(limit)d]
)
villages = Village.objects.select_related("town").order_by("town__code", "code")
print(json.dumps({
    "channel": channel.slug,
    "variants": {to_global_id("ProductVariant", pk): pk for pk in variants},
    "villages": [[v.town.code, v.code, v.town.name, v.name]
                 for v in villages],
}))
"""

# Run in `manage.py shell` before each level: enough stock for any number of orders (a bench
# database only; real stock changes go through the inventory services and their audit log),
# and the number of orders so far.
TOP_UP = """
from django.db.models import F
from backend.inventory.models import Stock
from backend.order.models import Order
Stock.objects.filter(product_variant_id__in=%(pks)r).update(
    quantity=F("quantity_allocated") + 1000000
)
print(Order.objects.count())
"""


def discover(env: dict, limit: int) -> dict:
    output = manage(env, "shell", "-c", DISCOVER % {"limit": limit})
    return json.loads(output.strip().splitlines()[-1])


def top_up(env: dict, variant_pks: list[int]) -> int:
    """Top up the stock of the variants used; returns the number of orders in the database."""
    output = manage(env, "shell", "-c", TOP_UP % {"pks": variant_pks})
    return int(output.strip().splitlines()[-1])


class StepFailed(Exception):
    def __init__(self, step: str, reason: str):
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass
class Shopper:
    """One client: its own keep-alive connection, its own random choices."""

    port: int
    channel: str
    variants: list[str]
    villages: list[list[str]]
    gateway: str
    rng: random.Random
    conn: http.client.HTTPConnection | None = None
    reconnects: int = 0
    statements: int = 0

    def connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def post(self, body: bytes) -> tuple[int, bytes, int]:
        """POST /graphql/. A keep-alive connection the server closed while idle (gunicorn
        recycles workers after GUNICORN_MAX_REQUESTS) is reopened and the request sent once
        more: the server never read it. Every other failure is the caller's to count."""
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        for attempt in (1, 2):
            conn = self.connect()
            try:
                conn.request("POST", "/graphql/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                statements = int(response.getheader("X-DB-Query-Count", "0"))
                return response.status, payload, statements
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                self.reconnects += 1
        raise AssertionError("unreachable")

    def step(self, name: str, variables: dict, timings: dict[str, float]) -> dict:
        body = json.dumps({"query": STEPS[name], "variables": variables}).encode()
        started = time.perf_counter()
        try:
            status, payload, statements = self.post(body)
        except (OSError, http.client.HTTPException) as error:
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            raise StepFailed(name, type(error).__name__) from error
        timings[name] = time.perf_counter() - started
        self.statements += statements
        if status != 200:
            raise StepFailed(name, f"HTTP {status}")
        try:
            data = json.loads(payload)
        except ValueError as error:
            raise StepFailed(name, "invalid JSON") from error
        if data.get("errors"):
            raise StepFailed(name, "GraphQL: " + data["errors"][0].get("message", "")[:80])
        result = data["data"][MUTATION_FIELD[name]]
        if result["errors"]:
            raise StepFailed(name, result["errors"][0]["code"])
        if result.get(RESULT_FIELD.get(name, "checkout")) is None:
            raise StepFailed(name, "no result")
        return result

    def address(self) -> dict:
        town, village, town_name, village_name = self.rng.choice(self.villages)
        return {
            "fullName": "测试买家",
            "phone": f"138{self.rng.randrange(10**8):08d}",
            "countryArea": "江苏省",
            "city": "连云港市",
            "cityArea": "灌云县",
            "town": town,
            "village": village,
            "streetAddress1": f"{town_name}{village_name} {self.rng.randrange(1, 99)} 号",
        }

    def place_order(self) -> dict[str, float]:
        """One order end to end; returns the seconds each step took."""
        timings: dict[str, float] = {}
        first, second = self.rng.sample(self.variants, 2)
        lines = [{"variantId": first, "quantity": self.rng.randint(1, 3)}]
        result = self.step("create", {"input": {"channel": self.channel, "lines": lines}}, timings)
        checkout_id = result["checkout"]["id"]
        self.step(
            "lines", {"id": checkout_id, "lines": [{"variantId": second, "quantity": 1}]}, timings
        )
        result = self.step("address", {"id": checkout_id, "address": self.address()}, timings)
        methods = [m["id"] for m in result["checkout"]["shippingMethods"]]
        if not methods:
            raise StepFailed("address", "no delivery method offered")
        method = "county-flat" if "county-flat" in methods else methods[0]
        self.step("delivery", {"id": checkout_id, "method": method}, timings)
        self.step("payment", {"id": checkout_id, "gateway": {"id": self.gateway}}, timings)
        self.step("complete", {"id": checkout_id}, timings)
        return timings


@dataclass
class LevelResult:
    flows: list[dict[str, float]] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    reconnects: int = 0
    statements: int = 0


def _client_process(setup: dict, threads: int, quota: list[int], duration, seed, queue) -> None:
    """`threads` shoppers; each places its quota of orders, or as many as fit in `duration`."""
    result = LevelResult()
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration if duration else None

    def shopper(index: int) -> None:
        client = Shopper(rng=random.Random(seed * 1000 + index), **setup)
        flows: list[dict[str, float]] = []
        failures: Counter = Counter()
        done = 0
        while (done < quota[index]) if stop_at is None else (time.perf_counter() < stop_at):
            flow_started = time.perf_counter()
            try:
                timings = client.place_order()
            except StepFailed as failure:
                failures[f"{failure.step}: {failure.reason}"] += 1
            else:
                timings["flow"] = time.perf_counter() - flow_started
                flows.append(timings)
            done += 1
        if client.conn is not None:
            client.conn.close()
        with lock:
            result.flows += flows
            result.failures.update(failures)
            result.reconnects += client.reconnects
            result.statements += client.statements

    pool = [threading.Thread(target=shopper, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((result.flows, dict(result.failures), result.reconnects, result.statements))


def run_level(
    setup: dict, concurrency: int, orders: int, duration: float | None, seed: int
) -> tuple[LevelResult, float]:
    """`concurrency` shoppers placing `orders` orders in all (or for `duration` seconds)."""
    processes = min(concurrency, 4)
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    per_client = [orders // concurrency + (i < orders % concurrency) for i in range(concurrency)]
    queue: multiprocessing.Queue = multiprocessing.Queue()
    workers, offset = [], 0
    for number, threads in enumerate(shares):
        quota = per_client[offset : offset + threads]
        offset += threads
        workers.append(
            multiprocessing.Process(
                target=_client_process,
                args=(setup, threads, quota, duration, seed * 100 + number, queue),
            )
        )
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    result = LevelResult()
    for _ in workers:
        flows, failures, reconnects, statements = queue.get()
        result.flows += flows
        result.failures.update(failures)
        result.reconnects += reconnects
        result.statements += statements
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return result, elapsed


def check_variants(setup: dict, candidates: list[str]) -> list[str]:
    """The candidates a guest can actually put in a cart (one checkoutCreate each)."""
    client = Shopper(rng=random.Random(0), **{**setup, "variants": candidates})
    usable = []
    for variant in candidates:
        lines = [{"variantId": variant, "quantity": 1}]
        try:
            client.step("create", {"input": {"channel": setup["channel"], "lines": lines}}, {})
        except StepFailed as failure:
            print(f"  skipping {variant}: {failure}")
        else:
            usable.append(variant)
    return usable


def broker_url() -> str | None:
    """Where the served app queues its tasks: BENCH_BROKER_URL, or REDIS_URL's server with
    database 15 (never the broker a development worker listens on)."""
    if os.environ.get("BENCH_BROKER_URL"):
        return os.environ["BENCH_BROKER_URL"]
    if os.environ.get("REDIS_URL"):
        return urlunparse(urlparse(os.environ["REDIS_URL"])._replace(path="/15"))
    return None


def queued_tasks(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).llen("celery"))


def drop_queued_tasks(url: str, count: int) -> None:
    """Remove the `count` newest messages of the default queue: the ones this run queued
    (Celery's Redis transport pushes new messages at the head; no worker consumes them)."""
    import redis

    if count > 0:
        redis.Redis.from_url(url).ltrim("celery", count, -1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--orders", type=int, default=200, help="orders per level")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per level (instead of --orders)"
    )
    parser.add_argument("--variants", type=int, default=64, help="most variants to draw from")
    parser.add_argument("--gateway", default="dummy", choices=("dummy", "pay_at_station"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=1, help="random seed of the shoppers")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    env = bench_env()
    # Tasks (thumbnails of the seed images) run in-process while preparing the data.
    redis_url = env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_catalog")
    found = discover(env, args.variants)
    variant_pks = list(found["variants"].values())
    print(f"database ready in {time.perf_counter() - started:.1f} s")
    if len(variant_pks) < 2 or not found["villages"]:
        raise SystemExit("the seed has fewer than two purchasable variants or no villages")

    server_env = {"DUMMY_PAYMENTS_ENABLED": "1"}
    broker = broker_url() if redis_url else None
    if redis_url:
        env["REDIS_URL"] = redis_url  # the served app caches in Redis, as in production
        server_env["CELERY_BROKER_URL"] = broker or redis_url
    tasks_before = queued_tasks(broker) if broker else 0

    database = urlparse(env["DATABASE_URL"]).path.lstrip("/")
    server = serve(env, args.port, args.workers, server_env)
    try:
        setup = {
            "port": args.port,
            "channel": found["channel"],
            "variants": list(found["variants"]),
            "villages": found["villages"],
            "gateway": args.gateway,
        }
        # seed_catalog resets stock to the seed's figures while earlier runs' allocations stay.
        top_up(env, variant_pks)
        setup["variants"] = check_variants(setup, setup["variants"])
        if len(setup["variants"]) < 2:
            raise SystemExit("fewer than two variants can be bought; see the messages above")
        warm, _ = run_level(setup, 2, 8, None, seed=0)  # both workers, every code path
        if warm.failures:
            print(f"warm-up failures: {dict(warm.failures)}")
        per_level = f"{args.duration:.0f} s" if args.duration else f"{args.orders} orders"
        print(
            f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; {args.workers} gunicorn workers; "
            f"{len(setup['variants'])} variants, {len(found['villages'])} villages; "
            f"{per_level} per level; gateway {args.gateway}; "
            f"tasks: {'queued to ' + (broker or '') if broker else 'in-process'}\n"
        )
        header = (
            f"{'conc':>4}{'orders':>8}{'errors':>8}{'orders/s':>10}{'complete p50':>14}"
            f"{'complete p95':>14}{'flow p50':>10}{'flow p95':>10}{'SQL/flow':>10}"
            f"{'reconn':>8}"
        )
        rows: list[str] = []
        details: list[str] = []
        for concurrency in levels:
            orders_before = top_up(env, variant_pks)
            cpu_before = cpu_snapshot(server.pid, database)
            clients_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result, elapsed = run_level(
                setup, concurrency, args.orders, args.duration, seed=args.seed + concurrency
            )
            clients_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_after = cpu_snapshot(server.pid, database)
            orders_after = top_up(env, variant_pks)
            placed = len(result.flows)
            errors = sum(result.failures.values())
            complete = p50_p95([f["complete"] for f in result.flows])
            flow = p50_p95([f["flow"] for f in result.flows])
            attempts = placed + errors
            sql = result.statements / attempts if attempts else 0
            rows.append(
                f"{concurrency:>4}{placed:>8}{errors:>8}{placed / elapsed:>10.1f}"
                f"{complete[0]:>11.1f} ms{complete[1]:>11.1f} ms{flow[0]:>7.0f} ms"
                f"{flow[1]:>7.0f} ms{sql:>10.1f}{result.reconnects:>8}"
            )
            steps = "  ".join(
                f"{name} {p50_p95([f[name] for f in result.flows])[1]:.0f}" for name in STEPS
            )
            details.append(f"concurrency {concurrency}: step p95 ms: {steps}")
            if cpu_before and cpu_after:
                clients = (clients_after.ru_utime + clients_after.ru_stime) - (
                    clients_before.ru_utime + clients_before.ru_stime
                )
                used = cpu_used(cpu_before, cpu_after)
                other = used["machine"] - used["server"] - used["database"] - clients
                capacity = elapsed * (os.cpu_count() or 1)
                details.append(
                    f"  CPU share of the {os.cpu_count()} cores over {elapsed:.0f} s: "
                    f"gunicorn {used['server'] / capacity:.0%}, "
                    f"PostgreSQL {used['database'] / capacity:.0%}, "
                    f"bench clients {clients / capacity:.0%}, "
                    f"other processes {max(other, 0) / capacity:.0%}, "
                    f"idle {max(capacity - used['machine'], 0) / capacity:.0%}; "
                    f"gunicorn CPU per order {used['server'] / max(placed, 1) * 1000:.0f} ms"
                )
            if orders_after - orders_before != placed:
                details.append(
                    f"  MISMATCH: {orders_after - orders_before} new orders in the database, "
                    f"{placed} completed flows"
                )
            for failure, count in result.failures.most_common():
                details.append(f"  error ×{count}: {failure}")
            if len(rows) == 1:
                print(header)
            print(rows[-1], flush=True)
        print()
        print("\n".join(details))
    finally:
        stop(server)
        if broker:
            queued = queued_tasks(broker) - tasks_before
            print(f"\ntasks the app queued (no worker ran; removed again): {queued}")
            drop_queued_tasks(broker, queued)


if __name__ == "__main__":
    main()
