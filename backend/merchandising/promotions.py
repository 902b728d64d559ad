"""Promotions described in the words shoppers read on a campaign page: 满99减10, 9折,
直降5元, 满199赠…. The figures come from the promotion rules themselves (backend/discount),
so the words and the prices charged never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from backend.discount.models import Promotion, PromotionType, RewardType, RewardValueType

HUNDRED = Decimal(100)


def _number(value: Decimal) -> str:
    """99.00 → "99", 8.50 → "8.5"."""
    text = f"{value.normalize():f}"
    return text


def _off(rule) -> str:
    value = rule.reward_value or Decimal(0)
    if rule.reward_value_type == RewardValueType.PERCENTAGE:
        # 10% off is 9折 (the price is nine tenths of the original).
        return _("%(zhe)s折") % {"zhe": _number((HUNDRED - value) / 10)}
    return _("减%(amount)s元") % {"amount": _number(value)}


def describe_rule(promotion: Promotion, rule) -> str:
    if promotion.type == PromotionType.ORDER:
        threshold = _number(rule.min_subtotal_amount or Decimal(0))
        if rule.reward_type == RewardType.GIFT:
            gift = str(rule.gift_variant) if rule.gift_variant_id else _("赠品")
            return _("满%(threshold)s元送%(gift)s") % {"threshold": threshold, "gift": gift}
        if rule.reward_value_type == RewardValueType.PERCENTAGE:
            return _("满%(threshold)s元打%(off)s") % {"threshold": threshold, "off": _off(rule)}
        return _("满%(threshold)s减%(amount)s") % {
            "threshold": threshold,
            "amount": _number(rule.reward_value or Decimal(0)),
        }
    if rule.reward_value_type == RewardValueType.PERCENTAGE:
        return _("活动商品%(off)s") % {"off": _off(rule)}
    return _("活动商品直降%(amount)s元") % {"amount": _number(rule.reward_value or Decimal(0))}


@dataclass(frozen=True)
class PromotionText:
    name: str
    offers: list[str]
    ends_at: datetime | None


def describe_promotions(promotions, *, at: datetime) -> list[PromotionText]:
    """The active or upcoming promotions with their offers in words (ended ones left out)."""
    texts = []
    for promotion in promotions:
        if not promotion.is_active or (promotion.end_date and promotion.end_date <= at):
            continue
        offers = [describe_rule(promotion, rule) for rule in promotion.rules.all()]
        texts.append(PromotionText(name=promotion.name, offers=offers, ends_at=promotion.end_date))
    return texts
