"""Brand managers' services: promotions and their rules, vouchers and their codes, flash sales.

Every function takes keyword-only arguments, runs in one transaction, writes an audit entry
(who, what, before/after) and raises a `ValidationError` keyed by field with a
`DiscountErrorCode` when it refuses — and then nothing is written. Only users holding
MANAGE_DISCOUNTS may call them (DESIGN.md: permissions are checked in services too).

The `validate_*` functions are the rules themselves; the dashboard's forms call them from
`clean()` so that a promotion saved in the admin obeys exactly what the API obeys.

The stacking rule (docs/architecture.md) forbids two overlaps, refused here at creation and
update: two ORDER promotions in a channel with the same priority whose windows overlap (which
满减 applies would be a coin toss), and two special prices (flash sale, livestream) for the same
variant and channel whose windows overlap.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from backend.catalog.models import ProductVariant, ProductVariantChannelListing
from backend.channel.models import Channel
from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.discount.error_codes import DiscountErrorCode as Code
from backend.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    RewardType,
    RewardValueType,
    SpecialPrice,
    SpecialPriceKind,
    Voucher,
    VoucherCode,
    VoucherType,
)
from backend.discount.pricing import recalculate_discounted_prices

HUNDRED = Decimal("100")
# Codes a shopper types from a poster or an SMS: no 0/O, 1/I/L, which are misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_MAX_LENGTH = 32
MAX_GENERATED_CODES = 10_000
CATALOGUE_PREDICATES = ("products", "variants", "categories", "collections", "vendors")
VOUCHER_PREDICATES = ("products", "variants", "categories", "collections")

PROMOTION_FIELDS = (
    "name",
    "description",
    "type",
    "start_date",
    "end_date",
    "priority",
    "funded_by",
    "is_active",
)
RULE_FIELDS = (
    "name",
    "min_subtotal_amount",
    "reward_value_type",
    "reward_value",
    "reward_type",
    "gift_variant",
)
VOUCHER_FIELDS = (
    "name",
    "type",
    "discount_value_type",
    "discount_value",
    "start_date",
    "end_date",
    "usage_limit",
    "apply_once_per_customer",
    "min_spent_amount",
    "min_checkout_items_quantity",
    "funded_by",
)
FLASH_SALE_FIELDS = (
    "name",
    "channel",
    "variant",
    "price_amount",
    "starts_at",
    "ends_at",
    "quantity_limit",
    "per_customer_limit",
    "funded_by",
    "is_active",
)


# --- errors -------------------------------------------------------------------------------


class Errors:
    """Collects every problem of an input so the client sees them all at once."""

    def __init__(self) -> None:
        self.items: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, message: str, code: str) -> None:
        self.items.setdefault(field or "__all__", []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def _error(field: str | None, message: str, code: str) -> ValidationError:
    return ValidationError({field or "__all__": ValidationError(message, code=code)})


def can_manage_discounts(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_staff", False)
        and has_permissions(user, [Permission.MANAGE_DISCOUNTS])
    )


def require_manager(actor) -> None:
    if not can_manage_discounts(actor):
        raise _error(None, _("需要促销管理权限。"), Code.PERMISSION_DENIED)


# --- shared checks ------------------------------------------------------------------------


def _check_window(
    errors: Errors,
    start: datetime | None,
    end: datetime | None,
    *,
    start_field: str,
    end_field: str,
    end_required: bool = False,
) -> None:
    if start is None:
        errors.add(start_field, _("请填写开始时间。"), Code.REQUIRED)
    if end is None and end_required:
        errors.add(end_field, _("请填写结束时间。"), Code.REQUIRED)
    if start is not None and end is not None and end <= start:
        errors.add(end_field, _("结束时间必须晚于开始时间。"), Code.INVALID_WINDOW)


def _check_reward(
    errors: Errors,
    value_type: str | None,
    value: Decimal | None,
    *,
    type_field: str,
    value_field: str,
) -> None:
    if value_type not in RewardValueType.values:
        errors.add(type_field, _("请选择优惠方式（百分比或固定金额）。"), Code.REQUIRED)
    if value is None:
        errors.add(value_field, _("请填写优惠数值。"), Code.REQUIRED)
        return
    if value < 0:
        errors.add(value_field, _("优惠数值不能为负数。"), Code.INVALID_DISCOUNT_VALUE)
    elif value_type == RewardValueType.PERCENTAGE and value > HUNDRED:
        errors.add(value_field, _("折扣百分比不能超过 100%。"), Code.INVALID_DISCOUNT_VALUE)


def _check_non_negative(errors: Errors, data: dict, field: str, message: str) -> None:
    value = data.get(field)
    if value is not None and value < 0:
        errors.add(field, message, Code.NEGATIVE_VALUE)


def _overlapping(queryset, start_field: str, end_field: str, start, end):
    """Rows of `queryset` whose [start, end) window meets [start, end); null end = open."""
    condition = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": start})
    if end is not None:
        condition &= Q(**{f"{start_field}__lt": end})
    return queryset.filter(condition)


# --- promotions ---------------------------------------------------------------------------


def validate_promotion(data: dict, *, instance: Promotion | None = None) -> None:
    """The promotion's own fields (merged over `instance` for an update)."""
    merged = _merged(instance, data, PROMOTION_FIELDS)
    errors = Errors()
    if not (merged.get("name") or "").strip():
        errors.add("name", _("请填写促销名称。"), Code.REQUIRED)
    if merged.get("type") not in PromotionType.values:
        errors.add("type", _("请选择促销类型。"), Code.REQUIRED)
    changes_type = instance is not None and "type" in data and data["type"] != instance.type
    if changes_type and instance is not None and instance.pk and instance.rules.exists():
        errors.add("type", _("已有规则的促销不能更改类型。"), Code.INVALID)
    _check_window(
        errors,
        merged.get("start_date"),
        merged.get("end_date"),
        start_field="start_date",
        end_field="end_date",
    )
    errors.raise_if_any()
    if (
        instance is not None
        and instance.pk
        and merged.get("type") == PromotionType.ORDER
        and merged.get("is_active", True)
    ):
        _check_order_promotion_overlap(
            promotion_pk=instance.pk,
            priority=merged.get("priority") or 0,
            start=merged["start_date"],
            end=merged.get("end_date"),
            channel_ids=set(
                PromotionRule.channels.through.objects.filter(
                    promotionrule__promotion_id=instance.pk
                ).values_list("channel_id", flat=True)
            ),
        )


