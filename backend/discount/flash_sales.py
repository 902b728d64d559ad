"""Flash sales (限时秒杀) as shoppers see them: the running and upcoming ones of a channel."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from backend.channel.models import Channel
from backend.discount.models import SpecialPrice, SpecialPriceKind


def visible_flash_sales(channel: Channel, *, at: datetime | None = None) -> QuerySet[SpecialPrice]:
    """Active flash sales of the channel that have not ended, soonest first."""
    return SpecialPrice.objects.filter(
        kind=SpecialPriceKind.FLASH_SALE,
        channel=channel,
        is_active=True,
        ends_at__gt=at or timezone.now(),
    ).order_by("starts_at", "pk")


def running_flash_sales_by_variant(
    channel: Channel, variant_ids, *, at: datetime | None = None
) -> dict[int, SpecialPrice]:
    """The flash sale running now for each of `variant_ids` that has one (one query)."""
    at = at or timezone.now()
    sales = visible_flash_sales(channel, at=at).filter(
        variant_id__in=list(variant_ids), starts_at__lte=at
    )
    return {sale.variant_id: sale for sale in sales}
