"""`manage.py brand_manager <phone or e-mail>`: make an account a brand manager.

The account (created if there is none, with the password given or asked for) becomes staff and
joins the 品牌管理员 group, which holds MANAGE_BRAND, MANAGE_DISCOUNTS and MANAGE_MERCHANDISING
(backend/brand/seed.py). No password is ever seeded: a demo's brand manager is made with this
command, the same way the county office makes a real one (docs/guides/brand-manager.md).
"""

from __future__ import annotations

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from backend.account.models import User
from backend.account.phone import normalize_phone
from backend.brand.seed import brand_managers_group


class Command(BaseCommand):
    help = _("把账号设为品牌管理员（员工身份，加入“品牌管理员”权限组）；账号不存在时新建。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("login", help=_("手机号或电子邮箱"))
        parser.add_argument(
            "--password", default=None, help=_("新账号的密码（不填则提示输入；已有账号不改密码）")
        )

    @transaction.atomic
    def handle(self, *args, login: str, password: str | None, **options) -> None:
        phone = normalize_phone(login)
        lookup = {"phone": phone} if phone else {"email": login.strip().lower()}
        if not phone and "@" not in login:
            raise CommandError(_("请填写中国大陆手机号或电子邮箱。"))
        user = User.objects.filter(**lookup).first()
        created = user is None
        if user is None:
            if password is None:
                password = getpass.getpass(_("密码："))
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user = User.objects.create_user(
                email=lookup.get("email"), phone=lookup.get("phone"), password=password
            )
        user.is_staff = True
        user.is_active = True
        user.save(update_fields=["is_staff", "is_active"])
        user.groups.add(brand_managers_group())
        self.stdout.write(
            self.style.SUCCESS(
                (_("已新建品牌管理员：%(login)s") if created else _("已设为品牌管理员：%(login)s"))
                % {"login": phone or lookup["email"]}
            )
        )
