"""Users and permission groups in the staff back-office.

An account is identified by an e-mail address or a mainland mobile number (either may be
missing, not both); the forms here keep that rule and store the phone in E.164 form, the
same form the login backend looks up.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from backend.account.models import User
from backend.account.phone import normalize_phone


class IdentifierFormMixin(forms.ModelForm):
    """E-mail or mobile number, at least one; the phone normalised to +86…."""

    def clean_phone(self):
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return None
        phone = normalize_phone(raw)
        if phone is None:
            raise forms.ValidationError(
                _("请输入有效的中国大陆手机号，例如 13812345678。"), code="invalid_phone"
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            raise forms.ValidationError(
                _("电子邮箱和手机号至少填写一项。"), code="identifier_required"
            )
        return cleaned


class UserAddForm(IdentifierFormMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone")


class UserEditForm(IdentifierFormMixin, UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "phone",
            "password",
            "last_name",
            "first_name",
            "language_code",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ModelAdmin):
    form = UserEditForm
    add_form = UserAddForm
    change_password_form = AdminPasswordChangeForm

    list_display = (
        "email",
        "phone",
        "full_name",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "phone", "first_name", "last_name")
    ordering = ("-date_joined",)
    readonly_fields = ("last_login", "date_joined", "updated_at")
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "language_code")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "phone", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("姓名"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()


# Permission groups are how county staff and brand managers get their rights (Saleor:
# permission groups); re-register Django's Group admin so it looks like the rest.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass
