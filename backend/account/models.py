from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _


def _new_token_key() -> str:
    return get_random_string(12)


class UserManager(BaseUserManager["User"]):
    def create_user(self, email=None, password=None, *, phone=None, **extra):
        if not email and not phone:
            raise ValueError("A user needs an e-mail address or a mobile number")
        user = self.model(email=self.normalize_email(email) or None, phone=phone or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A shopper, a vendor's staff member, a station operator or county staff.

    Either an e-mail address or a mainland mobile number identifies the account; the phone is
    stored in E.164 form (+8613812345678). Staff log in to the dashboard with either.
    """

    email = models.EmailField(_("电子邮箱"), unique=True, null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    first_name = models.CharField(_("名"), max_length=150, blank=True)
    last_name = models.CharField(_("姓"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("员工"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    language_code = models.CharField(_("语言"), max_length=10, default="zh-hans")
    # Rotating this key invalidates every JWT issued to the user (password change, logout all).
    jwt_token_key = models.CharField(max_length=12, default=_new_token_key, editable=False)
    addresses = models.ManyToManyField(
        "account.Address", verbose_name=_("地址簿"), blank=True, related_name="user_addresses"
    )
    default_shipping_address = models.ForeignKey(
        "account.Address",
        verbose_name=_("默认收货地址"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    default_billing_address = models.ForeignKey(
        "account.Address",
        verbose_name=_("默认账单地址"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["pk"]
        permissions = [("manage_staff", _("管理员工与权限组"))]

    def __str__(self) -> str:
        return self.email or self.phone or f"user {self.pk}"

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.jwt_token_key = _new_token_key()

    def get_username(self) -> str:
        # USERNAME_FIELD is the e-mail, which a phone-only account lacks; templates (the
        # dashboard's avatar and password forms, reset e-mails) need the identifier it logs in with.
        return self.email or self.phone or ""

    def clean(self) -> None:
        # AbstractBaseUser.clean writes get_username() back into USERNAME_FIELD, which would
        # copy a phone-only account's number into its e-mail; normalise the e-mail alone.
        if self.email:
            self.email = self.normalize_username(self.email)

    def get_full_name(self) -> str:
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class Address(models.Model):
    """A postal address on China's divisions: province → city → district → town → village.

    Inside the county the town and village point at seeded divisions (and `town_name`,
    `village_name` repeat their names so an order's copy stays readable if the seed changes);
    outside the county the address is accepted at district level and the two links stay empty.
    Orders and checkouts keep their own copies, so editing the address book never rewrites
    history.
    """

    full_name = models.CharField(_("收货人"), max_length=64)
    phone = models.CharField(_("联系电话"), max_length=20)
    country = models.CharField(_("国家"), max_length=2, default="CN")
    country_area = models.CharField(_("省份"), max_length=64)
    city = models.CharField(_("城市"), max_length=64)
    city_area = models.CharField(_("区县"), max_length=64)
    town = models.ForeignKey(
        "divisions.Town",
        verbose_name=_("乡镇/街道"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    village = models.ForeignKey(
        "divisions.Village",
        verbose_name=_("村/社区"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    town_name = models.CharField(_("乡镇/街道"), max_length=64, blank=True)
    village_name = models.CharField(_("村/社区"), max_length=64, blank=True)
    street_address = models.CharField(_("详细地址"), max_length=256, blank=True)
    postal_code = models.CharField(_("邮编"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("地址")
        verbose_name_plural = _("地址")
        ordering = ["pk"]

    def __str__(self) -> str:
        parts = [
            self.country_area,
            self.city,
            self.city_area,
            self.town_name,
            self.village_name,
            self.street_address,
        ]
        return "".join(p for p in parts if p)

    @property
    def is_in_county(self) -> bool:
        return self.village_id is not None

    def copy(self) -> Address:
        clone = Address.objects.get(pk=self.pk)
        clone.pk = None
        clone.save()
        return clone
