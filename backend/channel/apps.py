from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelConfig(AppConfig):
    name = "backend.channel"
    label = "channel"
    verbose_name = _("销售渠道")
