"""`manage.py rebuild_search_index`: rebuild every product's search document and the vocabulary
(after changing the county dictionary in catalog_seed/, the boosts, or restoring a backup)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from backend.search.documents import rebuild_all


class Command(BaseCommand):
    help = "重建全部商品的搜索文档和搜索词表。"

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        documents, terms = rebuild_all()
        if settings.ELASTICSEARCH_URL:
            from backend.search.backends.elasticsearch import rebuild_index

            index = rebuild_index()
            self.stdout.write(_("Elasticsearch 索引已切换到 %(index)s") % {"index": index})
        self.stdout.write(
            self.style.SUCCESS(
                _("搜索索引已重建：%(documents)d 个商品文档，%(terms)d 个搜索词（%(seconds).1fs）")
                % {"documents": documents, "terms": terms, "seconds": time.monotonic() - started}
            )
        )
