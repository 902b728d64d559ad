from django.contrib import admin
from unfold.admin import ModelAdmin

from backend.channel.models import Channel


@admin.register(Channel)
class ChannelAdmin(ModelAdmin):
    list_display = ("name", "slug", "currency_code", "default_country", "time_zone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    fields = ("name", "slug", "is_active", "currency_code", "default_country", "time_zone")
