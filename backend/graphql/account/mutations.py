"""Accounts in the API: JWT for API clients (Saleor: tokenCreate, tokenRefresh, tokenVerify),
sign-up and login by mobile number with an SMS code, password reset and profile changes."""

from __future__ import annotations

import graphene
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from graphene.types.generic import GenericScalar

from backend.account import jwt, login_throttle, services
from backend.account.error_codes import AccountErrorCode
from backend.account.models import User as UserModel
from backend.account.otp import CodePurpose
from backend.account.phone import normalize_phone
from backend.graphql.account.address_types import AddressInput as AddressInput
from backend.graphql.account.address_types import address_input_data as address_input_data
from backend.graphql.account.types import User
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.errors import PermissionDenied, error_type
from backend.graphql.core.mutations import BaseMutation

# AddressInput and address_input_data are imported from here by checkout's address mutations.
AccountErrorCodeEnum = enum_from_choices("AccountErrorCode", AccountErrorCode)
AccountError = error_type("AccountError", AccountErrorCodeEnum)
# Codes a stranger may ask for by number; the account-deletion code is only sent to a signed-in
# user's own number (accountRequestDeletion).
CodePurposeEnum = graphene.Enum(
    "CodePurpose",
    [(p.name, p.value) for p in CodePurpose if p != CodePurpose.ACCOUNT_DELETE],
)


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _is_inactive_account(identifier: str, password: str) -> bool:
    """A deactivated account is told so only when the password is right: otherwise the
    answer would reveal to anyone which e-mail addresses and numbers have (had) accounts."""
    lookup = Q(email__iexact=identifier)
    phone = normalize_phone(identifier)
    if phone:
        lookup |= Q(phone=phone)
    user = UserModel.objects.filter(lookup, is_active=False).first()
    return user is not None and user.check_password(password)


class TokenCreate(BaseMutation):
    token = graphene.String(description="Access token (short-lived).")
    refresh_token = graphene.String(description="Refresh token, to obtain new access tokens.")
    user = graphene.Field(User)

    class Arguments:
        email = graphene.String(description="E-mail address; or give `phone`.")
        phone = graphene.String(description="Mainland mobile number; or give `email`.")
        password = graphene.String(description="The password; or give `code`.")
        code = graphene.String(
            description="A LOGIN code sent by `requestLoginCode`, with `phone`; or give `password`."
        )

    class Meta:
        description = (
            "Creates a JWT for a user identified by e-mail or mobile number, with a password "
            "or (mobile number only) a one-time SMS code."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, password=None, code=None, email=None, phone=None):
        if code is not None:
            if password is not None:
                raise _invalid("code", _("请只提供密码或验证码其中之一。"), "INVALID")
            if not phone:
                raise _invalid("phone", _("请输入手机号。"), "REQUIRED")
            user = services.login_by_code(phone=phone, code=code, ip=_client_ip(info))
            return cls._tokens(user)
        if password is None:
            raise _invalid("password", _("请输入密码或验证码。"), "REQUIRED")
        identifier = (email or phone or "").strip()
        field = "email" if email else "phone" if phone else "email"
        if not identifier:
            raise _invalid("email", _("请输入邮箱或手机号。"), "REQUIRED")
        # Guessing is throttled per mobile number or e-mail address (codes and passwords
        # share the quota) and per client address, as on every other login.
        ip = _client_ip(info)
        login_throttle.check_login_allowed(identifier=identifier, field=field, ip=ip)
        user = authenticate(info.context, username=identifier, password=password)
        if user is None:
            login_throttle.record_login_failure(identifier=identifier, ip=ip)
            if _is_inactive_account(identifier, password):
                raise _invalid(field, _("该账户已停用。"), "INACTIVE")
            raise _invalid(field, _("账号或密码不正确。"), "INVALID_CREDENTIALS")
        login_throttle.record_login_success(identifier=identifier)
        return cls._tokens(user)

    @classmethod
    def _tokens(cls, user):
        return cls(
            token=jwt.create_access_token(user),
            refresh_token=jwt.create_refresh_token(user),
            user=user,
        )


