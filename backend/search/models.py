"""Search documents, staff-edited synonyms and the term vocabulary (typos, suggestions)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One row per product: its segmented, pinyin-expanded text in a weighted tsvector.

    Weights: A name, B category and vendor, C attributes (origin town, certification) and
    variant names, D description. The facet columns let a search count categories, vendors,
    towns, certifications, price bands and the zone without joining the catalog again.
    """

    product = models.OneToOneField(
        "catalog.Product", related_name="search_doc", on_delete=models.CASCADE, primary_key=True
    )
    vector = SearchVectorField(null=True)
    in_stock = models.BooleanField(default=False)
    boost = models.FloatField(default=0)
    brand_licensed = models.BooleanField(default=False)
    poverty_zone = models.BooleanField(default=False)
    sales = models.IntegerField(default=0)
    origin_town = models.CharField(max_length=100, blank=True, default="")
    certifications = models.JSONField(default=list, blank=True)
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # The attribute values (ids) of the product and its variants: the storefront's attribute
    # filters for a search are read from the matched documents (selectors.facets_for).
    attribute_values = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # md5 of everything a kept search answer reads of this product (the document's match,
    # rank and facet columns, the product's name, category and vendor, its channel listings'
    # visibility) as of the last refresh: a refresh that leaves it unchanged (a sale that
    # keeps the product in stock, a save that changes nothing shoppers see) drops no answer
    # (backend.search.documents.ANSWER_DIGEST_SQL).
    answer_digest = models.CharField(max_length=32, blank=True, default="", db_default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索文档")
        verbose_name_plural = _("搜索文档")
        indexes = [GinIndex(fields=["vector"], name="search_doc_vector_gin")]

    def __str__(self) -> str:
        return f"search document of product {self.product_id}"


class Synonym(models.Model):
    """A group of interchangeable words (藕, 莲藕); a query for one finds all of them."""

    terms = models.CharField(
        _("同义词"), max_length=500, help_text=_("用逗号或空格分隔，例如：藕, 莲藕")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [t for t in self.terms.replace("，", ",").replace(",", " ").split() if t]


class SearchTerm(models.Model):
    """A word that occurs in the catalogue, with its pinyin and initials: the vocabulary the
    typo corrector and the suggestions work on (small: thousands of rows)."""

    term = models.CharField(max_length=100, unique=True)
    pinyin = models.CharField(max_length=300, blank=True, default="", db_index=True)
    initials = models.CharField(max_length=100, blank=True, default="", db_index=True)
    frequency = models.IntegerField(default=0)
    is_product_name = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("搜索词")
        verbose_name_plural = _("搜索词")
        ordering = ["-frequency", "term"]

    def __str__(self) -> str:
        return self.term


class PendingRefresh(models.Model):
    """A product whose search document waits for the debounced refresh task: one row per
    product, added with INSERT ... ON CONFLICT DO NOTHING and drained with DELETE ...
    RETURNING, so two changes at once never lose a product (backend.search.tasks). A plain
    id rather than a foreign key: a deleted product's document must be dropped too."""

    product_id = models.BigIntegerField(primary_key=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待刷新的搜索文档")
        verbose_name_plural = _("待刷新的搜索文档")

    def __str__(self) -> str:
        return f"pending search refresh of product {self.product_id}"


class SearchAnswer(models.Model):
    """A search's answer for shoppers in a channel, kept until a change touches it: the
    facet counts, the total, the first pages of ids by relevance and every matched id.

    A broad word (有机 matches a fifth of a large catalogue) costs the database a ranked
    scan of thousands of documents; its answer only changes when a product it matched, or a
    product that matches it now, is refreshed. The document refresh deletes exactly those
    answers in its own transaction (backend.search.answers), so an answer is never older
    than the documents it was computed from; a change that can alter every answer (a
    vendor's status, a channel, synonyms, boosts) deletes them all. `valid_until` covers
    what no row change announces: a listing's scheduled publication, a licence or price
    window opening, and a time-to-live."""

    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    # sha256 of the tsquery and the facet selection (the tsquery can be long).
    key = models.CharField(max_length=64)
    tsquery = models.TextField()
    # The facet selection the key names (AnswerKey.selection, a query string), so a refresh
    # can compute the answer again (backend.search.selectors.recompute).
    selection = models.TextField(blank=True, default="", db_default="")
    facets = models.JSONField(default=dict)
    ranked_ids = ArrayField(models.BigIntegerField(), default=list)
    matched_ids = ArrayField(models.BigIntegerField(), default=list)
    computed_at = models.DateTimeField()
    valid_until = models.DateTimeField()

    class Meta:
        verbose_name = _("搜索结果缓存")
        verbose_name_plural = _("搜索结果缓存")
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="search_answer_unique_key")
        ]
        indexes = [GinIndex(fields=["matched_ids"], name="search_answer_matched_gin")]

    def __str__(self) -> str:
        return f"search answer {self.tsquery!r} in channel {self.channel_id}"


class SearchAnswerGeneration(models.Model):
    """One row whose `value` every invalidation moves on inside its transaction: an answer
    computed from a snapshot older than a committed invalidation is not stored."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("搜索结果缓存代数")
        verbose_name_plural = _("搜索结果缓存代数")

    def __str__(self) -> str:
        return f"search answer generation {self.value}"
