"""promotionCreate / Update / Delete and promotionRule*: happy paths, typed errors that write
nothing, and the stacking rule's forbidden overlap for 满减."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.core.models import AuditLogEntry
from backend.discount.models import Promotion, PromotionRule
from tests.discount_api.conftest import gid

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: PromotionCreateInput!) {
  promotionCreate(input: $input) {
    promotion { id name type fundedBy priority startDate endDate
      rules { id name rewardValueType rewardValue rewardType minSubtotalAmount
              channels { slug } products { name } } }
    errors { field message code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: PromotionInput!) {
  promotionUpdate(id: $id, input: $input) {
    promotion { id name priority endDate }
    errors { field message code }
  }
}
"""
DELETE = """
mutation($id: ID!) { promotionDelete(id: $id) { promotion { id name } errors { field code } } }
"""
RULE_CREATE = """
mutation($input: PromotionRuleCreateInput!) {
  promotionRuleCreate(input: $input) {
    promotionRule { id rewardValue giftVariant { id } promotion { name } }
    errors { field message code }
  }
}
"""
RULE_UPDATE = """
mutation($id: ID!, $input: PromotionRuleInput!) {
  promotionRuleUpdate(id: $id, input: $input) {
    promotionRule { id rewardValue rewardValueType }
    errors { field message code }
  }
}
"""
RULE_DELETE = """
mutation($id: ID!) { promotionRuleDelete(id: $id) { promotionRule { id } errors { code } } }
"""


def _catalogue_input(channel, product, window, **overrides):
    rule = {
        "name": "大米 9 折",
        "channels": [gid("Channel", channel.pk)],
        "products": [gid("Product", product.pk)],
        "rewardValueType": "PERCENTAGE",
        "rewardValue": "10",
    }
    rule.update(overrides.pop("rule", {}))
    data = {
        "name": "丰收节",
        "type": "CATALOGUE",
        "startDate": window[0].isoformat(),
        "endDate": window[1].isoformat(),
        "fundedBy": "BRAND",
        "rules": [rule],
    }
    data.update(overrides)
    return data


def _order_input(channel, window, *, priority=0, name="满99减10"):
    return {
        "name": name,
        "type": "ORDER",
        "startDate": window[0].isoformat(),
        "endDate": window[1].isoformat(),
        "priority": priority,
        "fundedBy": "PLATFORM",
        "rules": [
            {
                "channels": [gid("Channel", channel.pk)],
                "minSubtotalAmount": "99",
                "rewardType": "SUBTOTAL_DISCOUNT",
                "rewardValueType": "FIXED",
                "rewardValue": "10",
            }
        ],
    }


def _counts():
    return (Promotion.objects.count(), PromotionRule.objects.count())


def test_brand_manager_creates_catalogue_promotion_with_rule(manager_gql, channel, rice, window):
    product, _variants = rice
    result = manager_gql.query(CREATE, {"input": _catalogue_input(channel, product, window)})[
        "promotionCreate"
    ]
    assert result["errors"] == []
    promotion = result["promotion"]
    assert promotion["type"] == "CATALOGUE"
    assert promotion["fundedBy"] == "BRAND"
    [rule] = promotion["rules"]
    assert rule["rewardValueType"] == "PERCENTAGE"
    assert rule["rewardValue"] == "10.00"
    assert rule["channels"] == [{"slug": channel.slug}]
    assert rule["products"] == [{"name": "东王集大米"}]
    stored = Promotion.objects.get()
    assert AuditLogEntry.objects.filter(action="promotion.created", object_id=str(stored.pk))


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"rule": {"rewardValue": "-5"}}, "rules.0.rewardValue", "INVALID_DISCOUNT_VALUE"),
        ({"rule": {"rewardValue": "100.01"}}, "rules.0.rewardValue", "INVALID_DISCOUNT_VALUE"),
        ({"rule": {"products": []}}, "rules.0", "MISSING_PREDICATE"),
        ({"rule": {"channels": []}}, "rules.0.channels", "MISSING_CHANNELS"),
        ({"name": "  "}, "name", "REQUIRED"),
    ],
    ids=["negative", "over-100-percent", "no-predicate", "no-channel", "blank-name"],
)
def test_invalid_promotion_is_refused_and_nothing_is_written(
    manager_gql, channel, rice, window, overrides, field, code
):
    product, _variants = rice
    before = _counts()
    result = manager_gql.query(
        CREATE, {"input": _catalogue_input(channel, product, window, **overrides)}
    )["promotionCreate"]
    assert result["promotion"] is None
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in result["errors"]
    ]
    assert _counts() == before


