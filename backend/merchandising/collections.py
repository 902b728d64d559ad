"""Rule-based collections: products chosen by a rule instead of by hand.

A rule is a small JSON document, `{"conditions": [...]}`, whose conditions all have to hold
(AND). The kinds a brand manager can combine:

- `geographical_indication` — the product carries the 地理标志 certification value;
- `new_this_week` — first published in a channel within the last 7 days;
- `brand_licensed` — holds a valid licence of the public brand (backend.brand.selectors);
- `vendor` (`"vendor": "<vendor slug>"`) — sold by that cooperative or enterprise;
- `town` (`"town": "<town name>"`) — its origin attribute names the town, or its vendor
  is in that town.

Membership is recomputed by `refresh_rule_collection`, which inserts and deletes only the
difference, so products that stay keep their position and manual collections are never
touched. A refresh runs after catalog changes (at most once a minute) and every 10 minutes
from beat, because "new this week" changes with time alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.catalog.cache import bump_catalog_version
from backend.catalog.models import (
    Collection,
    CollectionKind,
    CollectionProduct,
    Product,
    ProductChannelListing,
)
from backend.merchandising.error_codes import MerchandisingErrorCode

logger = logging.getLogger(__name__)

GEOGRAPHICAL_INDICATION_VALUE = "geographical-indication"
CERTIFICATION_ATTRIBUTE = "certification"
ORIGIN_ATTRIBUTE = "origin"
NEW_PRODUCT_DAYS = 7
MAX_CONDITIONS = 5
REFRESH_LOCK_KEY = "merchandising:rule-refresh-lock"
REFRESH_DEBOUNCE_SECONDS = 60


class RuleKind:
    GEOGRAPHICAL_INDICATION = "geographical_indication"
    NEW_THIS_WEEK = "new_this_week"
    BRAND_LICENSED = "brand_licensed"
    VENDOR = "vendor"
    TOWN = "town"

    ALL = (GEOGRAPHICAL_INDICATION, NEW_THIS_WEEK, BRAND_LICENSED, VENDOR, TOWN)
    # The one parameter each kind takes, if any.
    PARAMETERS = {VENDOR: "vendor", TOWN: "town"}


def _rule_error(message: str, code: str = MerchandisingErrorCode.INVALID_RULE) -> ValidationError:
    return ValidationError({"rule": ValidationError(message, code=code)})


def licensed_product_ids_or_error(at: datetime | None = None) -> set[int]:
    """The brand app's licensed products; the brand-licensed rule needs it (built by the
    brand-licence work of issue #11), so its absence is a typed error, not a crash."""
    try:
        from backend.brand.selectors import licensed_product_ids
    except ImportError as error:
        raise _rule_error(
            _("品牌授权规则暂不可用：品牌授权模块尚未启用。"),
            MerchandisingErrorCode.RULE_UNAVAILABLE,
        ) from error
    return set(licensed_product_ids(at))


def validate_rule(rule) -> dict:
    """The rule in its normal form, or a ValidationError on field `rule`."""
    from backend.divisions.models import Town
    from backend.vendors.models import Vendor

    if not isinstance(rule, dict) or not isinstance(rule.get("conditions"), list):
        raise _rule_error(_('规则格式应为 {"conditions": [...]}。'))
    conditions = rule["conditions"]
    if not conditions:
        raise _rule_error(_("规则至少需要一个条件。"), MerchandisingErrorCode.REQUIRED)
    if len(conditions) > MAX_CONDITIONS:
        raise _rule_error(_("规则最多 %(count)d 个条件。") % {"count": MAX_CONDITIONS})
    normal: list[dict] = []
    for condition in conditions:
        if not isinstance(condition, dict) or condition.get("kind") not in RuleKind.ALL:
            raise _rule_error(
                _("未知的规则条件：%(condition)s。") % {"condition": str(condition)[:80]}
            )
        kind = condition["kind"]
        parameter = RuleKind.PARAMETERS.get(kind)
        extra = set(condition) - {"kind"} - ({parameter} if parameter else set())
        if extra:
            raise _rule_error(
                _("规则条件 %(kind)s 不接受参数 %(names)s。")
                % {"kind": kind, "names": ", ".join(sorted(extra))}
            )
        item = {"kind": kind}
        if parameter:
            value = condition.get(parameter)
            if not isinstance(value, str) or not value.strip():
                raise _rule_error(
                    _("规则条件 %(kind)s 需要参数 %(name)s。") % {"kind": kind, "name": parameter},
                    MerchandisingErrorCode.REQUIRED,
                )
            value = value.strip()
            if kind == RuleKind.VENDOR and not Vendor.objects.filter(slug=value).exists():
                raise _rule_error(
                    _("没有标识为 %(slug)s 的商家。") % {"slug": value},
                    MerchandisingErrorCode.NOT_FOUND,
                )
            if kind == RuleKind.TOWN and not Town.objects.filter(name=value).exists():
                raise _rule_error(
                    _("没有名为 %(name)s 的乡镇。") % {"name": value},
                    MerchandisingErrorCode.NOT_FOUND,
                )
            item[parameter] = value
        if item in normal:
            raise _rule_error(_("规则条件重复。"), MerchandisingErrorCode.DUPLICATED_INPUT_ITEM)
        normal.append(item)
    if {"kind": RuleKind.BRAND_LICENSED} in normal:
        licensed_product_ids_or_error()
    return {"conditions": normal}