def _check_order_promotion_overlap(
    *, promotion_pk: int | None, priority: int, start, end, channel_ids: Iterable[int]
) -> None:
    """Stacking rule 5: two 满减 promotions in a channel with the same priority must not run at
    the same time. The channel rows are locked first, so two parallel saves in one channel
    take turns and the second sees the first."""
    channel_ids = set(channel_ids)
    if not channel_ids or start is None:
        return
    list(
        Channel.objects.select_for_update()
        .filter(pk__in=sorted(channel_ids))
        .order_by("pk")
        .values("pk")
    )
    others = Promotion.objects.filter(
        type=PromotionType.ORDER,
        priority=priority,
        is_active=True,
        rules__channels__in=channel_ids,
    )
    if promotion_pk is not None:
        others = others.exclude(pk=promotion_pk)
    clash = _overlapping(others, "start_date", "end_date", start, end).distinct().first()
    if clash is not None:
        raise _error(
            "start_date",
            _("与同一渠道、同一优先级的满减促销“%(name)s”时间重叠；请调整时间或优先级。")
            % {"name": clash.name},
            Code.OVERLAPPING_WINDOW,
        )


def _merged(instance, data: dict, fields: tuple[str, ...]) -> dict:
    merged = {field: getattr(instance, field) for field in fields} if instance else {}
    merged.update({key: value for key, value in data.items() if key in fields})
    return merged


def promotion_snapshot(promotion: Promotion) -> dict[str, Any]:
    return {field: getattr(promotion, field) for field in PROMOTION_FIELDS}


def create_promotion(*, actor, data: dict, rules: Iterable[dict] = ()) -> Promotion:
    """A promotion with its rules (each rule's data as for `create_promotion_rule`)."""
    require_manager(actor)
    with transaction.atomic():
        validate_promotion(data)
        promotion = Promotion(**{k: v for k, v in data.items() if k in PROMOTION_FIELDS})
        promotion.save()
        for index, rule_data in enumerate(rules):
            try:
                _save_rule(promotion=promotion, rule=None, data=rule_data)
            except ValidationError as error:
                raise _prefixed(error, f"rules.{index}") from error
        audit.record(
            actor=actor,
            action="promotion.created",
            instance=promotion,
            after=promotion_snapshot(promotion),
        )
    _reprice()
    return promotion


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (prefix if field == "__all__" else f"{prefix}.{field}"): items
            for field, items in error.error_dict.items()
        }
    )


