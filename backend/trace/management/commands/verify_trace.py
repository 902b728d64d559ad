"""Walk every batch's hash chain and report broken or missing links (exit status 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from backend.trace.chain import verify_all, verify_batch
from backend.trace.models import Batch


class Command(BaseCommand):
    help = "Verify the hash chains of the trace events; report edited, missing or reordered ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", help="only this trace code")

    def handle(self, *args, **options) -> None:
        if options.get("batch"):
            batch = Batch.objects.filter(code=options["batch"]).first()
            if batch is None:
                raise CommandError(f"no batch with trace code {options['batch']}")
            problems = verify_batch(batch)
        else:
            problems = list(verify_all())
        checked = 1 if options.get("batch") else Batch.objects.count()
        for problem in problems:
            self.stdout.write(f"BROKEN {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} batch(es)")
        self.stdout.write(self.style.SUCCESS(f"OK: {checked} batch chain(s) intact"))
