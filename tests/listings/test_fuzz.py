"""Whatever a client sends as names, prices, stock and checklist values, the listing mutations
answer with data or typed errors — never a server error (property test)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backend.listings import services
from tests.listings.conftest import api, gid

pytestmark = pytest.mark.django_db

UPDATE = """mutation($id: ID!, $input: VendorProductUpdateInput!) {
  vendorProductUpdate(id: $id, input: $input) { errors { field code } } }"""
REJECT = """mutation($id: ID!, $reasons: String!, $checklist: ChecklistInput!) {
  productReviewReject(id: $id, reasons: $reasons, checklist: $checklist) {
    errors { field code } } }"""

text = st.text(max_size=300)
price = st.one_of(text, st.integers(), st.floats(allow_nan=True, allow_infinity=True))
quantity = st.one_of(st.integers(min_value=-(2**31), max_value=2**31 - 1), text)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=text, description=text, new_price=price, stock=quantity, badge=text)
@example(name="a\x00b", description="c\x00", new_price="1.00", stock=1, badge="\x00")
def test_update_never_fails_with_a_server_error(
    market, client, name, description, new_price, stock, badge
):
    product = market.product() if not hasattr(market, "_fuzz") else market._fuzz
    market._fuzz = product  # type: ignore[attr-defined]
    variant = gid("ProductVariant", product.variants.get().pk)
    response = api(client, market.owner).post(
        UPDATE,
        {
            "id": gid("Product", product.pk),
            "input": {
                "name": name,
                "description": description,
                "certifications": [badge],
                "prices": [{"variant": variant, "price": new_price}],
                "stock": [
                    {
                        "variant": variant,
                        "warehouse": gid("Warehouse", market.warehouse.pk),
                        "quantity": stock,
                    }
                ],
            },
        },
    )
    assert response.status_code in (200, 400)
    body = response.json()
    for error in body.get("errors", []):
        assert error["extensions"]["exception"]["code"] != "INTERNAL_ERROR", error


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reasons=text, result=st.one_of(text, st.sampled_from(["PASS", "FAIL", "NOT_APPLICABLE"])))
@example(reasons="\x00", result="FAIL")
def test_reject_never_fails_with_a_server_error(market, client, reasons, result):
    if not hasattr(market, "_fuzz"):
        market._fuzz = market.product()  # type: ignore[attr-defined]
        services.submit_for_review(actor=market.owner, product=market._fuzz)
    response = api(client, market.reviewer).post(
        REJECT,
        {
            "id": gid("Product", market._fuzz.pk),
            "reasons": reasons,
            "checklist": {"labelling": result, "origin": "FAIL"},
        },
    )
    assert response.status_code in (200, 400)
    for error in response.json().get("errors", []):
        assert error["extensions"]["exception"]["code"] != "INTERNAL_ERROR", error