def test_promotion_ending_before_it_starts_is_refused(manager_gql, channel, rice, window):
    product, _variants = rice
    data = _catalogue_input(channel, product, window, endDate=window[0].isoformat())
    data["startDate"] = (window[0] + timedelta(hours=1)).isoformat()
    result = manager_gql.query(CREATE, {"input": data})["promotionCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("endDate", "INVALID_WINDOW")]
    assert _counts() == (0, 0)


def test_unknown_channel_is_a_typed_error(manager_gql, channel, rice, window):
    product, _variants = rice
    data = _catalogue_input(channel, product, window, rule={"channels": [gid("Channel", 99999)]})
    result = manager_gql.query(CREATE, {"input": data})["promotionCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("channels", "NOT_FOUND")]
    assert _counts() == (0, 0)


def test_order_promotion_needs_a_threshold_and_a_reward_type(manager_gql, channel, window):
    data = _order_input(channel, window)
    del data["rules"][0]["minSubtotalAmount"]
    del data["rules"][0]["rewardType"]
    result = manager_gql.query(CREATE, {"input": data})["promotionCreate"]
    codes = {(e["field"], e["code"]) for e in result["errors"]}
    assert codes == {
        ("rules.0.minSubtotalAmount", "MISSING_PREDICATE"),
        ("rules.0.rewardType", "REQUIRED"),
    }
    assert _counts() == (0, 0)


def test_gift_promotion_with_unknown_gift_variant_is_refused(manager_gql, channel, window):
    data = _order_input(channel, window)
    data["rules"][0].update(rewardType="GIFT", giftVariant=gid("ProductVariant", 99999))
    result = manager_gql.query(CREATE, {"input": data})["promotionCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("giftVariant", "NOT_FOUND")]
    assert _counts() == (0, 0)


def test_two_order_promotions_with_same_priority_may_not_overlap(manager_gql, channel, window):
    first = manager_gql.query(CREATE, {"input": _order_input(channel, window)})
    assert first["promotionCreate"]["errors"] == []
    later = (window[0] + timedelta(days=1), window[1] + timedelta(days=1))
    result = manager_gql.query(CREATE, {"input": _order_input(channel, later, name="满199减30")})[
        "promotionCreate"
    ]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("rules.0.startDate", "OVERLAPPING_WINDOW")
    ]
    assert _counts() == (1, 1)
    # Another priority, or a window after the first ends, is allowed.
    other = manager_gql.query(
        CREATE, {"input": _order_input(channel, later, priority=1, name="满199减30")}
    )["promotionCreate"]
    assert other["errors"] == []
    after = (window[1], window[1] + timedelta(days=3))
    follow_up = manager_gql.query(CREATE, {"input": _order_input(channel, after, name="返场")})[
        "promotionCreate"
    ]
    assert follow_up["errors"] == []


def test_update_changes_window_and_refuses_bad_one(manager_gql, channel, rice, window):
    product, _variants = rice
    created = manager_gql.query(CREATE, {"input": _catalogue_input(channel, product, window)})
    promotion_id = created["promotionCreate"]["promotion"]["id"]
    new_end = window[1] + timedelta(days=3)
    result = manager_gql.query(
        UPDATE, {"id": promotion_id, "input": {"priority": 5, "endDate": new_end.isoformat()}}
    )["promotionUpdate"]
    assert result["errors"] == []
    assert result["promotion"]["priority"] == 5
    bad = manager_gql.query(
        UPDATE, {"id": promotion_id, "input": {"endDate": window[0].isoformat(), "priority": 9}}
    )["promotionUpdate"]
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("endDate", "INVALID_WINDOW")]
    assert Promotion.objects.get().priority == 5
    nulled = manager_gql.query(UPDATE, {"id": promotion_id, "input": {"priority": None}})
    assert [e["code"] for e in nulled["promotionUpdate"]["errors"]] == ["REQUIRED"]


def test_rules_are_added_changed_and_removed(manager_gql, channel, rice, window):
    product, variants = rice
    created = manager_gql.query(CREATE, {"input": _catalogue_input(channel, product, window)})
    promotion_id = created["promotionCreate"]["promotion"]["id"]
    added = manager_gql.query(
        RULE_CREATE,
        {
            "input": {
                "promotion": promotion_id,
                "channels": [gid("Channel", channel.pk)],
                "variants": [gid("ProductVariant", variants[1].pk)],
                "rewardValueType": "FIXED",
                "rewardValue": "5",
            }
        },
    )["promotionRuleCreate"]
    assert added["errors"] == []
    assert added["promotionRule"]["promotion"]["name"] == "丰收节"
    rule_id = added["promotionRule"]["id"]
    changed = manager_gql.query(
        RULE_UPDATE,
        {"id": rule_id, "input": {"rewardValueType": "PERCENTAGE", "rewardValue": "15"}},
    )["promotionRuleUpdate"]
    assert changed["errors"] == []
    assert changed["promotionRule"]["rewardValue"] == "15.00"
    refused = manager_gql.query(RULE_UPDATE, {"id": rule_id, "input": {"rewardValue": "150"}})[
        "promotionRuleUpdate"
    ]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("rewardValue", "INVALID_DISCOUNT_VALUE")
    ]
    assert PromotionRule.objects.get(pk=PromotionRule.objects.last().pk).reward_value == 15
    removed = manager_gql.query(RULE_DELETE, {"id": rule_id})["promotionRuleDelete"]
    assert removed["errors"] == []
    assert PromotionRule.objects.count() == 1


