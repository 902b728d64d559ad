"""Redemption benchmark (issue #13): gate attendants redeeming tourism vouchers.

Prepares the bench database with the county seed, issues vouchers of 大伊山景区门票 (valid
today) through the production issuing code, signs in one venue-staff account per client (a
JWT each), serves the app with production settings under gunicorn (2 workers) and has
concurrent attendants redeem distinct codes through the GraphQL API
(`tourismVoucherRedeem(venue, code, idempotencyKey)`), one keep-alive connection each.

Per concurrency level it prints redemptions/s, p50/p95 latency, SQL statements per
redemption, failures by code, and checks in the database that every voucher redeemed once
and no more. A second pass per level redeems the SAME codes again from every client (the
double-tap case: all must be refused with NO_USES_LEFT and nothing written).

    .venv/bin/python bench/redemption.py                        # 8 and 32, 640 codes each
    .venv/bin/python bench/redemption.py --concurrency 8,32 --codes 1000
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import threading
import time
import uuid
from collections import Counter

from _serve import bench_env, manage, p50_p95, serve, stop

PASSWORD = "bench-gate-password-2026"
LOGIN = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { code message } } }"""
REDEEM = """mutation($venue: ID!, $code: String!, $key: String) {
  tourismVoucherRedeem(venue: $venue, code: $code, idempotencyKey: $key) {
    tourismVoucher { code usesLeft } errors { field code message } } }"""

# Run in `manage.py shell`: a paid order of `count` units of the 大伊山 adult ticket for today
# (vouchers issued by backend.tourism.issuance), `staff` venue-staff accounts with a JWT each.
PREPARE = """
import json, datetime as dt
from django.db import transaction
from graphql_relay import to_global_id
from backend.account.models import User
from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.order.models import Order, OrderLine
from backend.tourism import booking
from backend.tourism.issuance import issue_vouchers
from backend.tourism.models import Venue, VenueStaff
from decimal import Decimal
venue = Venue.objects.get(slug="dayishan")
variant = ProductVariant.objects.get(sku="DYS-TICKET-ADULT")
channel = Channel.objects.get(slug="guanyun")
count = %(count)d
PASSWORD = %(password)r
total = Decimal("60.00") * count
with transaction.atomic():
    order = Order.objects.create(channel=channel, total_gross_amount=total, total_net_amount=total,
                                 total_charged_amount=total, charge_status="full")
    OrderLine.objects.create(order=order, variant=variant, product_name="大伊山景区门票",
        variant_name="成人票", quantity=count, unit_price_net_amount=Decimal("60.00"),
        unit_price_gross_amount=Decimal("60.00"), total_price_net_amount=total,
        total_price_gross_amount=total, undiscounted_unit_price_gross_amount=Decimal("60.00"),
        is_shipping_required=False, visit_date=booking.local_today())
    codes = [v.code for v in issue_vouchers(order)]
emails = []
for index in range(%(staff)d):
    email = f"bench-gate-{index}@example.com"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, None)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    VenueStaff.objects.get_or_create(venue=venue, user=user)
    emails.append(email)
print(json.dumps({"venue": to_global_id("Venue", venue.pk), "codes": codes, "emails": emails}))
"""

CHECK = """
from django.db.models import Count
from backend.tourism.models import TourismRedemption, TourismVoucher
codes = %(codes)r
rows = TourismVoucher.objects.filter(code__in=codes)
print(rows.filter(uses_count=1, status="redeemed").count(),
      TourismRedemption.objects.filter(voucher__code__in=codes).count())
"""


class Attendant:
    def __init__(self, port: int, token: str, venue: str):
        self.port = port
        self.token = token
        self.venue = venue
        self.conn: http.client.HTTPConnection | None = None
        self.statements = 0

    def redeem(self, code: str) -> tuple[float, str]:
        body = json.dumps(
            {
                "query": REDEEM,
                "variables": {"venue": self.venue, "code": code, "key": uuid.uuid4().hex},
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "Accept-Language": "en",
        }
        started = time.perf_counter()
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("POST", "/graphql/", body=body, headers=headers)
                response = self.conn.getresponse()
                payload = json.loads(response.read())
                self.statements += int(response.getheader("X-DB-Query-Count", "0"))
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    return time.perf_counter() - started, "CONNECTION"
        elapsed = time.perf_counter() - started
        if "errors" in payload:
            return elapsed, "GRAPHQL"
        errors = payload["data"]["tourismVoucherRedeem"]["errors"]
        return elapsed, errors[0]["code"] if errors else "OK"


def sign_in(port: int, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"query": LOGIN, "variables": {"email": email, "password": PASSWORD}})
    conn.request("POST", "/graphql/", body=body, headers={"Content-Type": "application/json"})
    payload = json.loads(conn.getresponse().read())
    conn.close()
    token = payload["data"]["tokenCreate"]["token"]
    if not token:
        raise SystemExit(f"sign-in of {email} failed: {payload}")
    return token


def run_level(port: int, venue: str, tokens: list[str], codes: list[str], clients: int):
    queue = list(codes)
    lock = threading.Lock()
    latencies: list[float] = []
    outcomes: Counter = Counter()
    attendants = [Attendant(port, tokens[i], venue) for i in range(clients)]

    def work(attendant: Attendant) -> None:
        while True:
            with lock:
                if not queue:
                    return
                code = queue.pop()
            elapsed, outcome = attendant.redeem(code)
            with lock:
                latencies.append(elapsed)
                outcomes[outcome] += 1

    threads = [threading.Thread(target=work, args=(a,)) for a in attendants]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    statements = sum(a.statements for a in attendants)
    return wall, latencies, outcomes, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="8,32")
    parser.add_argument("--codes", type=int, default=640, help="vouchers redeemed per level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    env = bench_env()
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_catalog")
    print(f"database ready in {time.perf_counter() - started:.1f} s")
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )

    server = serve(env, args.port, args.workers, {})
    try:
        for clients in levels:
            output = manage(
                env,
                "shell",
                "-c",
                PREPARE % {"count": args.codes, "staff": clients, "password": PASSWORD},
            )
            setup = json.loads(output.strip().splitlines()[-1])
            # Signed in through the API (the served app has its own signing key).
            setup["tokens"] = [sign_in(args.port, email) for email in setup["emails"]]
            wall, latencies, outcomes, statements = run_level(
                args.port, setup["venue"], setup["tokens"], setup["codes"], clients
            )
            p50, p95 = p50_p95(latencies)
            done = outcomes.get("OK", 0)
            per = statements / max(len(latencies), 1)
            print(
                f"concurrency {clients:>3}: {done} redeemed in {wall:.1f} s = "
                f"{done / wall:.0f} redemptions/s, p50 {p50:.0f} ms, "
                f"p95 {p95:.0f} ms, {per:.1f} SQL/redemption, outcomes {dict(outcomes)}"
            )
            # The same codes again from every client: all refused, nothing written.
            wall, latencies, outcomes, _ = run_level(
                args.port, setup["venue"], setup["tokens"], setup["codes"], clients
            )
            p50, p95 = p50_p95(latencies)
            print(f"  again (double taps): {dict(outcomes)} in {wall:.1f} s, p95 {p95:.0f} ms")
            check = manage(env, "shell", "-c", CHECK % {"codes": setup["codes"]})
            redeemed, rows = (int(x) for x in check.strip().splitlines()[-1].split())
            assert redeemed == len(setup["codes"]) == rows, (redeemed, rows)
            print(f"  database: {redeemed} vouchers used once, {rows} redemption rows")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
