"""Only brand managers (staff with MANAGE_DISCOUNTS) manage promotions, vouchers and flash
sales: anyone else gets PERMISSION_DENIED and nothing is written."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.discount.models import Promotion, SpecialPrice, Voucher
from tests.conftest import GraphQLClient
from tests.discount_api.conftest import gid
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID = gid("Promotion", 1)
MUTATIONS = {
    "promotionCreate": 'promotionCreate(input: {name: "x", type: CATALOGUE, '
    'startDate: "2026-01-01T00:00:00+08:00"})',
    "promotionUpdate": f'promotionUpdate(id: "{ID}", input: {{name: "x"}})',
    "promotionDelete": f'promotionDelete(id: "{ID}")',
    "promotionRuleCreate": f'promotionRuleCreate(input: {{promotion: "{ID}"}})',
    "promotionRuleUpdate": f'promotionRuleUpdate(id: "{gid("PromotionRule", 1)}", input: {{}})',
    "promotionRuleDelete": f'promotionRuleDelete(id: "{gid("PromotionRule", 1)}")',
    "voucherCreate": 'voucherCreate(input: {name: "x", type: ENTIRE_ORDER, '
    "discountValueType: FIXED, discountValue: 1, channels: [], "
    'startDate: "2026-01-01T00:00:00+08:00"})',
    "voucherUpdate": f'voucherUpdate(id: "{gid("Voucher", 1)}", input: {{name: "x"}})',
    "voucherDelete": f'voucherDelete(id: "{gid("Voucher", 1)}")',
    "voucherCodesGenerate": f'voucherCodesGenerate(id: "{gid("Voucher", 1)}", quantity: 5)',
    "flashSaleCreate": 'flashSaleCreate(input: {name: "x", channel: "Q2hhbm5lbDox", '
    'variant: "UHJvZHVjdFZhcmlhbnQ6MQ==", price: 1, '
    'startsAt: "2026-01-01T00:00:00+08:00", endsAt: "2026-01-02T00:00:00+08:00"})',
    "flashSaleUpdate": f'flashSaleUpdate(id: "{gid("FlashSale", 1)}", input: {{name: "x"}})',
    "flashSaleDelete": f'flashSaleDelete(id: "{gid("FlashSale", 1)}")',
}
QUERIES = {
    "promotions": "promotions(first: 5) { totalCount }",
    "promotion": f'promotion(id: "{ID}") {{ id }}',
    "vouchers": "vouchers(first: 5) { totalCount }",
    "voucher": f'voucher(id: "{gid("Voucher", 1)}") {{ id }}',
}


@pytest.fixture
def product_manager_gql(client):
    """Staff, but a catalogue manager: MANAGE_PRODUCTS is not MANAGE_DISCOUNTS."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture(params=["anonymous", "shopper", "vendor_staff", "product_manager"])
def outsider(request, gql, shopper_gql, vendor_staff_gql, product_manager_gql):
    return {
        "anonymous": gql,
        "shopper": shopper_gql,
        "vendor_staff": vendor_staff_gql,
        "product_manager": product_manager_gql,
    }[request.param]


def _denied(response) -> bool:
    body = response.json()
    codes = [e["extensions"]["exception"]["code"] for e in body.get("errors", [])]
    return codes == ["PERMISSION_DENIED"]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_outsiders_may_not_run_discount_mutations(outsider, name):
    response = outsider.post(f"mutation {{ {MUTATIONS[name]} {{ errors {{ code }} }} }}")
    assert _denied(response), response.json()
    assert Promotion.objects.count() == Voucher.objects.count() == SpecialPrice.objects.count() == 0


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_outsiders_may_not_read_promotions_or_vouchers(outsider, name):
    response = outsider.post(f"{{ {QUERIES[name]} }}")
    assert _denied(response), response.json()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_brand_manager_reads_promotions_and_vouchers(manager_gql, name):
    response = manager_gql.post(f"{{ {QUERIES[name]} }}")
    assert "errors" not in response.json()


NODE = "query($id: ID!) { node(id: $id) { id } }"


def test_node_hides_promotions_vouchers_and_codes_from_outsiders(
    outsider, manager_gql, brand_manager, channel
):
    from django.utils import timezone

    from backend.discount import management
    from backend.discount.models import PromotionType, RewardValueType, VoucherType

    now = timezone.now()
    promotion = management.create_promotion(
        actor=brand_manager,
        data={"name": "秘密促销", "type": PromotionType.CATALOGUE, "start_date": now},
    )
    voucher = management.create_voucher(
        actor=brand_manager,
        data={
            "name": "内部券",
            "type": VoucherType.ENTIRE_ORDER,
            "discount_value_type": RewardValueType.FIXED,
            "discount_value": 5,
            "start_date": now,
            "channels": [channel],
        },
        codes=["SECRET5"],
    )
    ids = [
        gid("Promotion", promotion.pk),
        gid("Voucher", voucher.pk),
        gid("VoucherCode", voucher.codes.get().pk),
    ]
    for global_id in ids:
        assert outsider.query(NODE, {"id": global_id})["node"] is None
        assert manager_gql.query(NODE, {"id": global_id})["node"] == {"id": global_id}