def update_promotion(*, actor, promotion: Promotion, data: dict) -> Promotion:
    require_manager(actor)
    with transaction.atomic():
        promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
        before = promotion_snapshot(promotion)
        validate_promotion(data, instance=promotion)
        for field in PROMOTION_FIELDS:
            if field in data:
                setattr(promotion, field, data[field])
        promotion.save()
        audit.record(
            actor=actor,
            action="promotion.updated",
            instance=promotion,
            before=before,
            after=promotion_snapshot(promotion),
        )
    _reprice()
    return promotion


def delete_promotion(*, actor, promotion: Promotion) -> None:
    require_manager(actor)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="promotion.deleted",
            instance=promotion,
            before=promotion_snapshot(promotion),
        )
        promotion.delete()
    _reprice()


# --- promotion rules ----------------------------------------------------------------------


def validate_rule(*, promotion: Promotion, data: dict, rule: PromotionRule | None = None) -> None:
    """A rule's reward and predicate for its promotion's type. M2M values in `data` are lists
    of instances; absent keys keep the rule's current values."""
    errors = Errors()
    merged = _merged(rule, data, RULE_FIELDS)
    _check_reward(
        errors,
        merged.get("reward_value_type"),
        merged.get("reward_value"),
        type_field="reward_value_type",
        value_field="reward_value",
    )
    channels = _m2m(rule, data, "channels")
    if not channels:
        errors.add("channels", _("请至少选择一个销售渠道。"), Code.MISSING_CHANNELS)
    if promotion.type == PromotionType.CATALOGUE:
        if not any(_m2m(rule, data, name) for name in CATALOGUE_PREDICATES):
            errors.add(
                None,
                _("规则至少要指定一个适用范围（商品、规格、分类、专题或商家）。"),
                Code.MISSING_PREDICATE,
            )
        if merged.get("reward_type"):
            errors.add("reward_type", _("商品促销不能设置赠品或订单奖励。"), Code.INVALID)
    else:
        minimum = merged.get("min_subtotal_amount")
        if minimum is None:
            errors.add(
                "min_subtotal_amount",
                _("满减规则必须填写门槛金额（满多少元）。"),
                Code.MISSING_PREDICATE,
            )
        elif minimum < 0:
            errors.add("min_subtotal_amount", _("门槛金额不能为负数。"), Code.NEGATIVE_VALUE)
        reward_type = merged.get("reward_type")
        if reward_type not in RewardType.values:
            errors.add("reward_type", _("请选择订单奖励类型（减金额或赠品）。"), Code.REQUIRED)
        elif reward_type == RewardType.GIFT and merged.get("gift_variant") is None:
            errors.add("gift_variant", _("赠品促销必须指定赠品规格。"), Code.REQUIRED)
        if (
            reward_type == RewardType.SUBTOTAL_DISCOUNT
            and merged.get("reward_value_type") == RewardValueType.FIXED
            and minimum is not None
            and merged.get("reward_value") is not None
            and minimum > 0
            and merged["reward_value"] >= minimum
        ):
            errors.add(
                "reward_value",
                _("满减金额必须小于门槛金额。"),
                Code.INVALID_DISCOUNT_VALUE,
            )
    errors.raise_if_any()
    if promotion.type == PromotionType.ORDER and promotion.is_active:
        _check_order_promotion_overlap(
            promotion_pk=promotion.pk,
            priority=promotion.priority,
            start=promotion.start_date,
            end=promotion.end_date,
            channel_ids={channel.pk for channel in channels},
        )


def _m2m(instance, data: dict, name: str) -> list:
    if name in data:
        return list(data[name] or [])
    if instance is not None and instance.pk:
        return list(getattr(instance, name).all())
    return []


RULE_M2M = ("channels", *CATALOGUE_PREDICATES)


def rule_snapshot(rule: PromotionRule) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(rule, field) for field in RULE_FIELDS}
    values["gift_variant"] = rule.gift_variant_id
    for name in RULE_M2M:
        values[name] = sorted(getattr(rule, name).values_list("pk", flat=True))
    return values


