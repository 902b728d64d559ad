"""Dashboard pages of search: synonyms (staff edit them) and the vocabulary (read only)."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from backend.search import vocabulary
from backend.search.models import SearchTerm, Synonym


@admin.register(Synonym)
class SynonymAdmin(ModelAdmin):
    list_display = ["terms", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["terms"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        vocabulary.invalidate()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        vocabulary.invalidate()


@admin.register(SearchTerm)
class SearchTermAdmin(ModelAdmin):
    list_display = ["term", "pinyin", "initials", "frequency", "is_product_name"]
    search_fields = ["term", "pinyin", "initials"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
