"""`manage.py brand_manager`: the way a demo's (or the county's) brand manager is made — staff,
in the 品牌管理员 group, able to open the licence queue and nothing of the reviewers'."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from backend.account.models import User
from backend.brand.seed import GROUP_NAME

pytestmark = pytest.mark.django_db


def test_new_brand_manager_can_open_the_licence_queue_only():
    out = io.StringIO()
    call_command("brand_manager", "13612345678", password="Yishan-Brand-2026", stdout=out)
    user = User.objects.get(phone="+8613612345678")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=GROUP_NAME).exists()
    assert user.has_perm("brand.manage_brand") and not user.has_perm("vendors.manage_vendors")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:brand_brandlicence_changelist")).status_code == 200
    assert client.get(reverse("admin:vendors_vendor_changelist")).status_code == 403


def test_existing_account_keeps_its_password():
    user = User.objects.create_user(email="li@example.com", password="Old-Password-2026")
    call_command("brand_manager", "li@example.com", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_staff and user.check_password("Old-Password-2026")
    # A second run changes nothing.
    call_command("brand_manager", "li@example.com", stdout=io.StringIO())
    assert user.groups.count() == 1


def test_weak_password_or_bad_login_is_refused():
    with pytest.raises(CommandError):
        call_command("brand_manager", "13612345679", password="123", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("brand_manager", "not-a-login", password="Yishan-2026", stdout=io.StringIO())
    assert not User.objects.exists()