class TokenRefresh(BaseMutation):
    token = graphene.String()
    user = graphene.Field(User)

    class Arguments:
        refresh_token = graphene.String(required=True)

    class Meta:
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, refresh_token):
        try:
            user = jwt.user_from_token(refresh_token, expected_type=jwt.REFRESH)
        except jwt.InvalidToken as error:
            raise _invalid("refresh_token", error.message, error.code) from error
        return cls(token=jwt.create_access_token(user), user=user)


class TokenVerify(BaseMutation):
    is_valid = graphene.Boolean(required=True)
    payload = GenericScalar(description="The token's claims.")
    user = graphene.Field(User)

    class Arguments:
        token = graphene.String(required=True)

    class Meta:
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, token):
        try:
            user = jwt.user_from_token(token)
            payload = jwt.decode_token(token, expected_type=jwt.ACCESS)
        except jwt.InvalidToken as error:
            raise _invalid("token", error.message, error.code) from error
        payload = {**payload, "iat": int(payload["iat"]), "exp": int(payload["exp"])}
        payload.pop("key", None)
        return cls(is_valid=True, payload=payload, user=user)

    @classmethod
    def handle_errors(cls, error):
        response = super().handle_errors(error)
        response.is_valid = False
        return response


def _client_ip(info) -> str | None:
    return info.context.META.get("REMOTE_ADDR") or None


class RequestLoginCode(BaseMutation):
    ok = graphene.Boolean(
        required=True,
        description="True when the request was accepted; says nothing about whether the "
        "number has an account.",
    )

    class Arguments:
        phone = graphene.String(required=True, description="Mainland mobile number.")
        purpose = CodePurposeEnum(required=True)

    class Meta:
        description = (
            "Sends a one-time code by SMS for login, sign-up or password reset. The answer is "
            "the same whether or not the number has an account."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, phone, purpose):
        purpose = getattr(purpose, "value", purpose)  # graphene 3 passes the enum member
        services.request_phone_code(phone=phone, purpose=purpose, ip=_client_ip(info))
        return cls(ok=True)

    @classmethod
    def handle_errors(cls, error):
        response = super().handle_errors(error)
        response.ok = False
        return response


class AccountRegisterInput(graphene.InputObjectType):
    phone = graphene.String(required=True, description="Mainland mobile number.")
    code = graphene.String(required=True, description="The REGISTER code sent by SMS.")
    password = graphene.String(description="Optional; the account can log in by SMS code.")
    email = graphene.String()
    first_name = graphene.String()
    last_name = graphene.String()


class AccountRegister(BaseMutation):
    user = graphene.Field(User)

    class Arguments:
        input = AccountRegisterInput(required=True)

    class Meta:
        description = "Creates a shopper account for a mobile number proven by an SMS code."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = services.register_by_phone(
            phone=input["phone"],
            code=input["code"],
            password=input.get("password"),
            email=input.get("email"),
            first_name=input.get("first_name") or "",
            last_name=input.get("last_name") or "",
        )
        return cls(user=user)


