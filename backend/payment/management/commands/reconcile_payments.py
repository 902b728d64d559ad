"""Reconcile one day's Alipay / WeChat Pay statement with the orders, and print the result."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from backend.payment.gateways.base import GatewayError
from backend.payment.reconciliation import NATIVE_GATEWAYS, StatementError, reconcile


class Command(BaseCommand):
    help = "Download a day's statement from Alipay and/or WeChat Pay and report mismatches."

    def add_arguments(self, parser):
        parser.add_argument("day", help="YYYY-MM-DD (Beijing date)")
        parser.add_argument("--gateway", choices=NATIVE_GATEWAYS, action="append")

    def handle(self, *args, day, gateway=None, **options):
        try:
            date = datetime.date.fromisoformat(day)
        except ValueError as error:
            raise CommandError(f"Not a date: {day}") from error
        from backend.payment.gateways import GATEWAYS

        chosen = gateway or [g for g in NATIVE_GATEWAYS if GATEWAYS[g].is_enabled()]
        if not chosen:
            raise CommandError("Neither Alipay nor WeChat Pay is configured.")
        failed = False
        for name in chosen:
            try:
                report = reconcile(gateway=name, day=date)
            except (GatewayError, StatementError) as error:
                self.stderr.write(f"{name} {date}: {error}")
                failed = True
                continue
            self.stdout.write(
                f"{name} {date}: {report.statement_rows} rows, {report.matched} matched, "
                f"{len(report.mismatches)} mismatches (statement {report.statement_total}, "
                f"ours {report.our_total})"
            )
            for mismatch in report.mismatches:
                self.stdout.write(
                    f"  {mismatch['kind']} {mismatch['type']} {mismatch['out_trade_no']} "
                    f"statement={mismatch['statement_amount'] or '-'} "
                    f"ours={mismatch['our_amount'] or '-'} order={mismatch['order'] or '-'}"
                )
        if failed:
            raise CommandError("Some statements could not be reconciled.")
