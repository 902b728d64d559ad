from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    name = "backend.account"
    label = "account"
    verbose_name = _("账户与权限")
