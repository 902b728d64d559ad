"""Closing an account with an SMS code: personal data and addresses go, tokens stop working,
orders keep their own copy of the delivery details."""

from __future__ import annotations

import pytest

from backend.account.jwt import create_access_token
from backend.account.models import Address, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+8613812340000"
REQUEST = "mutation { accountRequestDeletion { ok errors { field code } } }"
DELETE = "mutation($code: String!) { accountDelete(code: $code) { ok errors { field code } } }"
ME = "query { me { phone } }"


@pytest.fixture
def shopper():
    user = UserFactory(email="mei@example.com", phone=PHONE, first_name="小梅")
    address = Address.objects.create(
        full_name="王小梅", phone=PHONE, country_area="江苏省", city="南京市", city_area="玄武区"
    )
    user.addresses.add(address)
    user.default_shipping_address = address
    user.save()
    return user


def test_request_and_delete(signed_in, sms, shopper):
    api = signed_in(create_access_token(shopper))
    assert api.query(REQUEST)["accountRequestDeletion"] == {"ok": True, "errors": []}
    wrong = api.query(DELETE, {"code": "000000"})["accountDelete"]
    assert wrong["ok"] is False
    assert wrong["errors"][0]["code"] == "INVALID_CODE"
    assert User.objects.get(pk=shopper.pk).is_active
    # A wrong try does not use up the code; the right one closes the account.
    result = api.query(DELETE, {"code": sms.code(PHONE)})["accountDelete"]
    assert result == {"ok": True, "errors": []}
    user = User.objects.get(pk=shopper.pk)
    assert (user.is_active, user.phone, user.email, user.first_name) == (False, None, None, "")
    assert not user.has_usable_password()
    assert Address.objects.count() == 0
    # The token issued before no longer works.
    response = api.post(ME)
    assert response.status_code in (200, 401)
    body = response.json()
    assert body.get("data") is None or body["data"]["me"] is None


def test_anonymous_cannot_request_deletion(gql):
    response = gql.post(REQUEST)
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_account_without_phone_is_told_to_contact_support(signed_in):
    user = UserFactory(email="staff@example.com", phone=None)
    result = signed_in(create_access_token(user)).query(REQUEST)["accountRequestDeletion"]
    assert result == {"ok": False, "errors": [{"field": "phone", "code": "REQUIRED"}]}


def test_deletion_code_cannot_be_requested_by_number(gql):
    query = (
        """mutation { requestLoginCode(phone: "13812340000", purpose: ACCOUNT_DELETE) { ok } }"""
    )
    response = gql.post(query)
    assert response.status_code == 400
    assert "ACCOUNT_DELETE" in response.json()["errors"][0]["message"]
