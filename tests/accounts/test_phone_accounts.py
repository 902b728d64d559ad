"""Sign-up and login by mainland mobile number with a password or a one-time SMS code;
password reset by SMS, password change and profile updates (issue #3)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from backend.account import otp
from backend.account.models import User
from backend.account.otp import CodePurpose
from tests.conftest import GraphQLClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"

REQUEST = """mutation($phone: String!, $purpose: CodePurpose!) {
  requestLoginCode(phone: $phone, purpose: $purpose) { ok errors { field code } } }"""
REGISTER = """mutation($input: AccountRegisterInput!) {
  accountRegister(input: $input) { user { phone email firstName } errors { field code } } }"""
TOKEN_BY_CODE = """mutation($phone: String!, $code: String!) {
  tokenCreate(phone: $phone, code: $code) { token user { phone } errors { field code } } }"""
TOKEN_BY_PASSWORD = """mutation($phone: String!, $password: String!) {
  tokenCreate(phone: $phone, password: $password) { token errors { field code } } }"""
RESET = """mutation($phone: String!) {
  requestPasswordReset(phone: $phone) { ok errors { field code } } }"""
SET_PASSWORD = """mutation($phone: String!, $code: String!, $password: String!) {
  setPassword(phone: $phone, code: $code, password: $password) {
    user { phone } errors { field code } } }"""
PASSWORD_CHANGE = """mutation($old: String!, $new: String!) {
  passwordChange(oldPassword: $old, newPassword: $new) { user { phone } errors { field code } } }"""
ACCOUNT_UPDATE = """mutation($input: AccountInput!) {
  accountUpdate(input: $input) { user { firstName email languageCode } errors { field code } } }"""
ME = "query { me { phone firstName } }"


def request_code(gql, phone: str, purpose: str = "LOGIN") -> dict:
    return gql.query(REQUEST, {"phone": phone, "purpose": purpose})["requestLoginCode"]


def codes(result: dict) -> list[str]:
    return [error["code"] for error in result["errors"]]


@pytest.fixture
def shopper():
    return UserFactory(email=None, phone=PHONE)


def test_register_by_code_then_token_then_me(gql, sms, signed_in):
    assert request_code(gql, "138 1234 5678", "REGISTER") == {"ok": True, "errors": []}
    result = gql.query(
        REGISTER,
        {
            "input": {
                "phone": "13812345678",
                "code": sms.code(PHONE),
                "password": "a-long-garden-path",
                "firstName": "小明",
            }
        },
    )["accountRegister"]
    assert result == {
        "user": {"phone": PHONE, "email": None, "firstName": "小明"},
        "errors": [],
    }
    tokens = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "a-long-garden-path"})
    me = signed_in(tokens["tokenCreate"]["token"]).query(ME)
    assert me == {"me": {"phone": PHONE, "firstName": "小明"}}


def test_register_without_password_logs_in_by_code_only(gql, sms):
    request_code(gql, PHONE, "REGISTER")
    gql.query(REGISTER, {"input": {"phone": PHONE, "code": sms.code(PHONE)}})
    assert not User.objects.get(phone=PHONE).has_usable_password()


def test_register_refuses_weak_password_and_registered_number(gql, sms, shopper):
    request_code(gql, "13900001111", "REGISTER")
    weak = gql.query(
        REGISTER,
        {"input": {"phone": "13900001111", "code": sms.code("+8613900001111"), "password": "1"}},
    )["accountRegister"]
    assert {"field": "password", "code": "PASSWORD_TOO_SHORT"} in weak["errors"]
    taken = gql.query(REGISTER, {"input": {"phone": PHONE, "code": "123456"}})["accountRegister"]
    assert codes(taken) == ["PHONE_ALREADY_REGISTERED"]


def test_register_code_for_a_registered_number_is_a_notice_not_a_code(gql, sms, shopper):
    assert request_code(gql, PHONE, "REGISTER") == {"ok": True, "errors": []}
    assert "已注册" in sms.messages(PHONE)[-1]
    assert cache.get(otp.code_key(phone=PHONE, purpose=CodePurpose.REGISTER)) is None


def test_login_by_code(gql, sms, shopper, signed_in):
    request_code(gql, PHONE)
    result = gql.query(TOKEN_BY_CODE, {"phone": "13812345678", "code": sms.code(PHONE)})
    assert result["tokenCreate"]["errors"] == []
    assert signed_in(result["tokenCreate"]["token"]).query(ME)["me"]["phone"] == PHONE


def test_login_code_request_answers_the_same_for_unknown_numbers(gql, sms):
    assert request_code(gql, PHONE) == {"ok": True, "errors": []}
    assert sms.messages(PHONE) == []


def test_password_and_code_together_are_refused(gql, shopper):
    result = gql.query(
        """mutation { tokenCreate(phone: "13812345678", password: "x", code: "123456") {
          token errors { field code } } }"""
    )["tokenCreate"]
    assert result == {"token": None, "errors": [{"field": "code", "code": "INVALID"}]}


def test_wrong_code_is_refused_and_five_wrong_tries_kill_the_code(gql, sms, shopper):
    request_code(gql, PHONE)
    right = sms.code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(4):
        result = gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": wrong})["tokenCreate"]
        assert result["errors"] == [{"field": "code", "code": "INVALID_CODE"}]
    assert otp.verify_code(phone=PHONE, purpose=CodePurpose.LOGIN, code=wrong) is False
    # The fifth wrong guess killed the code: the right one no longer works.
    assert otp.verify_code(phone=PHONE, purpose=CodePurpose.LOGIN, code=right) is False


def test_expired_code_is_refused(gql, sms, shopper, monkeypatch):
    request_code(gql, PHONE)
    code = sms.code(PHONE)
    issued = otp._now()
    monkeypatch.setattr(otp, "_now", lambda: issued + 5 * 60 + 1)
    result = gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": code})["tokenCreate"]
    assert codes(result) == ["INVALID_CODE"]


def test_code_is_single_use(gql, sms, shopper):
    request_code(gql, PHONE)
    code = sms.code(PHONE)
    assert gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": code})["tokenCreate"]["token"]
    again = gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": code})["tokenCreate"]
    assert codes(again) == ["INVALID_CODE"]


def test_code_is_only_good_for_its_purpose(gql, sms, shopper):
    request_code(gql, PHONE, "PASSWORD_RESET")
    result = gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": sms.code(PHONE)})["tokenCreate"]
    assert codes(result) == ["INVALID_CODE"]


def test_stored_code_is_a_salted_hash_not_the_code(gql, sms, shopper):
    request_code(gql, PHONE)
    code = sms.code(PHONE)
    stored = cache.get(otp.code_key(phone=PHONE, purpose=CodePurpose.LOGIN))
    assert stored is not None
    assert code not in repr(stored)
    assert len(stored["digest"]) == 64 and stored["salt"]


def test_second_request_within_a_minute_is_refused(gql, shopper):
    assert request_code(gql, PHONE)["ok"] is True
    second = request_code(gql, PHONE)
    assert second == {"ok": False, "errors": [{"field": "phone", "code": "TOO_MANY_REQUESTS"}]}


def test_at_most_five_codes_per_number_an_hour(gql, settings, shopper):
    settings.OTP_RESEND_SECONDS = 0.01
    results = []
    for _request in range(6):
        cache.delete(f"otp:resend:{PHONE}")  # as if a minute had passed
        results.append(request_code(gql, PHONE)["ok"])
    assert results == [True] * 5 + [False]


class FromAddress(GraphQLClient):
    """A client whose requests come from one public address."""

    def post(self, query, variables=None):
        return self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            REMOTE_ADDR="203.0.113.9",
        )


def test_at_most_ten_codes_per_client_address_an_hour(client):
    gql = FromAddress(client)
    results = [request_code(gql, f"+86139000011{n:02d}")["ok"] for n in range(11)]
    assert results == [True] * 10 + [False]
    # Another address is not affected.
    other = GraphQLClient(client)
    assert request_code(other, "+8613900001199")["ok"] is True


def test_five_failed_logins_lock_the_number_out(gql, sms, shopper):
    for _attempt in range(5):
        result = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "guess"})
        assert codes(result["tokenCreate"]) == ["INVALID_CREDENTIALS"]
    right = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "secret-password-1"})
    assert right["tokenCreate"]["errors"] == [{"field": "phone", "code": "LOGIN_THROTTLED"}]
    request_code(gql, PHONE)
    by_code = gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": sms.code(PHONE)})
    assert codes(by_code["tokenCreate"]) == ["LOGIN_THROTTLED"]


def test_wrong_codes_count_towards_the_lockout(gql, shopper):
    for _attempt in range(5):
        gql.query(TOKEN_BY_CODE, {"phone": PHONE, "code": "000000"})
    right = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "secret-password-1"})
    assert codes(right["tokenCreate"]) == ["LOGIN_THROTTLED"]


@pytest.mark.parametrize("phone", ["12345", "02512345678", "+14155552671", "1381234567"])
def test_invalid_or_landline_number_is_refused(gql, phone):
    result = request_code(gql, phone)
    assert result == {"ok": False, "errors": [{"field": "phone", "code": "INVALID_PHONE"}]}
    register = gql.query(REGISTER, {"input": {"phone": phone, "code": "123456"}})
    assert codes(register["accountRegister"]) == ["INVALID_PHONE"]


def test_password_reset_by_code_invalidates_old_tokens(gql, sms, shopper, signed_in):
    old = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "secret-password-1"})
    old_client = signed_in(old["tokenCreate"]["token"])
    assert old_client.query(ME)["me"]["phone"] == PHONE
    assert gql.query(RESET, {"phone": "13812345678"})["requestPasswordReset"]["ok"] is True
    result = gql.query(
        SET_PASSWORD, {"phone": PHONE, "code": sms.code(PHONE), "password": "a-new-long-path"}
    )["setPassword"]
    assert result == {"user": {"phone": PHONE}, "errors": []}
    assert old_client.post(ME).status_code == 401
    new = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "a-new-long-path"})
    assert new["tokenCreate"]["errors"] == []


def test_set_password_with_a_wrong_code_changes_nothing(gql, shopper):
    result = gql.query(
        SET_PASSWORD, {"phone": PHONE, "code": "000000", "password": "a-new-long-path"}
    )["setPassword"]
    assert codes(result) == ["INVALID_CODE"]
    shopper.refresh_from_db()
    assert shopper.check_password("secret-password-1")


def test_password_change_needs_the_old_password(gql, shopper, signed_in):
    tokens = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "secret-password-1"})
    me = signed_in(tokens["tokenCreate"]["token"])
    wrong = me.query(PASSWORD_CHANGE, {"old": "guess", "new": "a-new-long-path"})
    assert wrong["passwordChange"]["errors"] == [
        {"field": "oldPassword", "code": "PASSWORD_INCORRECT"}
    ]
    right = me.query(PASSWORD_CHANGE, {"old": "secret-password-1", "new": "a-new-long-path"})
    assert right["passwordChange"]["errors"] == []
    shopper.refresh_from_db()
    assert shopper.check_password("a-new-long-path")


def test_password_change_and_account_update_need_a_signed_in_user(gql):
    response = gql.post(PASSWORD_CHANGE, {"old": "x", "new": "y"}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    response = gql.post(ACCOUNT_UPDATE, {"input": {"firstName": "x"}}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_account_update_changes_own_profile(gql, shopper, signed_in):
    UserFactory(email="taken@example.com")
    tokens = gql.query(TOKEN_BY_PASSWORD, {"phone": PHONE, "password": "secret-password-1"})
    me = signed_in(tokens["tokenCreate"]["token"])
    result = me.query(
        ACCOUNT_UPDATE,
        {"input": {"firstName": "小红", "email": "Hong@Example.com", "languageCode": "en"}},
    )["accountUpdate"]
    assert result == {
        "user": {"firstName": "小红", "email": "Hong@example.com", "languageCode": "en"},
        "errors": [],
    }
    taken = me.query(ACCOUNT_UPDATE, {"input": {"email": "taken@example.com"}})["accountUpdate"]
    assert codes(taken) == ["UNIQUE"]
    bad = me.query(ACCOUNT_UPDATE, {"input": {"languageCode": "fr"}})["accountUpdate"]
    assert codes(bad) == ["INVALID"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "请输入有效的中国大陆手机号。"),
        ("en", "Enter a valid mainland China mobile number."),
    ],
)
def test_errors_and_texts_follow_the_client_language(client, language, message):
    call_command("compilemessages", "--ignore=.venv", verbosity=0)
    query = REQUEST.replace("errors { field code }", "errors { field code message }")
    body = {"query": query, "variables": {"phone": "12345", "purpose": "LOGIN"}}
    response = client.post(
        "/graphql/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    errors = response.json()["data"]["requestLoginCode"]["errors"]
    assert errors == [{"field": "phone", "code": "INVALID_PHONE", "message": message}]