def _save_rule(*, promotion: Promotion, rule: PromotionRule | None, data: dict) -> PromotionRule:
    validate_rule(promotion=promotion, data=data, rule=rule)
    if rule is None:
        rule = PromotionRule(promotion=promotion)
    for field in RULE_FIELDS:
        if field in data:
            setattr(rule, field, data[field])
    if promotion.type == PromotionType.CATALOGUE:
        rule.reward_type = None
        rule.gift_variant = None
    rule.save()
    for name in RULE_M2M:
        if name in data:
            getattr(rule, name).set(data[name] or [])
    rule.refresh_from_db()  # amounts as stored (to the fen)
    return rule


def create_promotion_rule(*, actor, promotion: Promotion, data: dict) -> PromotionRule:
    require_manager(actor)
    with transaction.atomic():
        promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
        rule = _save_rule(promotion=promotion, rule=None, data=data)
        audit.record(
            actor=actor, action="promotion_rule.created", instance=rule, after=rule_snapshot(rule)
        )
    _reprice()
    return rule


def update_promotion_rule(*, actor, rule: PromotionRule, data: dict) -> PromotionRule:
    require_manager(actor)
    with transaction.atomic():
        promotion = Promotion.objects.select_for_update().get(pk=rule.promotion_id)
        rule = PromotionRule.objects.get(pk=rule.pk)
        before = rule_snapshot(rule)
        rule = _save_rule(promotion=promotion, rule=rule, data=data)
        audit.record(
            actor=actor,
            action="promotion_rule.updated",
            instance=rule,
            before=before,
            after=rule_snapshot(rule),
        )
    _reprice()
    return rule


def delete_promotion_rule(*, actor, rule: PromotionRule) -> None:
    require_manager(actor)
    with transaction.atomic():
        audit.record(
            actor=actor, action="promotion_rule.deleted", instance=rule, before=rule_snapshot(rule)
        )
        rule.delete()
    _reprice()


# --- vouchers -----------------------------------------------------------------------------


def validate_voucher(data: dict, *, instance: Voucher | None = None) -> None:
    merged = _merged(instance, data, VOUCHER_FIELDS)
    errors = Errors()
    if not (merged.get("name") or "").strip():
        errors.add("name", _("请填写代金券名称。"), Code.REQUIRED)
    if merged.get("type") not in VoucherType.values:
        errors.add("type", _("请选择代金券类型。"), Code.REQUIRED)
    _check_reward(
        errors,
        merged.get("discount_value_type"),
        merged.get("discount_value"),
        type_field="discount_value_type",
        value_field="discount_value",
    )
    _check_window(
        errors,
        merged.get("start_date"),
        merged.get("end_date"),
        start_field="start_date",
        end_field="end_date",
    )
    _check_non_negative(errors, merged, "min_spent_amount", _("最低消费金额不能为负数。"))
    _check_non_negative(errors, merged, "min_checkout_items_quantity", _("最少件数不能为负数。"))
    limit = merged.get("usage_limit")
    if limit is not None and limit < 1:
        errors.add("usage_limit", _("使用次数上限至少为 1（留空表示不限）。"), Code.INVALID)
    if (
        merged.get("discount_value_type") == RewardValueType.FIXED
        and merged.get("discount_value") is not None
        and merged.get("min_spent_amount")
        and merged["discount_value"] > merged["min_spent_amount"]
    ):
        errors.add(
            "discount_value",
            _("固定减免金额不能超过最低消费金额。"),
            Code.INVALID_DISCOUNT_VALUE,
        )
    if not _m2m(instance, data, "channels"):
        errors.add("channels", _("请至少选择一个销售渠道。"), Code.MISSING_CHANNELS)
    if merged.get("type") == VoucherType.SPECIFIC_PRODUCT and not any(
        _m2m(instance, data, name) for name in VOUCHER_PREDICATES
    ):
        errors.add(
            "products",
            _("指定商品代金券至少要选择一个商品、规格、分类或专题。"),
            Code.MISSING_PREDICATE,
        )
    if (
        instance is not None
        and instance.pk
        and instance.used
        and data.get("discount_value", instance.discount_value) != instance.discount_value
    ):
        errors.add(
            "discount_value",
            _("代金券已被使用，不能再修改优惠金额。"),
            Code.VOUCHER_ALREADY_USED,
        )
    errors.raise_if_any()


