"""`manage.py check_poverty_ledger`: does the benefit ledger reconcile exactly with the paid
order lines? Prints every discrepancy and exits with status 1 when there is one (for cron
and CI); see backend/poverty/ledger.py for the rules checked."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from backend.poverty.ledger import reconciliation_problems


class Command(BaseCommand):
    help = "Check that the poverty benefit ledger reconciles with the paid order lines."

    def handle(self, *args, **options):
        problems = reconciliation_problems()
        for problem in problems:
            self.stdout.write(problem)
        self.stdout.write(f"{len(problems)} problems")
        if problems:
            sys.exit(1)
