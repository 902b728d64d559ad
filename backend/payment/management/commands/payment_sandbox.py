"""Run the Alipay and WeChat Pay stand-ins in the foreground (PAYMENT_SANDBOX=1 demos)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from backend.payment.sandbox.keys import SandboxKeys
from backend.payment.sandbox.runtime import keys_path
from backend.payment.sandbox.server import PaymentSandbox


class Command(BaseCommand):
    help = "Serve the Alipay and WeChat Pay stand-ins on 127.0.0.1:PAYMENT_SANDBOX_PORT."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args, port=None, **options):
        server = PaymentSandbox(SandboxKeys.load_or_create(keys_path()), auto_notify=True)
        server.start(port or settings.PAYMENT_SANDBOX_PORT)
        self.stdout.write(f"Payment sandbox on {server.url} (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()
