from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "backend.trace"
    label = "trace"
    verbose_name = _("质量追溯")

    def ready(self) -> None:
        from backend.inventory import allocation
        from backend.trace import fefo

        if fefo.assign_batches not in allocation.allocation_hooks:
            allocation.allocation_hooks.append(fefo.assign_batches)
        if fefo.release_batches not in allocation.deallocation_hooks:
            allocation.deallocation_hooks.append(fefo.release_batches)
