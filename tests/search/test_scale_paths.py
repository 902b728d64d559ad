"""What keeps search fast on a large catalogue without changing what it finds: the substring
fallback limited to products flagged search_index_dirty (their weighted document not yet
written), and a vocabulary that answers typos and prefixes from sorted, length-bucketed
lists (codes and numbers are never a correction)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from backend.catalog.models import Product
from backend.search import vocabulary
from backend.search.documents import refresh_documents
from backend.search.indexing import reindex_products
from backend.search.models import SearchTerm
from backend.search.selectors import search, suggestions

pytestmark = pytest.mark.django_db


def found(text: str) -> set[str]:
    return set(search(Product.objects.all(), text).products.values_list("slug", flat=True))


def test_a_renamed_product_is_found_by_its_new_name_until_its_document_catches_up(seeded):
    tea = Product.objects.get(slug="yilu-green-tea")
    assert not tea.search_index_dirty
    assert "yilu-green-tea" not in found("雀舌")
    tea.name = "伊芦山雀舌"
    tea.save()
    # What the dashboard and the imports do; the document's refresh waits for the commit.
    reindex_products([tea.pk])
    tea.refresh_from_db()
    assert tea.search_index_dirty
    assert "yilu-green-tea" in found("雀舌")
    refresh_documents([tea.pk])
    tea.refresh_from_db()
    assert not tea.search_index_dirty
    # Now by its document alone: the substring fallback no longer looks at it.
    assert "yilu-green-tea" in found("雀舌")


def test_a_product_saved_while_its_document_was_being_built_stays_flagged(seeded):
    tea = Product.objects.get(slug="yilu-green-tea")
    reindex_products([tea.pk])
    # Saved after the refresh read it (its clock reading is later than the read's).
    Product.objects.filter(pk=tea.pk).update(updated_at=timezone.now() + dt.timedelta(minutes=1))
    refresh_documents([tea.pk])
    tea.refresh_from_db()
    assert tea.search_index_dirty


def test_a_documented_product_is_not_scanned_by_substring(seeded):
    """A word only in the plain text and in no document: the seeded products all have
    documents, so it is found by substring only once the product is flagged dirty."""
    assert not Product.objects.filter(search_index_dirty=True).exists()
    rice = Product.objects.get(slug="dongwangji-rice")
    Product.objects.filter(pk=rice.pk).update(
        search_document=Concat(F("search_document"), Value(" 鹭鸶湾"))
    )
    assert "dongwangji-rice" not in found("鹭鸶湾")
    Product.objects.filter(pk=rice.pk).update(search_index_dirty=True)
    assert "dongwangji-rice" in found("鹭鸶湾")


def test_typos_and_prefixes_in_a_vocabulary_of_codes_and_many_names(seeded):
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=f"{n:06d}", pinyin=f"{n:06d}", frequency=1) for n in range(3000)]
        + [
            SearchTerm(
                term=f"合成商品 {n:06d}",
                pinyin="hechengshangpin",
                initials="hcsp",
                frequency=1,
                is_product_name=True,
            )
            for n in range(3000)
        ]
    )
    vocabulary.invalidate()
    vocab = vocabulary.current()
    # A pinyin typo is corrected to a word, never to a code of similar length.
    assert vocabulary.correct("jiangyuo", vocab) == "jiangyou"
    assert vocabulary.correct("00277x", vocab) is None
    assert vocabulary.correct("东王急", vocab) == "东王集"
    # Prefix questions: a known pinyin prefix, and one no word starts with.
    assert vocabulary.is_known("dongwang", vocab)
    assert not vocabulary.is_known("dongwangz", vocab)
    # Thousands of names share a prefix: eight suggestions, names first, in order.
    many = suggestions("合成")
    assert many == [f"合成商品 {n:06d}" for n in range(8)]
    assert suggestions("dwj")[0].startswith("东王集")
    assert "大米" in suggestions("dam") or "东王集大米" in suggestions("dam")


def test_prefix_range_of_a_sorted_list():
    keys = sorted(["da", "dami", "damian", "dan", "db", "d"])
    assert list(vocabulary._with_prefix(keys, "dam")) == ["dami", "damian"]
    assert list(vocabulary._with_prefix(keys, "z")) == []
    assert list(vocabulary._with_prefix(keys, "")) == keys


def test_the_facets_statement_counts_what_the_search_finds(seeded):
    """GraphQL's totalCount comes from the facets' own statement, not a second count."""
    from backend.search.selectors import facets_for
    from tests.search.relevance import CASES

    for _kind, query, _expected in CASES[::5]:
        products = search(Product.objects.all(), query).products
        assert facets_for(products).total == products.count(), query
    assert facets_for(search(Product.objects.all(), "燕尾港").products).total == 3