def _condition_filter(condition: dict, at: datetime) -> Q:
    kind = condition["kind"]
    if kind == RuleKind.GEOGRAPHICAL_INDICATION:
        return Q(
            pk__in=Product.objects.filter(
                attributevalues__value__attribute__slug=CERTIFICATION_ATTRIBUTE,
                attributevalues__value__slug=GEOGRAPHICAL_INDICATION_VALUE,
            ).values("pk")
        )
    if kind == RuleKind.NEW_THIS_WEEK:
        # A listing without a publication date was published when the product was created.
        since = at - timedelta(days=NEW_PRODUCT_DAYS)
        listings = (
            ProductChannelListing.objects.filter(is_published=True)
            .annotate(first_shown=Coalesce("published_at", "product__created_at"))
            .filter(first_shown__gt=since, first_shown__lte=at)
        )
        return Q(pk__in=listings.values("product_id"))
    if kind == RuleKind.BRAND_LICENSED:
        return Q(pk__in=licensed_product_ids_or_error(at))
    if kind == RuleKind.VENDOR:
        return Q(vendor__slug=condition["vendor"])
    if kind == RuleKind.TOWN:
        town = condition["town"]
        by_origin = Product.objects.filter(
            attributevalues__value__attribute__slug=ORIGIN_ATTRIBUTE,
            attributevalues__value__name=town,
        ).values("pk")
        return Q(pk__in=by_origin) | Q(vendor__town=town)
    raise _rule_error(_("未知的规则条件：%(condition)s。") % {"condition": kind})


def rule_products(rule: dict, *, at: datetime | None = None) -> QuerySet[Product]:
    """Products matching every condition of a (validated) rule, newest first."""
    at = at or timezone.now()
    products = Product.objects.all()
    for condition in rule.get("conditions", []):
        products = products.filter(_condition_filter(condition, at))
    return products.order_by("-created_at", "pk")


@dataclass(frozen=True)
class RefreshResult:
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def refresh_rule_collection(collection: Collection, *, at: datetime | None = None) -> RefreshResult:
    """Recompute a rule collection's products in one transaction: delete the products that no
    longer match, append the new ones after the others; products that stay keep their order.
    A manual collection is left as it is."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Collection.objects.select_for_update().filter(pk=collection.pk).first()
        if locked is None or locked.kind != CollectionKind.RULE:
            return RefreshResult(added=0, removed=0)
        wanted = list(rule_products(locked.rule, at=at).values_list("pk", flat=True))
        current = set(
            CollectionProduct.objects.filter(collection=locked).values_list("product_id", flat=True)
        )
        wanted_set = set(wanted)
        removed = current - wanted_set
        if removed:
            CollectionProduct.objects.filter(collection=locked, product_id__in=removed).delete()
        added = [pk for pk in wanted if pk not in current]
        if added:
            last = CollectionProduct.objects.filter(collection=locked).aggregate(
                last=Max("sort_order")
            )["last"]
            start = -1 if last is None else last
            CollectionProduct.objects.bulk_create(
                CollectionProduct(collection=locked, product_id=pk, sort_order=start + 1 + index)
                for index, pk in enumerate(added)
            )
        # A plain update: the refresh time alone changes nothing a shopper sees.
        Collection.objects.filter(pk=locked.pk).update(rule_refreshed_at=at)
        collection.rule_refreshed_at = at
        result = RefreshResult(added=len(added), removed=len(removed))
        if result.changed:
            transaction.on_commit(bump_catalog_version)
    return result


def refresh_rule_collections(*, at: datetime | None = None) -> dict[str, RefreshResult]:
    """Refresh every rule collection, each in its own transaction; a collection whose rule
    cannot be evaluated (e.g. the brand module is missing) is skipped, the others still run."""
    results: dict[str, RefreshResult] = {}
    for collection in Collection.objects.filter(kind=CollectionKind.RULE).order_by("pk"):
        try:
            results[collection.slug] = refresh_rule_collection(collection, at=at)
        except ValidationError:
            continue
    return results


def request_rule_refresh() -> bool:
    """Ask for a refresh of the rule collections after a catalog change, at most once a
    minute: the first change takes the lock and queues the refresh for when the lock expires,
    so every change of that minute is in it. Returns whether a refresh was queued."""
    if not cache.add(REFRESH_LOCK_KEY, 1, timeout=REFRESH_DEBOUNCE_SECONDS):
        return False
    from backend.merchandising.tasks import refresh_rule_collections_task

    try:
        refresh_rule_collections_task.apply_async(countdown=REFRESH_DEBOUNCE_SECONDS)
    except Exception:  # a broker that cannot be reached must not fail the catalog change
        logger.warning("rule collection refresh not queued", exc_info=True)
        cache.delete(REFRESH_LOCK_KEY)
        return False
    return True


# Rows whose change can change a rule's answer (the brand app's licences included).
TRIGGER_MODELS = (
    "catalog.product",
    "catalog.assignedproductattributevalue",
    "catalog.productchannellisting",
    "vendors.vendor",
)
TRIGGER_APPS = ("brand",)


def _on_catalog_change(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.label_lower in TRIGGER_MODELS or meta.app_label in TRIGGER_APPS:
        transaction.on_commit(request_rule_refresh)


def connect_signals(signals: Iterable) -> None:
    for signal in signals:
        signal.connect(_on_catalog_change, dispatch_uid=f"merchandising-rules-{signal!r}")
