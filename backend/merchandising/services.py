"""State changes of merchandising: home sections, campaigns, livestream events and collection
rules. Each public function is one transaction, checks the actor's permission, raises a
`ValidationError` with a field and a `MerchandisingErrorCode` on bad input (writing nothing),
and leaves an audit record.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.catalog.models import (
    Collection,
    CollectionKind,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.core.services import apply_fields, delete_instance, full_save, unique_slug
from backend.discount.pricing import recalculate_discounted_prices
from backend.merchandising.collections import (
    RefreshResult,
    refresh_rule_collection,
    validate_rule,
)
from backend.merchandising.error_codes import MerchandisingErrorCode as Code
from backend.merchandising.models import (
    Campaign,
    HomeSection,
    HomeSectionKind,
    HomeSectionProduct,
    LivestreamEvent,
    LivestreamPrice,
    LivestreamProduct,
)

FEN = Decimal("0.01")
# Characters that have no place in a link a shopper follows.
_UNSAFE_LINK_CHARACTERS = set(" \t\r\n\\\"'<>`")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def can_manage_merchandising(user) -> bool:
    return has_permissions(user, [Permission.MANAGE_MERCHANDISING])


def _check_actor(actor) -> None:
    """`actor=None` is the system itself (seed, tasks); a person needs the permission."""
    if actor is not None and not can_manage_merchandising(actor):
        raise PermissionDenied(_("需要“管理首页版块、活动与直播”权限。"))


def clean_link(value: str, *, field: str = "link_url") -> str:
    """A link is a path on this site ("/campaigns/…") or an https:// address; anything else
    (javascript:, data:, http:, protocol-relative //host) is refused."""
    value = (value or "").strip()
    if not value:
        return ""
    refused = _error(
        field, _("链接只能是本站路径（以 / 开头）或 https:// 地址。"), Code.INVALID_LINK
    )
    if any(c in _UNSAFE_LINK_CHARACTERS or ord(c) < 32 for c in value) or len(value) > 500:
        raise refused
    if value.startswith("/"):
        if value.startswith("//"):
            raise refused
        return value
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise refused
    return value


def clean_stream_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _error("stream_url", _("请填写直播间链接。"), Code.REQUIRED)
    parts = urlsplit(value)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or any(c in _UNSAFE_LINK_CHARACTERS or ord(c) < 32 for c in value)
    ):
        raise _error("stream_url", _("直播间链接必须是 https:// 地址。"), Code.INVALID_LINK)
    return value


def _check_window(starts_at, ends_at, *, required: bool) -> None:
    if required and starts_at is None:
        raise _error("starts_at", _("请填写开始时间。"), Code.REQUIRED)
    if required and ends_at is None:
        raise _error("ends_at", _("请填写结束时间。"), Code.REQUIRED)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise _error("ends_at", _("结束时间必须晚于开始时间。"), Code.INVALID_DATES)


def _snapshot(instance, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields} if instance.pk else {}


def _check_unique_items(items, field: str) -> None:
    ids = [item.pk for item in items]
    if len(ids) != len(set(ids)):
        raise _error(field, _("同一项不能重复添加。"), Code.DUPLICATED_INPUT_ITEM)


def _set_ordered(through, owner_field: str, owner, items, item_field: str) -> None:
    """Replace an ordered M2M: the list's order is the shown order."""
    through.objects.filter(**{owner_field: owner}).delete()
    through.objects.bulk_create(
        through(**{owner_field: owner, item_field: item, "sort_order": index})
        for index, item in enumerate(items)
    )


# Home sections ----------------------------------------------------------------------------

SECTION_FIELDS = (
    "channel",
    "kind",
    "title",
    "subtitle",
    "image",
    "link_url",
    "collection",
    "sort_order",
    "starts_at",
    "ends_at",
    "is_published",
)
_SECTION_AUDIT = (
    "kind",
    "title",
    "link_url",
    "collection_id",
    "sort_order",
    "starts_at",
    "ends_at",
    "is_published",
)