def test_delete_promotion_removes_it_and_its_rules(manager_gql, channel, rice, window):
    product, _variants = rice
    created = manager_gql.query(CREATE, {"input": _catalogue_input(channel, product, window)})
    promotion_id = created["promotionCreate"]["promotion"]["id"]
    result = manager_gql.query(DELETE, {"id": promotion_id})["promotionDelete"]
    assert result["errors"] == []
    assert result["promotion"]["name"] == "丰收节"
    assert _counts() == (0, 0)
    assert AuditLogEntry.objects.filter(action="promotion.deleted").count() == 1


def test_raising_a_priority_into_a_clash_is_refused(manager_gql, channel, window):
    manager_gql.query(CREATE, {"input": _order_input(channel, window, priority=0)})
    second = manager_gql.query(
        CREATE, {"input": _order_input(channel, window, priority=1, name="满199减30")}
    )["promotionCreate"]["promotion"]["id"]
    result = manager_gql.query(UPDATE, {"id": second, "input": {"priority": 0}})["promotionUpdate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("startDate", "OVERLAPPING_WINDOW")
    ]
    assert Promotion.objects.get(name="满199减30").priority == 1


def test_gift_promotion_names_its_gift(manager_gql, channel, rice, window):
    _product, variants = rice
    data = _order_input(channel, window)
    data["rules"][0].update(
        rewardType="GIFT", rewardValue="0", giftVariant=gid("ProductVariant", variants[0].pk)
    )
    result = manager_gql.query(CREATE, {"input": data})["promotionCreate"]
    assert result["errors"] == []
    rule = PromotionRule.objects.get()
    assert rule.gift_variant == variants[0]
