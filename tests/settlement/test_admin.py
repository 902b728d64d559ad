"""The service centre's dashboard: statements listed, issued, paid and downloaded through the
services; vendor staff and other staff have no access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from backend.settlement import services
from backend.settlement.models import StatementStatus
from tests.factories import UserFactory
from tests.settlement.conftest import at, deliver, make_order

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:settlement_vendorstatement_changelist"


@pytest.fixture
def statement(channel, vendor, manager):
    (line,) = make_order(channel, [{"vendor": vendor, "price": "9.90"}])[1]
    deliver([line], at(2026, 3, 20))
    return services.draft_statement(
        vendor=vendor,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        actor=manager,
    )


def act(client, statement, action, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [statement.pk], **extra},
        follow=action not in ("download_csv", "download_xlsx"),
    )


def test_manager_issues_pays_and_downloads_on_the_dashboard(client, manager, statement):
    client.force_login(manager)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    page = client.get(reverse("admin:settlement_vendorstatement_change", args=[statement.pk]))
    assert page.status_code == 200

    act(client, statement, "issue_selected")
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED

    refused = act(client, statement, "mark_paid_selected", payment_reference="")
    assert "请填写付款凭证号" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED
    act(client, statement, "mark_paid_selected", payment_reference="NSH-1")
    statement.refresh_from_db()
    assert (statement.status, statement.payment_reference) == (StatementStatus.PAID, "NSH-1")

    csv_file = act(client, statement, "download_csv")
    assert csv_file["Content-Type"].startswith("text/csv")
    assert csv_file.content.startswith("\ufeff".encode())
    xlsx = act(client, statement, "download_xlsx")
    assert xlsx.content[:2] == b"PK"


def test_other_staff_cannot_open_statements(client, statement):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 403