@transaction.atomic
def save_home_section(*, section: HomeSection | None, data: dict, actor=None) -> HomeSection:
    _check_actor(actor)
    section = section or HomeSection()
    before = _snapshot(section, _SECTION_AUDIT)
    if "link_url" in data:
        data = {**data, "link_url": clean_link(data["link_url"])}
    apply_fields(section, data, SECTION_FIELDS)
    if not section.kind:
        raise _error("kind", _("请选择版块类型。"), Code.REQUIRED)
    if not (section.title or "").strip():
        raise _error("title", _("请填写标题。"), Code.REQUIRED)
    _check_window(section.starts_at, section.ends_at, required=False)
    if section.kind == HomeSectionKind.COLLECTION and section.collection_id is None:
        raise _error("collection", _("专题版块需要选择一个商品专题。"), Code.REQUIRED)
    products = data.get("products")
    if products is not None:
        _check_unique_items(products, "products")
    if section.kind == HomeSectionKind.PRODUCT_CAROUSEL:
        has_products = (
            bool(products)
            if products is not None
            else section.pk is not None and section.section_products.exists()
        )
        if not has_products:
            raise _error("products", _("商品轮播至少需要一个商品。"), Code.REQUIRED)
    full_save(section)
    if products is not None:
        _set_ordered(HomeSectionProduct, "section", section, products, "product")
    audit.record(
        actor=actor,
        action="merchandising.home_section.saved",
        instance=section,
        before=before or None,
        after=_snapshot(section, _SECTION_AUDIT),
    )
    return section


@transaction.atomic
def delete_home_section(*, section: HomeSection, actor=None) -> None:
    _check_actor(actor)
    audit.record(
        actor=actor,
        action="merchandising.home_section.deleted",
        instance=section,
        before=_snapshot(section, _SECTION_AUDIT),
    )
    delete_instance(section)


@transaction.atomic
def reorder_home_sections(*, sections: list[HomeSection], actor=None) -> None:
    """The given order becomes the sections' sort order."""
    _check_actor(actor)
    _check_unique_items(sections, "sections")
    for index, section in enumerate(sections):
        if section.sort_order != index:
            section.sort_order = index
            section.save(update_fields=["sort_order", "updated_at"])


# Campaigns --------------------------------------------------------------------------------

CAMPAIGN_FIELDS = (
    "name",
    "headline",
    "description",
    "banner_image",
    "channel",
    "starts_at",
    "ends_at",
    "collection",
    "is_published",
)
_CAMPAIGN_AUDIT = ("name", "slug", "starts_at", "ends_at", "collection_id", "is_published")


@transaction.atomic
def save_campaign(*, campaign: Campaign | None, data: dict, actor=None) -> Campaign:
    _check_actor(actor)
    campaign = campaign or Campaign()
    before = _snapshot(campaign, _CAMPAIGN_AUDIT)
    apply_fields(campaign, data, CAMPAIGN_FIELDS)
    if not (campaign.name or "").strip():
        raise _error("name", _("请填写活动名称。"), Code.REQUIRED)
    _check_window(campaign.starts_at, campaign.ends_at, required=True)
    if data.get("slug"):
        campaign.slug = data["slug"]
    elif not campaign.slug:
        campaign.slug = unique_slug(Campaign, campaign.name, exclude_pk=campaign.pk)
    promotions = data.get("promotions")
    if promotions is not None:
        _check_unique_items(promotions, "promotions")
    full_save(campaign)
    if promotions is not None:
        campaign.promotions.set(promotions)
    audit.record(
        actor=actor,
        action="merchandising.campaign.saved",
        instance=campaign,
        before=before or None,
        after=_snapshot(campaign, _CAMPAIGN_AUDIT),
    )
    return campaign


@transaction.atomic
def delete_campaign(*, campaign: Campaign, actor=None) -> None:
    _check_actor(actor)
    audit.record(
        actor=actor,
        action="merchandising.campaign.deleted",
        instance=campaign,
        before=_snapshot(campaign, _CAMPAIGN_AUDIT),
    )
    delete_instance(campaign)


# Livestream events ------------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "host_name",
    "host_avatar",
    "platform",
    "channel",
    "starts_at",
    "ends_at",
    "is_published",
    "funded_by",
)
_EVENT_AUDIT = ("title", "host_name", "stream_url", "starts_at", "ends_at", "is_published")


