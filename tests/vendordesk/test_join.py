"""The invitation link from the SMS: /vendor/join/<token>/ (a farmer may have no account
yet, so the page sends them to the shop's phone login or sign-up and back)."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from backend.vendors.models import VendorInvitation, VendorRole, VendorStaff
from backend.vendors.services import invite_staff
from tests.factories import UserFactory
from tests.vendordesk.conftest import signed_in


def _invite(world, phone="+8613700000009"):
    _invitation, token = invite_staff(vendor=world.a.vendor, actor=world.a.owner, phone=phone)
    return token


def test_anonymous_invitee_is_sent_to_phone_login_and_back(world):
    token = _invite(world)
    response = Client().get(f"/vendor/join/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "莲藕合作社" in html and "员工" in html
    assert f"/account/login/?next=%2Fvendor%2Fjoin%2F{token}%2F" in html
    assert f"/account/signup/?next=%2Fvendor%2Fjoin%2F{token}%2F" in html
    assert not VendorStaff.objects.filter(user__phone="+8613700000009").exists()


def test_invitee_signed_in_with_the_invited_phone_joins(world):
    token = _invite(world)
    farmer = UserFactory(phone="+8613700000009")
    client = signed_in(farmer)
    assert client.get(f"/vendor/join/{token}/").status_code == 200
    response = client.post(f"/vendor/join/{token}/")
    assert response.status_code == 302 and response["Location"] == "/vendor/"
    member = VendorStaff.objects.get(user=farmer)
    assert member.vendor == world.a.vendor and member.role == VendorRole.STAFF
    assert client.get("/vendor/").status_code == 200
    # The link is used up.
    assert client.get(f"/vendor/join/{token}/").status_code == 404


def test_someone_else_signed_in_is_refused_with_the_reason(world):
    token = _invite(world)
    response = signed_in(world.shopper).post(f"/vendor/join/{token}/")
    assert response.status_code == 400
    assert "请用收到短信的手机号登录" in response.content.decode()
    assert not VendorStaff.objects.filter(user=world.shopper).exists()


def test_staff_of_another_vendor_cannot_join(world):
    token = _invite(world, phone=world.b.owner.phone)
    response = signed_in(world.b.owner).post(f"/vendor/join/{token}/")
    assert response.status_code == 400
    assert VendorStaff.objects.get(user=world.b.owner).vendor == world.b.vendor


def test_expired_and_unknown_tokens_show_the_same_page(world):
    token = _invite(world)
    VendorInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = Client().get(f"/vendor/join/{token}/")
    unknown = Client().get("/vendor/join/not-a-token/")
    assert expired.status_code == unknown.status_code == 404
    assert "邀请无效" in expired.content.decode() and "邀请无效" in unknown.content.decode()


def test_join_requires_csrf(world):
    token = _invite(world)
    farmer = UserFactory(phone="+8613700000009")
    client = Client(enforce_csrf_checks=True)
    client.force_login(farmer)
    assert client.post(f"/vendor/join/{token}/").status_code == 403
    assert not VendorStaff.objects.filter(user=farmer).exists()