VOUCHER_M2M = ("channels", *VOUCHER_PREDICATES)


def voucher_snapshot(voucher: Voucher) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(voucher, field) for field in VOUCHER_FIELDS}
    if voucher.pk:
        for name in VOUCHER_M2M:
            values[name] = sorted(getattr(voucher, name).values_list("pk", flat=True))
    return values


def normalize_code(raw: str) -> str:
    return (raw or "").strip().upper()


def validate_codes(codes: Iterable[str], *, field: str = "add_codes") -> list[str]:
    """Upper-cased codes, each 1–32 letters, digits, '-' or '_', none twice, none taken."""
    normalized = [normalize_code(code) for code in codes]
    errors = Errors()
    seen: set[str] = set()
    for code in normalized:
        if (
            not code
            or len(code) > CODE_MAX_LENGTH
            or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code)
        ):
            errors.add(
                field,
                _("券码“%(code)s”无效：须为 1–32 位英文字母、数字、- 或 _。") % {"code": code},
                Code.INVALID,
            )
        elif code in seen:
            errors.add(
                field, _("券码“%(code)s”重复。") % {"code": code}, Code.DUPLICATED_INPUT_ITEM
            )
        seen.add(code)
    errors.raise_if_any()
    taken = sorted(VoucherCode.objects.filter(code__in=normalized).values_list("code", flat=True))
    if taken:
        raise _error(
            field,
            _("这些券码已存在：%(codes)s") % {"codes": "、".join(taken[:10])},
            Code.ALREADY_EXISTS,
        )
    return normalized


def _save_voucher_m2m(voucher: Voucher, data: dict) -> None:
    for name in VOUCHER_M2M:
        if name in data:
            getattr(voucher, name).set(data[name] or [])


def create_voucher(*, actor, data: dict, codes: Iterable[str] = ()) -> Voucher:
    require_manager(actor)
    with transaction.atomic():
        validate_voucher(data)
        codes = validate_codes(codes)
        voucher = Voucher(**{k: v for k, v in data.items() if k in VOUCHER_FIELDS})
        voucher.save()
        voucher.refresh_from_db()
        _save_voucher_m2m(voucher, data)
        VoucherCode.objects.bulk_create([VoucherCode(voucher=voucher, code=c) for c in codes])
        audit.record(
            actor=actor,
            action="voucher.created",
            instance=voucher,
            after={**voucher_snapshot(voucher), "codes": codes},
        )
    _reprice()
    return voucher


def update_voucher(
    *, actor, voucher: Voucher, data: dict, add_codes: Iterable[str] = ()
) -> Voucher:
    require_manager(actor)
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
        before = voucher_snapshot(voucher)
        validate_voucher(data, instance=voucher)
        codes = validate_codes(add_codes)
        for field in VOUCHER_FIELDS:
            if field in data:
                setattr(voucher, field, data[field])
        voucher.save()
        voucher.refresh_from_db()
        _save_voucher_m2m(voucher, data)
        VoucherCode.objects.bulk_create([VoucherCode(voucher=voucher, code=c) for c in codes])
        audit.record(
            actor=actor,
            action="voucher.updated",
            instance=voucher,
            before=before,
            after={**voucher_snapshot(voucher), "added_codes": codes},
        )
    _reprice()
    return voucher


def delete_voucher(*, actor, voucher: Voucher) -> None:
    """Vouchers already used on orders stay (the orders name them); deactivate those instead."""
    require_manager(actor)
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
        if voucher.used:
            raise _error(
                "id",
                _("代金券已被使用 %(count)d 次，不能删除；请停用其券码或修改结束时间。")
                % {"count": voucher.used},
                Code.VOUCHER_ALREADY_USED,
            )
        audit.record(
            actor=actor,
            action="voucher.deleted",
            instance=voucher,
            before=voucher_snapshot(voucher),
        )
        voucher.delete()
    _reprice()


def add_voucher_codes(*, actor, voucher: Voucher, codes: Iterable[str]) -> list[VoucherCode]:
    require_manager(actor)
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
        normalized = validate_codes(codes)
        if not normalized:
            raise _error("add_codes", _("请至少填写一个券码。"), Code.REQUIRED)
        created = VoucherCode.objects.bulk_create(
            [VoucherCode(voucher=voucher, code=code) for code in normalized]
        )
        audit.record(
            actor=actor,
            action="voucher.codes_added",
            instance=voucher,
            after={"codes": normalized},
        )
    return created


