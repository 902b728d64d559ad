"""Orders on the dashboard: order managers read them with lines and history and may cancel
through the service; nobody edits or deletes them there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.core.permissions import Permission
from backend.inventory.models import Stock
from backend.order.models import OrderStatus
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

LIST = reverse("admin:order_order_changelist")


def test_order_manager_reads_the_list_and_an_order(client, manager, paid_order):
    client.force_login(manager)
    listing = client.get(LIST, {"q": str(paid_order.number)})
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert "¥64.00" in listing.content.decode()

    page = client.get(reverse("admin:order_order_change", args=[paid_order.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert paid_order.lines.first().product_name in html
    assert "订单记录" in html


def test_staff_without_the_order_permission_is_refused(client, paid_order):
    client.force_login(staff_with(Permission.MANAGE_PRODUCTS, group_name="商品组（测试）"))
    assert client.get(LIST).status_code == 403


def test_orders_cannot_be_edited_or_deleted_on_the_dashboard(client, manager, paid_order):
    client.force_login(manager)
    url = reverse("admin:order_order_change", args=[paid_order.pk])
    client.post(url, {"status": OrderStatus.CANCELED})
    assert client.get(reverse("admin:order_order_delete", args=[paid_order.pk])).status_code == 403
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.UNFULFILLED


def test_cancel_action_goes_through_the_service(client, manager, paid_order, channel):
    client.force_login(manager)
    response = client.post(
        LIST,
        {"action": "cancel_selected", "_selected_action": [str(paid_order.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.CANCELED
    assert set(Stock.objects.values_list("quantity_allocated", flat=True)) == {0}
    assert "已取消 1 个订单" in response.content.decode()

    again = client.post(
        LIST,
        {"action": "cancel_selected", "_selected_action": [str(paid_order.pk)]},
        follow=True,
    )
    assert "不能取消" in again.content.decode()