def _clean_prices(prices, products) -> list[tuple[Any, Decimal]]:
    """`prices`: (variant, amount) pairs. Each variant once, a positive amount to the fen,
    and the variant's product among the event's featured products."""
    product_ids = {product.pk for product in products}
    cleaned: list[tuple[Any, Decimal]] = []
    seen: set[int] = set()
    for variant, amount in prices:
        if variant.pk in seen:
            raise _error("prices", _("同一规格只能有一个直播价。"), Code.DUPLICATED_INPUT_ITEM)
        seen.add(variant.pk)
        try:
            amount = Decimal(str(amount))
        except (InvalidOperation, ValueError) as error:
            raise _error("prices", _("直播价格式不正确。"), Code.INVALID_PRICE) from error
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(FEN):
            raise _error("prices", _("直播价必须大于 0，且最多两位小数。"), Code.INVALID_PRICE)
        if amount >= Decimal("1e10"):
            raise _error("prices", _("直播价过大。"), Code.INVALID_PRICE)
        if variant.product_id not in product_ids:
            raise _error(
                "prices",
                _("“%(variant)s”不在本场直播的带货商品中。") % {"variant": str(variant)},
                Code.PRODUCT_NOT_IN_EVENT,
            )
        cleaned.append((variant, amount))
    return cleaned