def generate_voucher_codes(
    *, actor, voucher: Voucher, quantity: int, prefix: str = "", length: int = 8
) -> list[VoucherCode]:
    """`quantity` new codes `prefix + length random characters`, drawn with `secrets` from an
    alphabet without look-alike characters; written together, or not at all."""
    require_manager(actor)
    errors = Errors()
    prefix = normalize_code(prefix)
    if not 1 <= quantity <= MAX_GENERATED_CODES:
        errors.add(
            "quantity",
            _("一次生成的数量须在 1 到 %(max)d 之间。") % {"max": MAX_GENERATED_CODES},
            Code.INVALID,
        )
    if not 6 <= length <= 20:
        errors.add("length", _("随机部分长度须在 6 到 20 位之间。"), Code.INVALID)
    if prefix and not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in prefix):
        errors.add("prefix", _("前缀只能包含英文字母、数字、- 或 _。"), Code.INVALID)
    if len(prefix) + length > CODE_MAX_LENGTH:
        errors.add(
            "prefix",
            _("前缀加随机部分不能超过 %(max)d 位。") % {"max": CODE_MAX_LENGTH},
            Code.INVALID,
        )
    errors.raise_if_any()
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
        codes: set[str] = set()
        while len(codes) < quantity:
            batch = {
                prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
                for _ in range(quantity - len(codes))
            }
            batch -= codes
            taken = set(VoucherCode.objects.filter(code__in=batch).values_list("code", flat=True))
            codes |= batch - taken
        created = VoucherCode.objects.bulk_create(
            [VoucherCode(voucher=voucher, code=code) for code in sorted(codes)], batch_size=2000
        )
        audit.record(
            actor=actor,
            action="voucher.codes_generated",
            instance=voucher,
            after={"quantity": quantity, "prefix": prefix, "length": length},
        )
    return created


# --- flash sales --------------------------------------------------------------------------


def list_price(*, variant: ProductVariant, channel) -> Decimal | None:
    listing = ProductVariantChannelListing.objects.filter(variant=variant, channel=channel).first()
    return listing.price_amount if listing is not None else None


def validate_flash_sale(data: dict, *, instance: SpecialPrice | None = None) -> None:
    merged = _merged(instance, data, FLASH_SALE_FIELDS)
    errors = Errors()
    if not (merged.get("name") or "").strip():
        errors.add("name", _("请填写秒杀活动名称。"), Code.REQUIRED)
    channel = merged.get("channel")
    variant = merged.get("variant")
    if channel is None:
        errors.add("channel", _("请选择销售渠道。"), Code.REQUIRED)
    if variant is None:
        errors.add("variant", _("请选择商品规格。"), Code.REQUIRED)
    price = merged.get("price_amount")
    if price is None:
        errors.add("price_amount", _("请填写秒杀价。"), Code.REQUIRED)
    elif price <= 0:
        errors.add("price_amount", _("秒杀价必须大于 0。"), Code.INVALID_PRICE)
    elif channel is not None and variant is not None:
        regular = list_price(variant=variant, channel=channel)
        if regular is None:
            errors.add(
                "variant", _("这个规格在该渠道没有上架，不能设置秒杀价。"), Code.VARIANT_NOT_LISTED
            )
        elif price >= regular:
            errors.add(
                "price_amount",
                _("秒杀价必须低于原价 ¥%(price)s。") % {"price": regular},
                Code.PRICE_NOT_BELOW_LIST_PRICE,
            )
    _check_window(
        errors,
        merged.get("starts_at"),
        merged.get("ends_at"),
        start_field="starts_at",
        end_field="ends_at",
        end_required=True,
    )
    for field, message in (
        ("quantity_limit", _("秒杀数量至少为 1（留空表示不限）。")),
        ("per_customer_limit", _("每人限购至少为 1（留空表示不限）。")),
    ):
        value = merged.get(field)
        if value is not None and value < 1:
            errors.add(field, message, Code.INVALID)
    if (
        instance is not None
        and merged.get("quantity_limit") is not None
        and merged["quantity_limit"] < instance.quantity_sold
    ):
        errors.add(
            "quantity_limit",
            _("秒杀数量不能少于已售出的 %(sold)d 件。") % {"sold": instance.quantity_sold},
            Code.INVALID,
        )
    errors.raise_if_any()
    if merged.get("is_active", True):
        _check_special_price_overlap(
            pk=instance.pk if instance else None,
            channel=channel,
            variant=variant,
            start=merged["starts_at"],
            end=merged["ends_at"],
        )


