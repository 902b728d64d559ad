"""Account services: sign-up, login by SMS code, password reset and profile changes.

Mobile-number accounts prove the number with a one-time SMS code (backend.account.otp);
every function takes the number as typed and refuses anything but a mainland mobile number.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.account import login_throttle, otp
from backend.account.error_codes import AccountErrorCode
from backend.account.models import User
from backend.account.otp import CodePurpose
from backend.account.phone import normalize_phone
from backend.account.sms import send_sms
from backend.brand.signature import signed
from backend.core import audit


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def require_phone(raw: str, *, field: str = "phone") -> str:
    phone = normalize_phone(raw)
    if phone is None:
        raise _error(field, _("请输入有效的中国大陆手机号。"), AccountErrorCode.INVALID_PHONE)
    return phone


def _invalid_code() -> ValidationError:
    return _error("code", _("验证码不正确或已失效。"), AccountErrorCode.INVALID_CODE)


def _validate_password(password: str, user: User, *, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error


def request_phone_code(*, phone: str, purpose: str, ip: str | None) -> None:
    """Send a code when the number's account state fits the purpose.

    The answer and the rate limits are the same either way, so the endpoint does not tell
    strangers which numbers have accounts: a login or reset code for an unknown number is
    simply not sent, and a sign-up request for a registered number gets a notice by SMS
    instead of a code.
    """
    number = require_phone(phone)
    registered = User.objects.filter(phone=number).exists()
    if purpose == CodePurpose.REGISTER and registered:
        otp.throttle_request(phone=number, ip=ip)
        send_sms(
            phone=number,
            message=signed(_("该手机号已注册，请直接登录；如忘记密码可通过短信重置。")),
        )
    elif purpose == CodePurpose.REGISTER or registered:
        otp.request_code(phone=number, purpose=purpose, ip=ip)
    else:
        otp.throttle_request(phone=number, ip=ip)


def register_by_phone(
    *,
    phone: str,
    code: str,
    password: str | None = None,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    number = require_phone(phone)
    if User.objects.filter(phone=number).exists():
        raise _error("phone", _("该手机号已注册。"), AccountErrorCode.PHONE_ALREADY_REGISTERED)
    email = User.objects.normalize_email(email) if email else None
    if email and User.objects.filter(email__iexact=email).exists():
        raise _error("email", _("该邮箱已被使用。"), AccountErrorCode.UNIQUE)
    user = User(phone=number, email=email, first_name=first_name, last_name=last_name)
    if password:
        _validate_password(password, user)
    if not otp.verify_code(phone=number, purpose=CodePurpose.REGISTER, code=code):
        raise _invalid_code()
    user.set_password(password or None)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def login_by_code(*, phone: str, code: str, ip: str | None = None) -> User:
    """The active account of the number, once its LOGIN code checks out."""
    number = require_phone(phone)
    login_throttle.check_login_allowed(identifier=number, field="phone", ip=ip)
    user = User.objects.filter(phone=number, is_active=True).first()
    if user is None or not otp.verify_code(phone=number, purpose=CodePurpose.LOGIN, code=code):
        login_throttle.record_login_failure(identifier=number, ip=ip)
        raise _invalid_code()
    login_throttle.record_login_success(identifier=number)
    return user


def reset_password_by_code(*, phone: str, code: str, password: str) -> User:
    """Set a new password after a PASSWORD_RESET code; every earlier token stops working."""
    number = require_phone(phone)
    user = User.objects.filter(phone=number, is_active=True).first()
    if user is not None:
        _validate_password(password, user)
    if user is None or not otp.verify_code(
        phone=number, purpose=CodePurpose.PASSWORD_RESET, code=code
    ):
        raise _invalid_code()
    user.set_password(password)  # rotates jwt_token_key
    user.save(update_fields=["password", "jwt_token_key", "updated_at"])
    return user


def change_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise _error("old_password", _("原密码不正确。"), AccountErrorCode.PASSWORD_INCORRECT)
    _validate_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "jwt_token_key", "updated_at"])
    return user


def update_account(*, user: User, data: dict) -> User:
    """Change the signed-in user's own name, e-mail address or language."""
    allowed = {"first_name", "last_name", "email", "language_code"}
    for field, value in data.items():
        if field in allowed and value is not None:
            setattr(user, field, value)
    if "email" in data:
        email = data["email"]
        user.email = User.objects.normalize_email(email) if email else None
        if (
            user.email
            and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists()
        ):
            raise _error("email", _("该邮箱已被使用。"), AccountErrorCode.UNIQUE)
    language = data.get("language_code")
    if language is not None and language not in {code for code, _name in settings.LANGUAGES}:
        raise _error("language_code", _("不支持该语言。"), AccountErrorCode.INVALID)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def request_account_deletion(*, user: User, ip: str | None) -> None:
    """Send the signed-in user an ACCOUNT_DELETE code to the account's own number."""
    if not user.phone:
        raise _error("phone", _("账户未绑定手机号，请联系客服注销。"), AccountErrorCode.REQUIRED)
    otp.request_code(phone=user.phone, purpose=CodePurpose.ACCOUNT_DELETE, ip=ip)


def delete_account(*, user: User, code: str) -> None:
    """Close the account once its ACCOUNT_DELETE code checks out.

    The person's data goes: number, e-mail, names and the address book are erased, the
    password made unusable and every token revoked. Orders keep their own copies of contact and
    address (they are records of a sale the county must be able to report and refund), but no
    longer point at a person who can sign in.
    """
    if not user.phone or not otp.verify_code(
        phone=user.phone, purpose=CodePurpose.ACCOUNT_DELETE, code=code
    ):
        raise _invalid_code()
    addresses = list(user.addresses.all())
    before = {"phone": user.phone, "email": user.email}
    user.addresses.clear()
    user.default_shipping_address = None
    user.default_billing_address = None
    user.phone = None
    user.email = None
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()  # rotates jwt_token_key: every token stops working
    user.save()
    for address in addresses:
        address.delete()
    audit.record(actor=user, action="account.deleted", instance=user, before=before, after=None)
