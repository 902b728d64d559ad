"""E-mail logins are throttled like mobile-number logins: failures count per e-mail address
(whatever its case) and per client address, on the API's tokenCreate and on the storefront's
login form alike, and a locked-out login answers LOGIN_THROTTLED (real Redis when REDIS_URL is
set; each test has its own key prefix)."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import UserFactory
from tests.storefront_checkout.conftest import county  # noqa: F401 - the storefront's brand

pytestmark = pytest.mark.django_db

PASSWORD = "secret-password-1"
TOKEN_BY_EMAIL = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field code } } }"""


def _token_create(client, email: str, password: str, ip: str = "203.0.113.7") -> dict:
    response = client.post(
        "/graphql/",
        data=json.dumps(
            {"query": TOKEN_BY_EMAIL, "variables": {"email": email, "password": password}}
        ),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 200, response.content
    return response.json()["data"]["tokenCreate"]


def _codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]


def _storefront_login(client, identifier: str, password: str, ip: str = "203.0.113.7"):
    return client.post(
        "/account/login/", {"phone": identifier, "password": password}, REMOTE_ADDR=ip
    )


def _field_errors(response, field: str) -> list[str]:
    return re.findall(
        rf'<p class="field-error" id="id_{field}-error" role="alert">([^<]*)</p>',
        response.content.decode(),
    )


def test_five_wrong_passwords_for_an_email_lock_it_out_in_any_case(client):
    UserFactory(email="li.hua@example.cn")
    for attempt in range(5):
        email = "Li.Hua@Example.cn" if attempt % 2 else "li.hua@example.cn"
        assert _codes(_token_create(client, email, "guess")) == ["INVALID_CREDENTIALS"]
    right = _token_create(client, "li.hua@example.cn", PASSWORD)
    assert right == {"token": None, "errors": [{"field": "email", "code": "LOGIN_THROTTLED"}]}


def test_a_successful_email_login_clears_its_count(client):
    UserFactory(email="li.hua@example.cn")
    for _attempt in range(4):
        _token_create(client, "li.hua@example.cn", "guess")
    assert _token_create(client, "li.hua@example.cn", PASSWORD)["token"]
    for _attempt in range(4):
        _token_create(client, "li.hua@example.cn", "guess")
    assert _token_create(client, "li.hua@example.cn", PASSWORD)["token"]


def test_one_address_guessing_across_many_accounts_is_locked_out(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    UserFactory(email="wang@example.cn")
    for index in range(3):
        _token_create(client, f"guess{index}@example.cn", "guess", ip="198.51.100.9")
    throttled = _token_create(client, "wang@example.cn", PASSWORD, ip="198.51.100.9")
    assert _codes(throttled) == ["LOGIN_THROTTLED"]
    # Another address is not affected, and neither is the account itself.
    assert _token_create(client, "wang@example.cn", PASSWORD, ip="198.51.100.10")["token"]


def test_the_storefront_form_signs_in_by_email_and_shares_the_quota_with_the_api(
    client,
    county,  # noqa: F811
):
    user = UserFactory(email="zhao@example.cn")
    for _attempt in range(3):
        response = _storefront_login(client, "ZHAO@example.cn", "guess")
        assert _field_errors(response, "password") == ["账号或密码不正确。"]
    for _attempt in range(2):
        assert _codes(_token_create(client, "zhao@example.cn", "guess")) == ["INVALID_CREDENTIALS"]
    response = _storefront_login(client, "zhao@example.cn", PASSWORD)
    assert response.status_code == 200
    [message] = _field_errors(response, "phone")
    assert "登录失败次数过多" in message
    assert "_auth_user_id" not in client.session
    # A right password from the start signs the shopper in by e-mail.
    client.logout()
    other = UserFactory(email="qian@example.cn")
    response = _storefront_login(client, "qian@example.cn", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)
    assert user.pk != other.pk


def test_the_storefront_form_counts_failures_per_client_address(
    client,
    county,  # noqa: F811
    settings,
):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    UserFactory(phone="+8613912345678")
    for number in ("13900000001", "13900000002", "13900000003"):
        _storefront_login(client, number, "guess", ip="198.51.100.20")
    response = _storefront_login(client, "13912345678", PASSWORD, ip="198.51.100.20")
    assert "登录失败次数过多" in _field_errors(response, "phone")[0]
    response = _storefront_login(client, "13912345678", PASSWORD, ip="198.51.100.21")
    assert response.status_code == 302