def _check_special_price_overlap(*, pk, channel, variant, start, end) -> None:
    """Stacking rule 5: one special price per variant and channel at a time."""
    others = SpecialPrice.objects.filter(channel=channel, variant=variant, is_active=True)
    if pk is not None:
        others = others.exclude(pk=pk)
    clash = _overlapping(others, "starts_at", "ends_at", start, end).first()
    if clash is not None:
        raise _error(
            "starts_at",
            _("这个规格在该渠道已有时间重叠的特价“%(name)s”。") % {"name": clash.name},
            Code.OVERLAPPING_WINDOW,
        )


def flash_sale_snapshot(sale: SpecialPrice) -> dict[str, Any]:
    values: dict[str, Any] = {field: getattr(sale, field) for field in FLASH_SALE_FIELDS}
    values["channel"] = sale.channel_id
    values["variant"] = sale.variant_id
    values["quantity_sold"] = sale.quantity_sold
    return values


def _lock_variant(variant) -> None:
    """Serialize special-price writes per variant (flash sales here, livestream prices in
    merchandising lock the same row), so two parallel saves cannot both pass the overlap check."""
    if variant is not None:
        list(ProductVariant.objects.select_for_update().filter(pk=variant.pk).values("pk"))


def create_flash_sale(*, actor, data: dict) -> SpecialPrice:
    require_manager(actor)
    with transaction.atomic():
        _lock_variant(data.get("variant"))
        validate_flash_sale(data)
        sale = SpecialPrice(
            kind=SpecialPriceKind.FLASH_SALE,
            currency=data["channel"].currency_code,
            **{k: v for k, v in data.items() if k in FLASH_SALE_FIELDS},
        )
        sale.save()
        sale.refresh_from_db()
        audit.record(
            actor=actor, action="flash_sale.created", instance=sale, after=flash_sale_snapshot(sale)
        )
    _reprice()
    return sale


def _locked_flash_sale(sale: SpecialPrice) -> SpecialPrice:
    locked = SpecialPrice.objects.select_for_update().filter(
        pk=sale.pk, kind=SpecialPriceKind.FLASH_SALE
    )
    found = locked.first()
    if found is None:
        raise _error("id", _("找不到这个秒杀活动。"), Code.NOT_FOUND)
    return found


def update_flash_sale(*, actor, sale: SpecialPrice, data: dict) -> SpecialPrice:
    require_manager(actor)
    with transaction.atomic():
        _lock_variant(data.get("variant") or sale.variant)
        sale = _locked_flash_sale(sale)
        before = flash_sale_snapshot(sale)
        validate_flash_sale(data, instance=sale)
        for field in FLASH_SALE_FIELDS:
            if field in data:
                setattr(sale, field, data[field])
        sale.currency = sale.channel.currency_code
        sale.save()
        sale.refresh_from_db()
        audit.record(
            actor=actor,
            action="flash_sale.updated",
            instance=sale,
            before=before,
            after=flash_sale_snapshot(sale),
        )
    _reprice()
    return sale


def delete_flash_sale(*, actor, sale: SpecialPrice) -> None:
    """A flash sale that has sold is kept for the orders' records: deactivate it instead."""
    require_manager(actor)
    with transaction.atomic():
        sale = _locked_flash_sale(sale)
        if sale.quantity_sold:
            raise _error(
                "id",
                _("秒杀已售出 %(sold)d 件，不能删除；请停用。") % {"sold": sale.quantity_sold},
                Code.INVALID,
            )
        audit.record(
            actor=actor,
            action="flash_sale.deleted",
            instance=sale,
            before=flash_sale_snapshot(sale),
        )
        sale.delete()
    _reprice()


# --- after a change -----------------------------------------------------------------------


def _reprice() -> None:
    """The listing prices stored for sorting and filtering follow the promotions once the change
    is committed (displayed prices are computed live by backend.discount.pricing)."""
    transaction.on_commit(recalculate_discounted_prices)
