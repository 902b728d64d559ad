"""The stations page of the staff dashboard: coverage figures above the list, the network's
shape read-only, status changes through the services with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.core.models import AuditLogEntry
from backend.stations.models import StationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root@example.com", "correct-horse-9")
    client.force_login(user)
    return client


def change_url(station) -> str:
    return reverse("admin:stations_station_change", args=[station.pk])


def test_list_is_headed_by_the_coverage_figures(admin_client, network):
    response = admin_client.get(reverse("admin:stations_station_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "站点覆盖情况" in html
    assert "全县行政村 5 个，活跃站点服务 3 个" in html
    assert "经济薄弱村 3 个，已服务 1 个" in html
    assert "未达到规划目标（经济薄弱村覆盖率 ≥ 50%）" in html
    assert "东镇" in html and "西镇" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            lambda n: {"level__exact": "village"},
            {"GY-V-320723901201", "GY-V-320723901203", "GY-V-320723902201"},
        ),
        (lambda n: {"status__exact": "suspended"}, {"GY-V-320723901203"}),
        (lambda n: {"town__id__exact": str(n.west.pk)}, {"GY-T-320723902", "GY-V-320723902201"}),
    ],
)
def test_list_filters(admin_client, network, query, expected):
    response = admin_client.get(reverse("admin:stations_station_changelist"), query(network))

    assert response.status_code == 200
    assert set(response.context["cl"].result_list.values_list("code", flat=True)) == expected


def test_stations_are_neither_added_nor_deleted_on_the_dashboard(admin_client, network):
    assert admin_client.get(reverse("admin:stations_station_add")).status_code == 403
    delete = reverse("admin:stations_station_delete", args=[network.centre.pk])
    assert admin_client.get(delete).status_code == 403


def test_suspending_on_the_dashboard_needs_a_reason(admin_client, network):
    response = admin_client.post(
        change_url(network.east_one),
        {
            "status": StationStatus.SUSPENDED,
            "status_reason": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "暂停或关闭站点时请填写原因。" in response.content.decode()
    network.east_one.refresh_from_db()
    assert network.east_one.status == StationStatus.ACTIVE


def test_status_change_on_the_dashboard_goes_through_the_service(
    admin_client, network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            change_url(network.east_one),
            {
                "status": StationStatus.SUSPENDED,
                "status_reason": "停电",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )

    assert response.status_code == 302
    network.east_one.refresh_from_db()
    assert (network.east_one.status, network.east_one.status_reason) == ("suspended", "停电")
    entry = AuditLogEntry.objects.get(action="station.suspended")
    assert entry.actor.email == "root@example.com"
    assert entry.before["status"] == "active"