class RequestPasswordReset(BaseMutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        phone = graphene.String(description="Mainland mobile number.")
        email = graphene.String(
            description="Saleor's form: the code goes by SMS to the number of the account "
            "with this e-mail address (accounts here are reached by phone)."
        )
        channel = graphene.String(description="Accepted; there is one channel.")
        redirect_url = graphene.String(
            description="Accepted and not used: the reset is an SMS code, not a link."
        )

    class Meta:
        description = (
            "Sends a password-reset code by SMS (same answer whether or not the number or "
            "e-mail address has an account). Give `phone` or `email`."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, phone=None, email=None, channel=None, redirect_url=None):
        if not phone and not email:
            message = _("请填写手机号或邮箱。")
            raise ValidationError(
                {"phone": ValidationError(message, code=AccountErrorCode.REQUIRED)}
            )
        if not phone:
            account = (
                UserModel.objects.filter(email__iexact=(email or "").strip(), is_active=True)
                .exclude(phone__isnull=True)
                .exclude(phone="")
                .first()
            )
            if account is None:
                return cls(ok=True)
            phone = account.phone
        services.request_phone_code(
            phone=phone, purpose=CodePurpose.PASSWORD_RESET, ip=_client_ip(info)
        )
        return cls(ok=True)

    @classmethod
    def handle_errors(cls, error):
        response = super().handle_errors(error)
        response.ok = False
        return response


class SetPassword(BaseMutation):
    user = graphene.Field(User)

    class Arguments:
        phone = graphene.String(required=True)
        code = graphene.String(required=True, description="The PASSWORD_RESET code.")
        password = graphene.String(required=True)

    class Meta:
        description = (
            "Sets a new password with a password-reset code; tokens issued before stop working."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, phone, code, password):
        user = services.reset_password_by_code(phone=phone, code=code, password=password)
        return cls(user=user)


class SignedInMutation(BaseMutation):
    """A mutation on the signed-in user's own account."""

    class Meta:
        abstract = True

    @classmethod
    def check_permissions(cls, info) -> None:
        if not info.context.user.is_authenticated:
            raise PermissionDenied()


class PasswordChange(SignedInMutation):
    user = graphene.Field(User)

    class Arguments:
        old_password = graphene.String(required=True)
        new_password = graphene.String(required=True)

    class Meta:
        description = "Changes the signed-in user's password; earlier tokens stop working."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, old_password, new_password):
        user = services.change_password(
            user=info.context.user, old_password=old_password, new_password=new_password
        )
        return cls(user=user)


class AccountInput(graphene.InputObjectType):
    first_name = graphene.String()
    last_name = graphene.String()
    email = graphene.String()
    language_code = graphene.String(description="zh-hans or en.")


class AccountUpdate(SignedInMutation):
    user = graphene.Field(User)

    class Arguments:
        input = AccountInput(required=True)

    class Meta:
        description = "Updates the signed-in user's name, e-mail address or language."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = services.update_account(user=info.context.user, data=dict(input))
        return cls(user=user)


class AccountRequestDeletion(SignedInMutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        redirect_url = graphene.String(
            description="Accepted and not used: the confirmation is an SMS code, not a link."
        )
        channel = graphene.String(description="Accepted; there is one channel.")

    class Meta:
        description = (
            "Sends the signed-in user a code by SMS that confirms closing the account "
            "(then call `accountDelete`)."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, redirect_url=None, channel=None):
        services.request_account_deletion(user=info.context.user, ip=_client_ip(info))
        return cls(ok=True)

    @classmethod
    def handle_errors(cls, error):
        response = super().handle_errors(error)
        response.ok = False
        return response


class AccountDelete(SignedInMutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        code = graphene.String(
            required=True, description="The code sent by accountRequestDeletion."
        )

    class Meta:
        description = (
            "Closes the signed-in user's account: personal data and addresses are erased, tokens "
            "revoked; orders keep their own copy of delivery details."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, code):
        services.delete_account(user=info.context.user, code=code)
        return cls(ok=True)

    @classmethod
    def handle_errors(cls, error):
        response = super().handle_errors(error)
        response.ok = False
        return response


class AccountMutations(graphene.ObjectType):
    token_create = TokenCreate.Field()
    token_refresh = TokenRefresh.Field()
    token_verify = TokenVerify.Field()
    request_login_code = RequestLoginCode.Field()
    account_register = AccountRegister.Field()
    request_password_reset = RequestPasswordReset.Field()
    set_password = SetPassword.Field()
    password_change = PasswordChange.Field()
    account_update = AccountUpdate.Field()
    account_request_deletion = AccountRequestDeletion.Field()
    account_delete = AccountDelete.Field()
