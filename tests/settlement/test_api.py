"""GraphQL: vendorStatements / vendorStatement scoping, the mutations, their errors, and a fixed
number of SQL statements whatever the number of statements listed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.settlement import services
from backend.settlement.models import StatementStatus
from backend.settlement.selectors import sales_figures, statement_for, statements_for
from backend.vendors.models import VendorRole
from tests.conftest import GraphQLClient
from tests.factories import UserFactory, VendorFactory
from tests.settlement.conftest import api_for, at, deliver, make_order, refund, staff_of

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))

LIST = """
query ($filter: VendorStatementFilterInput) {
  vendorStatements(first: 50, filter: $filter) {
    totalCount
    edges { node { id status vendor { name } periodStart periodEnd
      gross { amount } netPayable { amount } lines { kind amount { amount } } } }
  }
}"""
ONE = """
query ($id: ID!) {
  vendorStatement(id: $id) {
    id status commissionRate gross { amount currency } refunds { amount }
    vendorDiscounts { amount } commission { amount } netPayable { amount } lineCount csv
    lines { kind orderNumber productName quantity amount { amount } discount { amount }
      commission { amount } net { amount } }
  }
}"""
DRAFT = """
mutation ($vendor: ID!, $start: Date, $end: Date) {
  vendorStatementDraft(vendor: $vendor, periodStart: $start, periodEnd: $end) {
    statement { id status netPayable { amount } }
    errors { field code message }
  }
}"""
ISSUE = """
mutation ($id: ID!) {
  vendorStatementIssue(id: $id) { statement { id status } errors { field code message } }
}"""
PAY = """
mutation ($id: ID!, $ref: String!) {
  vendorStatementMarkPaid(id: $id, paymentReference: $ref) {
    statement { id status paymentReference paidAt } errors { field code message }
  }
}"""


def gid(statement) -> str:
    return to_global_id("VendorStatement", statement.pk)


@pytest.fixture
def statements(channel, vendor, other_vendor, manager):
    made = {}
    for owner, price in ((vendor, "12.80"), (other_vendor, "30.00")):
        order, (line,) = make_order(channel, [{"vendor": owner, "price": price, "quantity": 2}])
        deliver([line], at(2026, 3, 8))
        refund(order, "1.00", at(2026, 3, 9))
        made[owner.pk] = services.draft_statement(
            vendor=owner, period_start=MARCH[0], period_end=MARCH[1], actor=manager
        )
    return made


def test_vendor_staff_see_only_their_own_statements(client, vendor, other_vendor, statements):
    api = api_for(client, staff_of(vendor, VendorRole.STAFF))
    data = api.query(LIST)["vendorStatements"]
    assert data["totalCount"] == 1
    node = data["edges"][0]["node"]
    assert node["vendor"]["name"] == vendor.name
    assert node["gross"]["amount"] == 25.6
    # Asking for another vendor's statements by filter finds nothing.
    filtered = api.query(LIST, {"filter": {"vendor": to_global_id("Vendor", other_vendor.pk)}})
    assert filtered["vendorStatements"]["totalCount"] == 0


def test_another_vendors_statement_is_not_found(client, vendor, other_vendor, statements):
    api = api_for(client, staff_of(vendor))
    theirs = statements[other_vendor.pk]
    response = api.post(ONE, {"id": gid(theirs)}).json()
    assert response["data"]["vendorStatement"] is None
    assert response["errors"][0]["extensions"]["exception"]["code"] == "NOT_FOUND"
    # Nor through the node interface.
    node = api.post("query ($id: ID!) { node(id: $id) { id } }", {"id": gid(theirs)}).json()
    assert (node.get("data") or {}).get("node") is None
    # The selectors answer the same way for the workspace pages.
    user = staff_of(VendorFactory())
    assert statement_for(user, theirs.pk) is None
    assert list(statements_for(user)) == []


def test_anonymous_and_shoppers_are_refused(client, statements, vendor):
    for api in (GraphQLClient(Client()), api_for(client, UserFactory())):
        response = api.post(LIST).json()
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_own_statement_with_lines_and_inline_csv(client, vendor, statements):
    api = api_for(client, staff_of(vendor))
    data = api.query(ONE, {"id": gid(statements[vendor.pk])})["vendorStatement"]
    assert data["gross"] == {"amount": 25.6, "currency": "CNY"}
    assert data["refunds"]["amount"] == 1.0
    assert data["commission"]["amount"] == 1.23  # 1.28 − 0.05
    assert data["netPayable"]["amount"] == 23.37
    assert [line["kind"] for line in data["lines"]] == ["SALE", "REFUND"]
    assert data["lines"][1]["commission"]["amount"] == -0.05
    rows = list(csv.reader(io.StringIO(data["csv"])))
    assert ["应付金额", "23.37"] in rows


def test_managers_see_all_and_filter_by_vendor_status_and_period(
    client, manager, vendor, statements
):
    api = api_for(client, manager)
    assert api.query(LIST)["vendorStatements"]["totalCount"] == 2
    by_vendor = api.query(LIST, {"filter": {"vendor": to_global_id("Vendor", vendor.pk)}})
    assert by_vendor["vendorStatements"]["totalCount"] == 1
    issued = api.query(LIST, {"filter": {"status": "ISSUED"}})
    assert issued["vendorStatements"]["totalCount"] == 0
    april = api.query(LIST, {"filter": {"period": {"start": "2026-04-01"}}})
    assert april["vendorStatements"]["totalCount"] == 0
    march = api.query(LIST, {"filter": {"period": {"start": "2026-03-15", "end": "2026-03-20"}}})
    assert march["vendorStatements"]["totalCount"] == 2


def test_listing_statements_costs_the_same_sql_whatever_their_number(
    client, channel, manager, statements
):
    api = api_for(client, manager)
    with CaptureQueriesContext(connection) as few:
        api.query(LIST)
    for index in range(4):
        owner = VendorFactory(commission_rate=Decimal("0.05"))
        (line,) = make_order(channel, [{"vendor": owner, "price": "5.00"}])[1]
        deliver([line], at(2026, 3, 10 + index))
        services.draft_statement(
            vendor=owner, period_start=MARCH[0], period_end=MARCH[1], actor=manager
        )
    with CaptureQueriesContext(connection) as many:
        data = api.query(LIST)
    assert data["vendorStatements"]["totalCount"] == 6
    assert len(many) == len(few)


def test_draft_issue_and_mark_paid_through_the_api(client, channel, manager, vendor):
    (line,) = make_order(channel, [{"vendor": vendor, "price": "9.90"}])[1]
    deliver([line], at(2026, 3, 20))
    api = api_for(client, manager)
    variables = {
        "vendor": to_global_id("Vendor", vendor.pk),
        "start": "2026-03-01",
        "end": "2026-03-31",
    }
    drafted = api.query(DRAFT, variables)["vendorStatementDraft"]
    assert drafted["errors"] == []
    assert drafted["statement"]["netPayable"]["amount"] == 9.4
    again = api.query(DRAFT, variables)["vendorStatementDraft"]
    assert again["statement"]["id"] == drafted["statement"]["id"]
    statement_id = drafted["statement"]["id"]

    unpaid = api.query(PAY, {"id": statement_id, "ref": "X"})["vendorStatementMarkPaid"]
    assert unpaid["errors"][0]["code"] == "NOT_ISSUED"
    issued = api.query(ISSUE, {"id": statement_id})["vendorStatementIssue"]
    assert issued["statement"]["status"] == "ISSUED"
    twice = api.query(ISSUE, {"id": statement_id})["vendorStatementIssue"]
    assert twice["errors"][0]["code"] == "NOT_DRAFT"
    redraft = api.query(DRAFT, variables)["vendorStatementDraft"]
    assert redraft["errors"][0]["code"] == "NOT_DRAFT"
    blank = api.query(PAY, {"id": statement_id, "ref": " "})["vendorStatementMarkPaid"]
    assert blank["errors"] == [
        {"field": "paymentReference", "code": "REQUIRED", "message": "请填写付款凭证号。"}
    ]
    paid = api.query(PAY, {"id": statement_id, "ref": "NSH-0405-12"})["vendorStatementMarkPaid"]
    assert paid["errors"] == []
    assert paid["statement"]["status"] == "PAID"
    assert paid["statement"]["paymentReference"] == "NSH-0405-12"


def test_mutations_need_manage_vendors(client, vendor, statements):
    for user in (staff_of(vendor), UserFactory(is_staff=True)):
        api = api_for(client, user)
        for query, variables in (
            (ISSUE, {"id": gid(statements[vendor.pk])}),
            (PAY, {"id": gid(statements[vendor.pk]), "ref": "x"}),
            (DRAFT, {"vendor": to_global_id("Vendor", vendor.pk)}),
        ):
            response = api.post(query, variables).json()
            code = response["errors"][0]["extensions"]["exception"]["code"]
            assert code == "PERMISSION_DENIED"
    statements[vendor.pk].refresh_from_db()
    assert statements[vendor.pk].status == StatementStatus.DRAFT


def test_bad_input_gets_typed_errors(client, manager, vendor):
    api = api_for(client, manager)
    half = api.query(DRAFT, {"vendor": to_global_id("Vendor", vendor.pk), "start": "2026-03-01"})
    assert half["vendorStatementDraft"]["errors"][0]["code"] == "INVALID_PERIOD"
    backwards = api.query(
        DRAFT,
        {"vendor": to_global_id("Vendor", vendor.pk), "start": "2026-03-31", "end": "2026-03-01"},
    )
    assert backwards["vendorStatementDraft"]["errors"][0]["code"] == "INVALID_PERIOD"
    missing = api.query(DRAFT, {"vendor": to_global_id("Vendor", 987654)})
    assert missing["vendorStatementDraft"]["errors"][0]["code"] == "NOT_FOUND"
    garbage = api.query(ISSUE, {"id": "not-an-id"})
    assert garbage["vendorStatementIssue"]["errors"][0]["code"] == "GRAPHQL_ERROR"


def test_sales_figures_per_day_and_top_products(channel, vendor, other_vendor):
    order, _ = make_order(
        channel,
        [
            {"vendor": vendor, "price": "12.80", "quantity": 2, "name": "灌云大米"},
            {"vendor": vendor, "price": "6.00", "quantity": 1, "name": "莲藕"},
            {"vendor": other_vendor, "price": "99.00", "name": "白酒"},
        ],
    )
    order.created_at = at(2026, 3, 2, 23, 30)  # late on 2 March in Beijing, 15:30 UTC
    order.save()
    refund(order, "5.90", at(2026, 3, 3, 8))
    figures = sales_figures(vendor, dt.date(2026, 3, 1), dt.date(2026, 3, 3))
    assert [d.date.day for d in figures.days] == [1, 2, 3]
    day2 = figures.days[1]
    assert (day2.gross, day2.orders, day2.units) == (Decimal("31.60"), 1, 3)
    # 5.90 shared over 25.60, 6.00 and 99.00 (130.60): 1.16 + 0.27 for this vendor.
    assert figures.days[2].refunds == Decimal("1.43")
    assert figures.gross == Decimal("31.60")
    assert [(p.product_name, p.units, p.gross) for p in figures.top_products] == [
        ("灌云大米", 2, Decimal("25.60")),
        ("莲藕", 1, Decimal("6.00")),
    ]


ADJUST = """
mutation ($id: ID!, $amount: String!, $reason: String!) {
  vendorStatementAddAdjustment(id: $id, amount: $amount, reason: $reason) {
    statement { netPayable { amount } adjustments { amount } }
    line { kind amount { amount } note }
    errors { field code }
  }
}"""


def test_adjustment_through_the_api(client, manager, vendor, statements):
    api = api_for(client, manager)
    statement = statements[vendor.pk]
    done = api.query(ADJUST, {"id": gid(statement), "amount": "2.50", "reason": "运费补贴"})
    data = done["vendorStatementAddAdjustment"]
    assert data["errors"] == []
    assert data["line"] == {"kind": "ADJUSTMENT", "amount": {"amount": 2.5}, "note": "运费补贴"}
    assert data["statement"]["netPayable"]["amount"] == 25.87  # 23.37 + 2.50
    bad = api.query(ADJUST, {"id": gid(statement), "amount": "1e3x", "reason": "x"})
    assert bad["vendorStatementAddAdjustment"]["errors"] == [{"field": "amount", "code": "INVALID"}]
