"""JWT for API clients (Saleor: tokenCreate, tokenRefresh, tokenVerify)."""

from __future__ import annotations

import graphene
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from graphene.types.generic import GenericScalar

from backend.account import jwt
from backend.account.error_codes import AccountErrorCode
from backend.account.models import User as UserModel
from backend.account.phone import normalize_phone
from backend.graphql.account.types import User
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.errors import error_type
from backend.graphql.core.mutations import BaseMutation

AccountErrorCodeEnum = enum_from_choices("AccountErrorCode", AccountErrorCode)
AccountError = error_type("AccountError", AccountErrorCodeEnum)


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
        password = graphene.String(required=True)

    class Meta:
        description = "Creates a JWT for a user identified by e-mail or mobile number."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, password, email=None, phone=None):
        identifier = (email or phone or "").strip()
        field = "email" if email else "phone" if phone else "email"
        if not identifier:
            raise _invalid("email", _("请输入邮箱或手机号。"), "REQUIRED")
        user = authenticate(info.context, username=identifier, password=password)
        if user is None:
            if _is_inactive_account(identifier, password):
                raise _invalid(field, _("该账户已停用。"), "INACTIVE")
            raise _invalid(field, _("账号或密码不正确。"), "INVALID_CREDENTIALS")
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


class AccountMutations(graphene.ObjectType):
    token_create = TokenCreate.Field()
    token_refresh = TokenRefresh.Field()
    token_verify = TokenVerify.Field()
