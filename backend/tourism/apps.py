from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    name = "backend.tourism"
    label = "tourism"
    verbose_name = _("文旅票券")
