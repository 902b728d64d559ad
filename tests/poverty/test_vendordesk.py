"""The vendor applies for the certification from its workspace: the form names households by
registry number only, a bad number is refused next to the field and nothing is written, a good
application waits for the county and its status shows on the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from backend.poverty.models import Certification, CertificationStatus

pytestmark = pytest.mark.django_db


def test_a_vendor_applies_from_the_product_page(zone):
    client = Client()
    client.force_login(zone.owner)
    url = reverse("vendordesk:product-poverty", args=[zone.rice.pk])
    page = client.get(url).content.decode()
    assert "扶贫产品认定" in page and "张一" not in page
    refused = client.post(
        url,
        {
            "mechanism": "purchase",
            "price_per_kg": "3.2",
            "kg_per_unit": "2",
            "households": "GY-9999",
            "description": "收购稻谷",
        },
    )
    assert refused.status_code == 200
    assert "建档立卡编号 GY-9999 不在册。" in refused.content.decode()
    assert not Certification.objects.exists()
    done = client.post(
        url,
        {
            "mechanism": "purchase",
            "price_per_kg": "3.2",
            "kg_per_unit": "2",
            "households": "GY-0000 2\nGY-0001",
            "description": "收购稻谷",
        },
    )
    assert done.status_code == 302
    certification = Certification.objects.get()
    assert certification.status == CertificationStatus.REQUESTED
    weights = sorted(certification.beneficiaries.values_list("weight", flat=True))
    assert weights == [1, 2]
    assert "待审核" in client.get(url).content.decode()
