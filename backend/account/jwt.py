"""JSON Web Tokens for API clients (Saleor: tokenCreate / tokenRefresh / tokenVerify).

Access tokens are short-lived; refresh tokens live longer and can only mint access tokens.
Both are signed with the project's SECRET_KEY (HS256) and carry the user's `jwt_token_key`, so
changing a password or deactivating the account invalidates every token issued before.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings

from backend.account.models import User

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


class InvalidToken(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _encode(user: User, token_type: str, ttl_seconds: int) -> str:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user.pk),
        "type": token_type,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds),
        "jti": uuid.uuid4().hex,
        "key": user.jwt_token_key,
        "is_staff": user.is_staff,
    }
    return jwt.encode(payload, settings.SECRET_KEY, algorithm=ALGORITHM)


def create_access_token(user: User) -> str:
    return _encode(user, ACCESS, settings.JWT_ACCESS_TTL_SECONDS)


def create_refresh_token(user: User) -> str:
    return _encode(user, REFRESH, settings.JWT_REFRESH_TTL_SECONDS)


def decode_token(token: str, *, expected_type: str) -> dict:
    try:
        payload = jwt.decode(token, settings.SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("JWT_SIGNATURE_EXPIRED", "Signature has expired.") from error
    except jwt.InvalidTokenError as error:
        raise InvalidToken("JWT_INVALID_TOKEN", "Invalid token.") from error
    if payload.get("type") != expected_type:
        raise InvalidToken("JWT_INVALID_TOKEN", f"Expected a {expected_type} token.")
    return payload


def user_from_token(token: str, *, expected_type: str = ACCESS) -> User:
    payload = decode_token(token, expected_type=expected_type)
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.isdigit():
        raise InvalidToken("JWT_INVALID_TOKEN", "Invalid token.")
    user = User.objects.filter(pk=int(subject), is_active=True).first()
    if user is None or payload.get("key") != user.jwt_token_key:
        raise InvalidToken("JWT_INVALID_TOKEN", "Invalid token.")
    return user
