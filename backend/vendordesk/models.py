"""What the vendor's staff do to a parcel before the station network takes it (issue #6).

A parcel (`routing.Shipment`) that leaves from a vendor's warehouse is packed by the vendor's
staff and handed to the first station of its route (the source town's station, the `from`
station of its first leg). The routing state machine starts at that station: the parcel stays
`planned` until the station scans it out (`stationdesk.services.dispatch_parcel`), and only
station scans write tracking events the shopper sees. The vendor's side of the hand-over is
kept here, one row per parcel, so a second tap (or a second phone) changes nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackingStatus(models.TextChoices):
    PACKED = "packed", _("已打包")
    HANDED_OVER = "handed_over", _("已交站")


class VendorParcel(models.Model):
    shipment = models.OneToOneField(
        "routing.Shipment",
        verbose_name=_("包裹"),
        related_name="vendor_packing",
        on_delete=models.CASCADE,
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("商家"), related_name="parcels", on_delete=models.CASCADE
    )
    status = models.CharField(_("状态"), max_length=16, choices=PackingStatus.choices)
    packed_at = models.DateTimeField(_("打包时间"))
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("打包人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(_("交站时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交站人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("交给站点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("商家包裹")
        verbose_name_plural = _("商家包裹")
        ordering = ["-packed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PackingStatus.values),
                name="vendor_parcel_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status}"
