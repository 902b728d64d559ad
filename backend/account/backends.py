"""Log in with an e-mail address or a mobile number as the username."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from backend.account.models import User
from backend.account.phone import normalize_phone


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get("email") or kwargs.get("phone") or "").strip()
        if not identifier or password is None:
            return None
        lookup = Q(email__iexact=identifier)
        phone = normalize_phone(identifier)
        if phone:
            lookup |= Q(phone=phone)
        user = User.objects.filter(lookup).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
