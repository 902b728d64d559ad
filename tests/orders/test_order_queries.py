"""Reading orders through the API: who sees which order, the list's filters and sorting, and
the fields a storefront and the dashboard rely on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.order import services
from backend.order.models import Order, OrderStatus
from tests.conftest import GraphQLClient
from tests.factories import ChannelFactory, UserFactory, order_with_lines
from tests.graphql.conftest import staff_with
from tests.orders.conftest import gid

pytestmark = pytest.mark.django_db

ORDER = """
query($id: ID!) {
  order(id: $id) {
    id number status chargeStatus isPaid canFinalize userEmail userPhone
    channel { slug }
    user { email }
    lines {
      productName variantName productSku vendorName quantity quantityFulfilled quantityToFulfill
      unitPrice { gross { amount currency } net { amount } tax { amount } }
      undiscountedUnitPrice { gross { amount } }
      totalPrice { gross { amount } }
      variant { sku }
    }
    subtotal { gross { amount } }
    total { gross { amount } net { amount } }
    shippingPrice { gross { amount } }
    totalCharged { amount } totalRefunded { amount } totalGrantedRefund { amount }
    totalBalance { amount }
    shippingMethodName deliveryMethodId paymentGateway customerNote weight { value unit }
    shippingAddress { fullName cityArea townName streetAddress1 }
    billingAddress { fullName }
    fulfillments {
      fulfillmentOrder trackingNumber status lines { quantity orderLine { productSku } }
    }
  }
}
"""

LIST = """
query($filter: OrderFilterInput, $sortBy: OrderSortingInput, $first: Int) {
  orders(first: $first, filter: $filter, sortBy: $sortBy) {
    totalCount
    edges { node { number status } }
  }
}
"""


def _error_code(response) -> str:
    return response.json()["errors"][0]["extensions"]["exception"]["code"]


def test_shopper_reads_their_own_order(shopper_gql, paid_order, stocked_variants):
    order = shopper_gql.query(ORDER, {"id": gid("Order", paid_order.pk)})["order"]

    assert order["number"] == str(paid_order.number)
    assert order["status"] == "UNFULFILLED"
    assert order["chargeStatus"] == "FULL"
    assert order["isPaid"] is True
    assert order["canFinalize"] is True
    assert order["channel"] == {"slug": "guanyun"}
    assert order["user"] == {"email": "shopper@example.com"}
    first = order["lines"][0]
    assert first["quantity"] == 3
    assert first["quantityToFulfill"] == 3
    assert first["productSku"] == stocked_variants[0].sku
    assert first["variant"] == {"sku": stocked_variants[0].sku}
    assert first["unitPrice"] == {
        "gross": {"amount": 12.8, "currency": "CNY"},
        "net": {"amount": 11.74},
        "tax": {"amount": 1.06},
    }
    assert first["totalPrice"] == {"gross": {"amount": 38.4}}
    assert order["total"]["gross"] == {"amount": 64.0}
    assert order["totalCharged"] == {"amount": 64.0}
    assert order["totalBalance"] == {"amount": 0.0}
    assert order["shippingMethodName"] == "县内配送"
    assert order["shippingAddress"] == {
        "fullName": "王小明",
        "cityArea": "灌云县",
        "townName": "伊山镇",
        "streetAddress1": "人民路 1 号",
    }
    assert order["billingAddress"] == {"fullName": "王小明"}
    assert order["fulfillments"] == []


def test_fulfilments_are_listed_with_their_lines(shopper_gql, paid_order, manager):
    line = paid_order.lines.order_by("sort_order").first()
    services.fulfill_order(paid_order, [(line, 2)], user=manager, tracking_number="YT1")
    order = shopper_gql.query(ORDER, {"id": gid("Order", paid_order.pk)})["order"]
    assert order["status"] == "PARTIALLY_FULFILLED"
    assert order["lines"][0]["quantityFulfilled"] == 2
    assert order["fulfillments"] == [
        {
            "fulfillmentOrder": 1,
            "trackingNumber": "YT1",
            "status": "FULFILLED",
            "lines": [{"quantity": 2, "orderLine": {"productSku": line.product_sku}}],
        }
    ]


def test_shopper_cannot_read_another_shoppers_order(client, paid_order):
    other = GraphQLClient(client, create_access_token(UserFactory()))
    assert other.query(ORDER, {"id": gid("Order", paid_order.pk)})["order"] is None
    node = other.query(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Order", paid_order.pk)}
    )
    assert node["node"] is None
    line = paid_order.lines.first()
    node = other.query(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("OrderLine", line.pk)}
    )
    assert node["node"] is None


def test_anonymous_sees_no_order_by_id_or_node(gql, paid_order):
    assert gql.query(ORDER, {"id": gid("Order", paid_order.pk)})["order"] is None
    data = gql.query(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Order", paid_order.pk)}
    )
    assert data["node"] is None
    response = gql.post(LIST, {"first": 10})
    assert _error_code(response) == "PERMISSION_DENIED"


def test_owner_reaches_order_and_line_by_node(shopper_gql, paid_order):
    line = paid_order.lines.first()
    data = shopper_gql.query(
        "query($o: ID!, $l: ID!) { o: node(id: $o) { ... on Order { number } }"
        " l: node(id: $l) { ... on OrderLine { quantity } } }",
        {"o": gid("Order", paid_order.pk), "l": gid("OrderLine", line.pk)},
    )
    assert data["o"] == {"number": str(paid_order.number)}
    assert data["l"] == {"quantity": line.quantity}


def test_manager_reads_any_order_with_events_and_granted_refunds(manager_gql, paid_order, manager):
    services.add_note(paid_order, "已电话确认地址", user=manager)
    data = manager_gql.query(
        "query($id: ID!) { order(id: $id) { events { type message user { email } }"
        " grantedRefunds { amount { amount } } } }",
        {"id": gid("Order", paid_order.pk)},
    )
    assert data["order"]["events"] == [
        {"type": "NOTE_ADDED", "message": "已电话确认地址", "user": {"email": manager.email}}
    ]
    assert data["order"]["grantedRefunds"] == []


def test_order_history_is_for_order_managers_only(shopper_gql, paid_order):
    response = shopper_gql.post(
        "query($id: ID!) { order(id: $id) { number events { type } } }",
        {"id": gid("Order", paid_order.pk)},
    )
    body = response.json()
    assert body["data"]["order"]["number"] == str(paid_order.number)
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


BY_TOKEN = """
query($t: UUID!) {
  orderByToken(token: $t) {
    number userEmail userPhone user { email }
    shippingAddress { fullName phone cityArea townName streetAddress1 }
    lines { productName quantity }
  }
}
"""


def test_order_by_token_shows_the_order_with_personal_data_masked(gql, channel, stocked_variants):
    guest_order = order_with_lines(
        channel=channel,
        lines=[(stocked_variants[0], 1)],
        user_email="wangxm@example.com",
        user_phone="13912345678",
    )
    data = gql.query(BY_TOKEN, {"t": str(guest_order.pk)})["orderByToken"]
    assert data["number"] == str(guest_order.number)
    assert data["lines"] == [{"productName": guest_order.lines.get().product_name, "quantity": 1}]
    assert data["userEmail"] == "w*****@example.com"
    assert data["userPhone"] == "139****5678"
    assert data["user"] is None
    assert data["shippingAddress"] == {
        "fullName": "王**",
        "phone": "138****8000",
        "cityArea": "灌云县",
        "townName": "伊山镇",
        "streetAddress1": "*******",
    }
    # The stored address is untouched.
    guest_order.shipping_address.refresh_from_db()
    assert guest_order.shipping_address.full_name == "王小明"

    missing = gql.query(BY_TOKEN, {"t": "00000000-0000-0000-0000-000000000000"})
    assert missing["orderByToken"] is None


def test_order_by_token_shows_the_owner_and_managers_everything(
    shopper_gql, manager_gql, paid_order
):
    for client in (shopper_gql, manager_gql):
        data = client.query(BY_TOKEN, {"t": str(paid_order.pk)})["orderByToken"]
        assert data["userEmail"] == paid_order.user_email
        assert data["user"] == {"email": "shopper@example.com"}
        assert data["shippingAddress"]["fullName"] == "王小明"


def test_bad_order_id_is_a_typed_error(shopper_gql):
    response = shopper_gql.post(ORDER, {"id": gid("Product", 1)})
    assert _error_code(response) == "INVALID"
    response = shopper_gql.post(ORDER, {"id": "not-an-id"})
    assert _error_code(response) == "INVALID"


def test_me_orders_lists_only_the_shoppers_orders(
    shopper_gql, paid_order, channel, stocked_variants
):
    order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)])  # someone else's
    mine = order_with_lines(channel=channel, lines=[(stocked_variants[1], 1)], user=paid_order.user)
    data = shopper_gql.query(
        "{ me { orders(first: 10) { totalCount edges { node { number } } } } }"
    )
    numbers = [edge["node"]["number"] for edge in data["me"]["orders"]["edges"]]
    assert data["me"]["orders"]["totalCount"] == 2
    assert numbers == [str(mine.number), str(paid_order.number)]


def test_orders_list_needs_a_staff_order_manager(client, paid_order, shopper):
    # A customer account holding the permission by mistake is still refused.
    shopper.user_permissions.add(
        *staff_with(Permission.MANAGE_ORDERS).groups.get().permissions.all()
    )
    response = GraphQLClient(client, create_access_token(shopper)).post(LIST, {"first": 10})
    assert _error_code(response) == "PERMISSION_DENIED"
    # Staff without MANAGE_ORDERS are refused too.
    product_staff = staff_with(Permission.MANAGE_PRODUCTS, group_name="商品组（测试）")
    response = GraphQLClient(client, create_access_token(product_staff)).post(LIST, {"first": 10})
    assert _error_code(response) == "PERMISSION_DENIED"
    # And they see only their own orders by id (none here).
    data = GraphQLClient(client, create_access_token(product_staff)).query(
        ORDER, {"id": gid("Order", paid_order.pk)}
    )
    assert data["order"] is None


def test_an_expired_token_is_refused(client, manager, settings, paid_order):
    settings.JWT_ACCESS_TTL_SECONDS = -1
    expired = create_access_token(manager)
    response = GraphQLClient(client, expired).post(LIST, {"first": 10})
    assert response.status_code == 401
    assert _error_code(response) == "JWT_SIGNATURE_EXPIRED"


@pytest.fixture
def many_orders(channel, stocked_variants, shopper):
    """Five orders: various statuses, customers, channels and dates."""
    first, second = stocked_variants
    other_channel = ChannelFactory(slug="lianyungang", name="连云港馆")
    orders = [
        order_with_lines(channel=channel, lines=[(first, 1)], user=shopper),
        order_with_lines(channel=channel, lines=[(second, 1)], user_email="li@example.com"),
        order_with_lines(channel=channel, lines=[(first, 1)], user_phone="13700001111"),
        order_with_lines(channel=other_channel, lines=[(first, 1)], allocate_stock=False),
        order_with_lines(channel=channel, lines=[(second, 1)]),
    ]
    Order.objects.filter(pk=orders[1].pk).update(status=OrderStatus.CANCELED)
    Order.objects.filter(pk=orders[2].pk).update(status=OrderStatus.FULFILLED)
    ten_days_ago = timezone.now() - timedelta(days=10)
    Order.objects.filter(pk=orders[4].pk).update(created_at=ten_days_ago)
    return orders, other_channel


def _numbers(manager_gql, **variables) -> list[str]:
    data = manager_gql.query(LIST, {"first": 50, **variables})["orders"]
    numbers = [edge["node"]["number"] for edge in data["edges"]]
    assert data["totalCount"] == len(numbers)
    return numbers


def test_orders_list_is_newest_number_first(manager_gql, many_orders):
    orders, _channel = many_orders
    assert _numbers(manager_gql) == [str(o.number) for o in reversed(orders)]


def test_orders_filter_by_status(manager_gql, many_orders):
    orders, _channel = many_orders
    numbers = _numbers(manager_gql, filter={"status": ["CANCELED", "FULFILLED"]})
    assert numbers == [str(orders[2].number), str(orders[1].number)]


def test_orders_filter_by_created_date(manager_gql, many_orders):
    orders, _channel = many_orders
    today = timezone.localdate().isoformat()
    old = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert _numbers(manager_gql, filter={"created": {"lte": old}}) == [str(orders[4].number)]
    recent = _numbers(manager_gql, filter={"created": {"gte": today, "lte": today}})
    assert str(orders[4].number) not in recent and len(recent) == 4


def test_orders_filter_by_customer_and_search(manager_gql, many_orders):
    orders, _channel = many_orders
    assert _numbers(manager_gql, filter={"customer": "li@exa"}) == [str(orders[1].number)]
    assert _numbers(manager_gql, filter={"customer": "00001111"}) == [str(orders[2].number)]
    # A registered customer is found by the account's phone too.
    assert str(orders[0].number) in _numbers(manager_gql, filter={"customer": "13912345678"})
    assert _numbers(manager_gql, filter={"search": str(orders[3].number)}) == [
        str(orders[3].number)
    ]
    assert _numbers(manager_gql, filter={"search": f"#{orders[3].number}"}) == [
        str(orders[3].number)
    ]


def test_orders_filters_refuse_nul_characters_with_a_typed_error(manager_gql, many_orders):
    # The GraphQL layer refuses text PostgreSQL cannot hold before any resolver runs.
    for text_filter in ({"customer": "li@\x00exa"}, {"search": "\x00"}):
        response = manager_gql.post(LIST, {"first": 50, "filter": text_filter})
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["exception"] == {"code": "INVALID", "field": "filter"}
        assert f"$filter.{next(iter(text_filter))}" in error["message"]


def test_orders_filter_by_channel(manager_gql, many_orders):
    orders, other_channel = many_orders
    numbers = _numbers(manager_gql, filter={"channels": [gid("Channel", other_channel.pk)]})
    assert numbers == [str(orders[3].number)]


def test_orders_sort_by_creation_ascending(manager_gql, many_orders):
    orders, _channel = many_orders
    numbers = _numbers(manager_gql, sortBy={"field": "CREATED_AT", "direction": "ASC"})
    assert numbers[0] == str(orders[4].number)
    assert numbers[1:] == [str(o.number) for o in orders[:4]]


def test_orders_list_pages(manager_gql, many_orders):
    data = manager_gql.query(
        "{ orders(first: 2) { totalCount pageInfo { hasNextPage endCursor }"
        " edges { node { number } } } }"
    )["orders"]
    assert data["totalCount"] == 5
    assert data["pageInfo"]["hasNextPage"] is True
    assert len(data["edges"]) == 2


def test_order_line_thumbnail_is_the_products_first_image(shopper_gql, paid_order):
    from backend.catalog.models import ProductMedia, Thumbnail

    line = paid_order.lines.order_by("sort_order").first()
    media = ProductMedia.objects.create(
        product=line.variant.product, image="products/rice.jpg", alt="大米"
    )
    Thumbnail.objects.create(
        product_media=media, size=128, format="WEBP", image="thumbnails/rice-128.webp"
    )
    data = shopper_gql.query(
        "query($id: ID!) { order(id: $id) { lines { thumbnail(size: 100, format: WEBP)"
        " { url alt } } } }",
        {"id": gid("Order", paid_order.pk)},
    )
    first, second = data["order"]["lines"]
    assert first["thumbnail"]["url"].endswith("thumbnails/rice-128.webp")
    assert first["thumbnail"]["alt"] == "大米"
    assert second["thumbnail"] is None


def test_history_and_fulfilment_nodes_follow_the_order_visibility(
    client, shopper_gql, manager_gql, manager, paid_order
):
    event = services.add_note(paid_order, "内部备注", user=manager)
    line = paid_order.lines.order_by("sort_order").first()
    fulfillment = services.fulfill_order(paid_order, [(line, 1)], user=manager)
    query = "query($id: ID!) { node(id: $id) { id } }"
    event_id, fulfillment_id = gid("OrderEvent", event.pk), gid("Fulfillment", fulfillment.pk)

    assert manager_gql.query(query, {"id": event_id})["node"] == {"id": event_id}
    # The owner may see their shipments, not the staff's internal history.
    assert shopper_gql.query(query, {"id": event_id})["node"] is None
    assert shopper_gql.query(query, {"id": fulfillment_id})["node"] == {"id": fulfillment_id}
    stranger = GraphQLClient(client, create_access_token(UserFactory()))
    assert stranger.query(query, {"id": fulfillment_id})["node"] is None