def sync_live_special_prices(event: LivestreamEvent) -> None:
    """Make the event's live prices the pricing engine's special prices (kind LIVESTREAM,
    source_key "livestream:<pk>"): rows are updated in place per variant, so purchases
    recorded against a price keep it; variants no longer priced lose theirs. A live price
    may not overlap another special price (a flash sale) of the same variant and channel
    (the stacking rule's forbidden overlap)."""
    from backend.discount.models import SpecialPrice, SpecialPriceKind

    key = event.source_key
    live_prices = list(event.prices.select_related("variant__product"))
    variant_ids = sorted(price.variant_id for price in live_prices)
    # The variants' rows are the lock: two events (or an event and a flash sale) saved at once
    # for the same variant cannot both pass the overlap check below.
    list(ProductVariant.objects.select_for_update().filter(pk__in=variant_ids).order_by("pk"))
    existing = {sp.variant_id: sp for sp in SpecialPrice.objects.filter(source_key=key)}
    list_prices = dict(
        ProductVariantChannelListing.objects.filter(
            channel_id=event.channel_id, variant_id__in=variant_ids
        ).values_list("variant_id", "price_amount")
    )
    for price in live_prices:
        regular = list_prices.get(price.variant_id)
        if regular is None:
            raise _error(
                "prices",
                _("“%(variant)s”在该渠道没有上架，不能设置直播价。")
                % {"variant": str(price.variant)},
                Code.INVALID_PRICE,
            )
        if price.price_amount >= regular:
            raise _error(
                "prices",
                _("“%(variant)s”的直播价必须低于原价 ¥%(price)s。")
                % {"variant": str(price.variant), "price": regular},
                Code.INVALID_PRICE,
            )
    clash = (
        SpecialPrice.objects.filter(
            channel_id=event.channel_id,
            variant_id__in=variant_ids,
            is_active=True,
            starts_at__lt=event.ends_at,
            ends_at__gt=event.starts_at,
        )
        .exclude(source_key=key)
        .select_related("variant__product")
        .first()
    )
    if clash is not None and event.is_published:
        raise _error(
            "prices",
            _("“%(variant)s”在直播时段内已有特价“%(name)s”，时段不能重叠。")
            % {"variant": str(clash.variant), "name": clash.name},
            Code.OVERLAPPING_PRICE,
        )
    stale = [sp.pk for variant_id, sp in existing.items() if variant_id not in set(variant_ids)]
    if stale:
        SpecialPrice.objects.filter(pk__in=stale).delete()
    for price in live_prices:
        fields = {
            "name": _("直播专享价：%(title)s") % {"title": event.title},
            "kind": SpecialPriceKind.LIVESTREAM,
            "channel_id": event.channel_id,
            "price_amount": price.price_amount,
            "currency": price.currency,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "funded_by": event.funded_by,
            "is_active": event.is_published,
        }
        special = existing.get(price.variant_id)
        if special is None:
            SpecialPrice.objects.create(variant_id=price.variant_id, source_key=key, **fields)
        elif any(getattr(special, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(special, name, value)
            special.save()
    # The listing prices kept for sorting and filtering follow (shown prices are computed live).
    channel_id = event.channel_id
    transaction.on_commit(lambda: recalculate_discounted_prices([channel_id]))


@transaction.atomic
def save_livestream_event(
    *, event: LivestreamEvent | None, data: dict, actor=None
) -> LivestreamEvent:
    """Save an event, its featured products (in order) and its live prices; the live prices
    become special prices valid only inside the event's window."""
    _check_actor(actor)
    event = event or LivestreamEvent()
    before = _snapshot(event, _EVENT_AUDIT)
    apply_fields(event, data, EVENT_FIELDS)
    if "stream_url" in data or event.pk is None:
        event.stream_url = clean_stream_url(data.get("stream_url", ""))
    if not (event.title or "").strip():
        raise _error("title", _("请填写直播标题。"), Code.REQUIRED)
    if not (event.host_name or "").strip():
        raise _error("host_name", _("请填写主播。"), Code.REQUIRED)
    _check_window(event.starts_at, event.ends_at, required=True)
    products = data.get("products")
    if products is not None:
        _check_unique_items(products, "products")
    else:
        products = list(event.products.all()) if event.pk else []
    prices = data.get("prices")
    cleaned = _clean_prices(prices, products) if prices is not None else None
    if cleaned is None and event.pk is not None and "products" in data:
        # Featured products removed: their live prices go with them.
        event.prices.exclude(variant__product__in=products).delete()
    full_save(event)
    if "products" in data:
        _set_ordered(LivestreamProduct, "event", event, products, "product")
    if cleaned is not None:
        event.prices.exclude(variant_id__in=[variant.pk for variant, _a in cleaned]).delete()
        for variant, amount in cleaned:
            LivestreamPrice.objects.update_or_create(
                event=event,
                variant=variant,
                defaults={"price_amount": amount, "currency": event.channel.currency_code},
            )
    sync_live_special_prices(event)
    audit.record(
        actor=actor,
        action="merchandising.livestream_event.saved",
        instance=event,
        before=before or None,
        after={
            **_snapshot(event, _EVENT_AUDIT),
            "prices": {str(p.variant_id): str(p.price_amount) for p in event.prices.all()},
        },
    )
    return event


@transaction.atomic
def delete_livestream_event(*, event: LivestreamEvent, actor=None) -> None:
    """Delete an event with its live prices (the special prices it made)."""
    from backend.discount.models import SpecialPrice

    _check_actor(actor)
    audit.record(
        actor=actor,
        action="merchandising.livestream_event.deleted",
        instance=event,
        before=_snapshot(event, _EVENT_AUDIT),
    )
    SpecialPrice.objects.filter(source_key=event.source_key).delete()
    delete_instance(event)


# Collection rules -------------------------------------------------------------------------


@transaction.atomic
def set_collection_rule(*, collection: Collection, rule: dict | None, actor=None) -> RefreshResult:
    """Make a collection rule-based (`rule` given) or manual again (`rule=None`, keeping the
    products it has). A new rule fills the collection at once."""
    _check_actor(actor)
    before = {"kind": collection.kind, "rule": collection.rule}
    if rule is None:
        collection.kind = CollectionKind.MANUAL
        collection.rule = {}
        collection.save(update_fields=["kind", "rule"])
        result = RefreshResult(added=0, removed=0)
    else:
        collection.rule = validate_rule(rule)
        collection.kind = CollectionKind.RULE
        collection.save(update_fields=["kind", "rule"])
        result = refresh_rule_collection(collection)
    audit.record(
        actor=actor,
        action="merchandising.collection_rule.set",
        instance=collection,
        before=before,
        after={"kind": collection.kind, "rule": collection.rule},
    )
    return result
