"""JWT for API clients: tokenCreate by e-mail or mobile number, refresh, verify, expiry and
revocation on password change."""

from __future__ import annotations

import pytest

from backend.account.jwt import create_access_token, create_refresh_token
from backend.core.permissions import Permission
from tests.conftest import GraphQLClient
from tests.factories import UserFactory
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

CREATE = """mutation($email: String, $phone: String, $password: String!) {
  tokenCreate(email: $email, phone: $phone, password: $password) {
    token refreshToken user { email phone } errors { field code } } }"""
ME = "query { me { email } }"


@pytest.fixture
def shopper():
    return UserFactory(email="li@example.com", phone="+8613812345678")


def test_token_by_email_authenticates_the_api(api_client, client, shopper):
    data = api_client.query(CREATE, {"email": "li@example.com", "password": "secret-password-1"})
    assert data["tokenCreate"]["errors"] == []
    token = data["tokenCreate"]["token"]
    assert GraphQLClient(client, token).query(ME) == {"me": {"email": "li@example.com"}}
    assert api_client.query(ME) == {"me": None}


def test_token_by_mobile_number_in_any_common_spelling(api_client, shopper):
    for phone in ("13812345678", "+86 138-1234-5678"):
        data = api_client.query(CREATE, {"phone": phone, "password": "secret-password-1"})
        assert data["tokenCreate"]["user"]["phone"] == "+8613812345678"


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"email": "li@example.com", "password": "wrong"}, "INVALID_CREDENTIALS"),
        ({"email": "nobody@example.com", "password": "x"}, "INVALID_CREDENTIALS"),
        ({"password": "x"}, "REQUIRED"),
    ],
)
def test_bad_credentials_are_typed_errors(api_client, shopper, variables, code):
    data = api_client.query(CREATE, variables)["tokenCreate"]
    assert data["token"] is None
    assert data["errors"][0]["code"] == code


def test_inactive_user_gets_no_token(api_client, shopper):
    shopper.is_active = False
    shopper.save()
    data = api_client.query(CREATE, {"email": "li@example.com", "password": "secret-password-1"})
    assert data["tokenCreate"]["errors"] == [{"field": "email", "code": "INACTIVE"}]


def test_refresh_and_verify(api_client, shopper):
    tokens = api_client.query(CREATE, {"email": "li@example.com", "password": "secret-password-1"})
    refresh = tokens["tokenCreate"]["refreshToken"]
    data = api_client.query(
        "mutation($t: String!) { tokenRefresh(refreshToken: $t) { token errors { code } } }",
        {"t": refresh},
    )["tokenRefresh"]
    assert data["errors"] == [] and data["token"]
    verify = "mutation($t: String!) { tokenVerify(token: $t) { isValid payload errors { code } } }"
    ok = api_client.query(verify, {"t": data["token"]})["tokenVerify"]
    assert ok["isValid"] is True and ok["payload"]["type"] == "access"
    # A refresh token is not an access token, and garbage is not a token.
    assert api_client.query(verify, {"t": refresh})["tokenVerify"]["errors"] == [
        {"code": "JWT_INVALID_TOKEN"}
    ]
    assert api_client.query(verify, {"t": "x.y.z"})["tokenVerify"]["isValid"] is False


def test_expired_token_is_refused_with_401(client, shopper, settings):
    settings.JWT_ACCESS_TTL_SECONDS = -1
    expired = create_access_token(shopper)
    response = GraphQLClient(client, expired).post(ME)
    assert response.status_code == 401
    code = response.json()["errors"][0]["extensions"]["exception"]["code"]
    assert code == "JWT_SIGNATURE_EXPIRED"


def test_password_change_revokes_earlier_tokens(client, shopper):
    token = create_access_token(shopper)
    shopper.set_password("a-new-long-password")
    shopper.save()
    response = GraphQLClient(client, token).post(ME)
    assert response.status_code == 401


def test_inactive_account_by_mobile_number_is_told_only_with_the_right_password(
    api_client, shopper
):
    shopper.is_active = False
    shopper.save()
    right = api_client.query(CREATE, {"phone": "13812345678", "password": "secret-password-1"})
    assert right["tokenCreate"]["errors"] == [{"field": "phone", "code": "INACTIVE"}]
    wrong = api_client.query(CREATE, {"phone": "13812345678", "password": "guess"})
    assert wrong["tokenCreate"]["errors"] == [{"field": "phone", "code": "INVALID_CREDENTIALS"}]


REFRESH = """mutation($t: String!) { tokenRefresh(refreshToken: $t) {
  token errors { field code } } }"""


def test_an_access_token_cannot_refresh(api_client, shopper):
    data = api_client.query(REFRESH, {"t": create_access_token(shopper)})["tokenRefresh"]
    assert data == {
        "token": None,
        "errors": [{"field": "refreshToken", "code": "JWT_INVALID_TOKEN"}],
    }


def test_an_expired_refresh_token_is_a_typed_error(api_client, shopper, settings):
    settings.JWT_REFRESH_TTL_SECONDS = -1
    expired = create_refresh_token(shopper)
    data = api_client.query(REFRESH, {"t": expired})["tokenRefresh"]
    assert data["errors"] == [{"field": "refreshToken", "code": "JWT_SIGNATURE_EXPIRED"}]


def test_verify_returns_the_user_and_claims_without_the_revocation_key(api_client, shopper):
    token = create_access_token(shopper)
    data = api_client.query(
        """mutation($t: String!) { tokenVerify(token: $t) {
             isValid payload user { email } errors { code } } }""",
        {"t": token},
    )["tokenVerify"]
    assert data["isValid"] is True and data["user"] == {"email": "li@example.com"}
    assert data["payload"]["sub"] == str(shopper.pk) and "key" not in data["payload"]


def test_me_lists_the_permissions_a_staff_member_holds_through_groups(client):
    user = staff_with(Permission.MANAGE_CHANNELS)
    data = GraphQLClient(client, create_access_token(user)).query(
        "query { me { email isStaff userPermissions { code } } }"
    )
    assert data["me"] == {
        "email": user.email,
        "isStaff": True,
        "userPermissions": [{"code": "MANAGE_CHANNELS"}],
    }
