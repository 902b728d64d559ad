"""Text messages and e-mails are signed with the public brand's own name from the seed; before a
brand is seeded, with the generic 【县域电商】."""

from __future__ import annotations

import logging

import pytest

from backend.account import otp
from backend.account.otp import CodePurpose
from backend.brand.models import PublicBrand
from backend.brand.signature import signed, sms_signature

pytestmark = pytest.mark.django_db


def test_without_a_brand_messages_are_signed_generically():
    assert sms_signature() == "【县域电商】"


def test_messages_are_signed_with_the_brand_name():
    PublicBrand.objects.create(county_name="灌云县", name="伊山伊水", slug="guanyun")
    assert sms_signature() == "【伊山伊水】"
    assert signed("您好") == "【伊山伊水】您好"
    assert signed("【伊山伊水】您好") == "【伊山伊水】您好"  # never twice


def test_renaming_the_brand_changes_the_signature_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        brand = PublicBrand.objects.create(county_name="灌云县", name="伊山伊水", slug="guanyun")
    assert sms_signature() == "【伊山伊水】"
    with django_capture_on_commit_callbacks(execute=True):
        brand.name = "灌云好物"
        brand.save()
    assert sms_signature() == "【灌云好物】"


def test_login_code_sms_carries_the_brand_signature(caplog):
    PublicBrand.objects.create(county_name="灌云县", name="伊山伊水", slug="guanyun")
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    otp.request_code(phone="+8613800001111", purpose=CodePurpose.LOGIN, ip="127.0.0.1")
    sent = [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
    assert len(sent) == 1
    assert "+8613800001111: 【伊山伊水】您的登录验证码是" in sent[0]
    assert "县域电商" not in sent[0]


def test_english_message_keeps_the_brand_signature(caplog, settings):
    from django.utils import translation

    PublicBrand.objects.create(county_name="灌云县", name="伊山伊水", slug="guanyun")
    with translation.override("en"):
        text = otp._message("123456", CodePurpose.LOGIN)
    assert text.startswith("【伊山伊水】")
    assert "123456" in text


def test_vendor_review_sms_is_signed(world, sms, django_capture_on_commit_callbacks, eager_celery):
    from backend.vendors import notifications

    with django_capture_on_commit_callbacks(execute=True):
        notifications.queue_decision(world.market.vendor, "reactivated")
    texts = sms(world.market.owner.phone)
    assert texts and all("【伊山伊水】" in text for text in texts)
