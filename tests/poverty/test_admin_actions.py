"""County staff decide certification requests from the dashboard's list: the selected rows go
through the same services as GraphQL, a refused row is reported by name and the others go
ahead."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.poverty import services
from backend.poverty.models import Certification, CertificationStatus, Mechanism

pytestmark = pytest.mark.django_db


def _request(zone, product):
    return services.apply_for_certification(
        actor=zone.owner,
        product=product,
        mechanism=Mechanism.PURCHASE,
        households=[(h.reference_number, 1) for h in zone.households],
        description="收购低收入户稻谷",
        price_per_kg="4.00",
        kg_per_unit="2.5",
    )


def test_approve_and_reject_selected_rows(client, zone):
    rice = _request(zone, zone.rice)
    noodles = _request(zone, zone.noodles)
    client.force_login(zone.staff)
    url = reverse("admin:poverty_certification_changelist")
    in_a_year = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()

    response = client.post(
        url,
        {"action": "approve_selected", "_selected_action": [rice.pk], "valid_until": in_a_year},
        follow=True,
    )
    assert response.status_code == 200
    rice.refresh_from_db()
    assert rice.status == CertificationStatus.APPROVED
    assert "已认定 1 个商品。" in response.content.decode()

    # The approved row is refused (not a request any more); the waiting one is rejected.
    response = client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": [rice.pk, noodles.pk],
            "reason": "材料不全",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "只能审核待审核的申请。" in page
    assert "已驳回 1 项申请。" in page
    statuses = dict(Certification.objects.values_list("pk", "status"))
    assert statuses == {
        rice.pk: CertificationStatus.APPROVED,
        noodles.pk: CertificationStatus.REJECTED,
    }
    noodles.refresh_from_db()
    assert noodles.reason == "材料不全"
