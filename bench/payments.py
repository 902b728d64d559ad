"""Payment notification benchmark (issue #16).

Serves the app with production settings under gunicorn (2 workers), Alipay and WeChat Pay
configured against the local stand-ins (`backend.payment.sandbox`, in this process), and
delivers the providers' asynchronous notifications — signed, and for WeChat Pay encrypted,
exactly as the stand-ins build them — from concurrent clients, each notification several
times in shuffled order (providers retry; replays must change nothing):

    .venv/bin/python bench/payments.py                       # 300 payments per gateway
    .venv/bin/python bench/payments.py --payments 500 --copies 3 --concurrency 1,8

For each gateway and concurrency level it prints notifications processed per second, p50/p95
latency, the answers, and checks the database afterwards: every transaction charged exactly
its amount, one CHARGE_SUCCESS each, one processed-notification record per distinct
notification. The database is the bench database (see `_serve.py`).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from _serve import bench_env, manage, p50_p95, serve, stop

ROOT = Path(__file__).resolve().parent.parent


def setup_django(env: dict) -> None:
    os.environ.update({k: v for k, v in env.items() if k in ("DATABASE_URL", "REDIS_URL")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def gateway_env(sandbox) -> dict[str, str]:
    keys = sandbox.keys
    return {
        "ALIPAY_APP_ID": keys.alipay_app_id,
        "ALIPAY_APP_PRIVATE_KEY": keys.alipay_app_private_key,
        "ALIPAY_PUBLIC_KEY": keys.alipay_public_key,
        "ALIPAY_GATEWAY_URL": sandbox.alipay_gateway_url,
        "WECHATPAY_MCHID": keys.wechat_mchid,
        "WECHATPAY_APPID": keys.wechat_appid,
        "WECHATPAY_APIV3_KEY": keys.wechat_apiv3_key,
        "WECHATPAY_PRIVATE_KEY": keys.wechat_merchant_private_key,
        "WECHATPAY_CERT_SERIAL_NO": keys.wechat_merchant_serial_no,
        "WECHATPAY_API_BASE": sandbox.wechatpay_api_base,
        "PAYMENT_NOTIFY_BASE_URL": "https://bench.invalid",
    }


def make_payments(sandbox, gateway: str, count: int) -> tuple[list, list]:
    """`count` transactions waiting for 25.60, each paid at the stand-in; returns the
    transactions and the deliveries (path, headers, body) of their notifications."""
    from decimal import Decimal

    from backend.payment.models import TransactionEvent, TransactionItem
    from backend.payment.sandbox.alipay import AlipayTrade
    from backend.payment.sandbox.wechatpay import WeChatTrade

    items = []
    deliveries = []
    for _ in range(count):
        item = TransactionItem(gateway=gateway, name="bench", currency="CNY")
        item.psp_reference = item.token.hex
        item.save()
        TransactionEvent.objects.create(
            transaction=item, type="charge_request", amount_value=Decimal("25.60")
        )
        items.append(item)
        number = item.psp_reference
        if gateway == "alipay":
            sandbox.alipay.trades[number] = AlipayTrade(number, "bench", 2560, "", "", "")
            params = sandbox.alipay.pay(number)
            body = urlencode(params).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            deliveries.append(("/webhooks/alipay/", headers, body))
        else:
            sandbox.wechatpay.trades[number] = WeChatTrade(
                number, "NATIVE", "bench", 2560, "CNY", "", {}
            )
            headers, body = sandbox.wechatpay.pay(number)
            deliveries.append(
                ("/webhooks/wechatpay/", {**headers, "Content-Type": "application/json"}, body)
            )
    return items, deliveries


def deliver_all(port: int, deliveries: list, concurrency: int) -> tuple[float, list, Counter]:
    queue = list(deliveries)
    lock = threading.Lock()
    latencies: list[float] = []
    answers: Counter = Counter()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                path, headers, body = queue.pop()
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                answers[status] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, answers


def check(items: list, gateway: str) -> list[str]:
    from decimal import Decimal

    from backend.payment.models import ProcessedWebhookEvent, TransactionItem

    problems = []
    fresh = TransactionItem.objects.filter(pk__in=[i.pk for i in items])
    for item in fresh:
        charges = item.events.filter(type="charge_success").count()
        if item.charged_value != Decimal("25.60") or charges != 1:
            problems.append(f"{item.psp_reference}: charged {item.charged_value}, {charges}×")
    processed = ProcessedWebhookEvent.objects.filter(gateway=gateway).count()
    return problems + ([] if processed >= len(items) else [f"{processed} processed records"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=300)
    parser.add_argument("--copies", type=int, default=3, help="deliveries of each notification")
    parser.add_argument("--concurrency", default="8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    env = bench_env()
    manage(env, "migrate", "--noinput")
    setup_django(env)
    from backend.payment.models import ProcessedWebhookEvent
    from backend.payment.sandbox.server import PaymentSandbox

    ProcessedWebhookEvent.objects.filter(gateway__in=["alipay", "wechatpay"]).delete()
    sandbox = PaymentSandbox().start()
    server = serve(env, args.port, args.workers, gateway_env(sandbox))
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"gunicorn {args.workers} workers, production settings"
    )
    try:
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            for gateway in ("alipay", "wechatpay"):
                ProcessedWebhookEvent.objects.filter(gateway=gateway).delete()
                items, deliveries = make_payments(sandbox, gateway, args.payments)
                load = deliveries * args.copies
                random.shuffle(load)
                elapsed, latencies, answers = deliver_all(args.port, load, concurrency)
                p50, p95 = p50_p95(latencies)
                problems = check(items, gateway)
                print(
                    f"{gateway:9} concurrency {concurrency:2}: {len(load)} deliveries of "
                    f"{len(deliveries)} notifications in {elapsed:.1f} s = "
                    f"{len(load) / elapsed:.0f} notifications/s, p50 {p50:.0f} ms, "
                    f"p95 {p95:.0f} ms, answers {dict(answers)}; "
                    + ("no double effects" if not problems else f"PROBLEMS: {problems[:5]}")
                )
    finally:
        stop(server)
        sandbox.stop()


if __name__ == "__main__":
    main()
