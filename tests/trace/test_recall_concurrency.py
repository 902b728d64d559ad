"""Two inspectors recall the same batch at the same moment (real PostgreSQL, two
connections): one recall opens, the other is refused with ALREADY_RECALLED and writes
nothing, so shoppers are told once and the batch's stock is blocked once."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from backend.trace import recalls
from backend.trace.chain import verify_batch
from backend.trace.models import Batch, Recall, RecallNotice
from tests.factories import OrderFactory, OrderLineFactory


@pytest.mark.django_db(transaction=True)
def test_two_inspectors_recalling_one_batch_at_once_open_one_recall(trace_world):
    batch = trace_world.batch("RECALL-RACE", quantity=5)
    order = OrderFactory(channel=trace_world.market.shop.channel)
    OrderLineFactory(order=order, variant=trace_world.variant, quantity=2)
    from backend.inventory.allocation import allocate

    with transaction.atomic():
        allocate(list(order.lines.all()), trace_world.market.shop.channel.pk)
    barrier = threading.Barrier(2)
    opened: list[Recall] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(reason: str) -> None:
        try:
            barrier.wait(timeout=10)
            opened.append(
                recalls.open_recall(actor=trace_world.inspector, batch=batch.pk, reason=reason)
            )
        except ValidationError as error:
            refused.extend(e.code for errors in error.error_dict.values() for e in errors)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(reason,)) for reason in ("抽检不合格", "投诉")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(opened) == 1
    assert refused == ["ALREADY_RECALLED"]
    assert Recall.objects.filter(batch=batch).count() == 1
    assert RecallNotice.objects.filter(recall__batch=batch).count() == 1
    fresh = Batch.objects.get(pk=batch.pk)
    assert fresh.status == "recalled"
    assert verify_batch(fresh) == []
