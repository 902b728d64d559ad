"""Kept search answers (backend.search.answers): a kept answer is the computed one, and every
change that alters it (a product leaving or joining the matches, a listing unpublished, a
vendor suspended, a scheduled publication) drops it; an answer computed from a snapshot an
invalidation has overtaken is never kept. Real PostgreSQL; the lock test uses two real
connections in two threads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.catalog.models import Product, ProductChannelListing
from backend.catalog.selectors import visible_products
from backend.channel.models import Channel
from backend.search import answers
from backend.search.answers import Answer
from backend.search.documents import refresh_documents
from backend.search.models import SearchAnswer
from backend.search.selectors import (
    FacetSelection,
    facets_for,
    filter_by_facets,
    kept_facets,
    match,
    search,
)
from backend.storefront.selectors import listed_products
from tests.conftest import GraphQLClient

WINDOW = (0, 24)


def _search(text: str, selection: FacetSelection | None = None):
    channel = Channel.objects.get(slug="guanyun")
    found = search(listed_products(channel), text)
    products = found.products
    if selection is not None:
        products = filter_by_facets(products, selection)
    return products, found.answer_key(channel, selection)


def _facets(text: str, selection: FacetSelection | None = None, *, keep: bool = True):
    products, key = _search(text, selection)
    assert key is not None
    return facets_for(
        products, page_window=WINDOW, count_licensed=True, answer=key if keep else None
    )


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["大米", "有机", "藕", "dwj", "燕尾港", "地理标志"])
def test_a_kept_answer_is_the_computed_one_and_is_read_without_searching(seeded, text):
    SearchAnswer.objects.all().delete()
    computed = _facets(text, keep=False)
    first = _facets(text)
    assert SearchAnswer.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        kept = _facets(text)
    assert computed.total > 0
    assert computed == first == kept
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert "ts_rank" not in statements and "@@" not in statements


@pytest.mark.django_db
def test_a_facet_selection_has_its_own_answer(seeded):
    SearchAnswer.objects.all().delete()
    everything = _facets("燕尾港")
    town = FacetSelection(origin_town="燕尾港镇", price_band=0)
    narrowed = _facets("燕尾港", town)
    assert narrowed == _facets("燕尾港", town, keep=False)
    assert narrowed.total <= everything.total
    assert SearchAnswer.objects.count() == 2


def _computed_at() -> dict[str, object]:
    return dict(SearchAnswer.objects.values_list("tsquery", "computed_at"))


def _assert_all_computed_again(kept_at: dict[str, object]) -> None:
    """The same answers are kept as in `kept_at`, each computed after it."""
    now = _computed_at()
    assert kept_at and set(now) == set(kept_at)
    assert all(at > kept_at[tsquery] for tsquery, at in now.items())


@pytest.mark.django_db
def test_a_product_leaving_the_matches_drops_the_answer(seeded, settings):
    settings.SEARCH_ANSWERS_RECOMPUTED = 0
    SearchAnswer.objects.all().delete()
    before = _facets("绿茶")
    tea = Product.objects.get(slug="yilu-green-tea")
    assert tea.pk in before.page_ids
    Product.objects.filter(pk=tea.pk).update(name="伊芦山云雾茶", description_plaintext="")
    refresh_documents([tea.pk])
    assert not SearchAnswer.objects.exists()
    after = _facets("绿茶")
    assert after == _facets("绿茶", keep=False)
    assert tea.pk not in after.page_ids
    assert after.total == before.total - 1


@pytest.mark.django_db
def test_a_product_joining_the_matches_drops_the_answer(seeded, settings):
    settings.SEARCH_ANSWERS_RECOMPUTED = 0
    SearchAnswer.objects.all().delete()
    before = _facets("紫菜")
    _facets("白酒")  # not touched by the change below
    tea = Product.objects.get(slug="yilu-green-tea")
    Product.objects.filter(pk=tea.pk).update(name="伊芦山紫菜茶")
    refresh_documents([tea.pk])
    assert list(SearchAnswer.objects.values_list("tsquery", flat=True)) == [
        _search("白酒")[1].tsquery
    ]
    after = _facets("紫菜")
    assert after.total == before.total + 1
    assert tea.pk in after.page_ids


@pytest.mark.django_db
def test_a_refresh_computes_the_answers_it_drops_again_before_it_commits(seeded):
    """The answers a refresh drops (here one the renamed product leaves and one it joins)
    are computed again from the new documents inside the refresh's transaction: the next
    shopper reads a kept answer equal to a fresh computation, and untouched answers stay as
    they were."""
    SearchAnswer.objects.all().delete()
    left, joined = _facets("绿茶"), _facets("紫菜")
    _facets("白酒")  # not touched by the change below
    before = _computed_at()
    tea = Product.objects.get(slug="yilu-green-tea")
    Product.objects.filter(pk=tea.pk).update(name="伊芦山紫菜茶", description_plaintext="")
    refresh_documents([tea.pk])
    after = _computed_at()
    assert set(after) == set(before)
    baijiu = _search("白酒")[1].tsquery
    assert after[baijiu] == before[baijiu]
    assert all(after[t] > before[t] for t in after if t != baijiu)
    with CaptureQueriesContext(connection) as queries:
        now_left, now_joined = _facets("绿茶"), _facets("紫菜")
    assert not any("MATERIALIZED" in q["sql"] for q in queries.captured_queries)
    assert now_left == _facets("绿茶", keep=False) and now_left.total == left.total - 1
    assert now_joined == _facets("紫菜", keep=False) and now_joined.total == joined.total + 1
    assert tea.pk in now_joined.page_ids and tea.pk not in now_left.page_ids


@pytest.mark.django_db
def test_a_refresh_computes_again_at_most_the_configured_number_of_answers(seeded, settings):
    settings.SEARCH_ANSWERS_RECOMPUTED = 1
    SearchAnswer.objects.all().delete()
    _facets("绿茶")
    _facets("茶", FacetSelection(origin_town="伊芦乡"))
    tea = Product.objects.get(slug="yilu-green-tea")
    Product.objects.filter(pk=tea.pk).update(name="伊芦山云雾", description_plaintext="")
    refresh_documents([tea.pk])
    # The most recently computed of the two (the selection's) is kept again, with its
    # selection read back from the row.
    (kept,) = SearchAnswer.objects.all()
    key = _search("茶", FacetSelection(origin_town="伊芦乡"))[1]
    assert (kept.tsquery, kept.selection) == (key.tsquery, key.selection)
    selection = FacetSelection(origin_town="伊芦乡")
    assert _facets("茶", selection) == _facets("茶", selection, keep=False)


@pytest.mark.django_db
def test_a_refresh_that_changes_nothing_shoppers_see_keeps_the_answers(seeded):
    """A sale that leaves the product in stock and a save that changes nothing a search reads
    rewrite the document with the same answer digest: the answers stay. Running out of stock
    moves the digest (the rank's in-stock points): the answer is dropped and computed again."""
    from django.db.models import F

    from backend.inventory.models import Stock

    tea = Product.objects.get(slug="yilu-green-tea")
    stocks = Stock.objects.filter(product_variant__product=tea)
    stocks.update(quantity=F("quantity_allocated") + 5)
    refresh_documents([tea.pk])
    SearchAnswer.objects.all().delete()
    before = _facets("绿茶")
    assert tea.pk in before.page_ids
    stocks.update(quantity=F("quantity") - 1)  # a sale: still in stock
    Product.objects.filter(pk=tea.pk).update(name=tea.name, updated_at=timezone.now())
    refresh_documents([tea.pk])
    assert SearchAnswer.objects.count() == 1
    assert _facets("绿茶") == before == _facets("绿茶", keep=False)
    kept_at = _computed_at()
    stocks.update(quantity=F("quantity_allocated"))  # sold out
    refresh_documents([tea.pk])
    _assert_all_computed_again(kept_at)
    assert _facets("绿茶") == _facets("绿茶", keep=False)


@pytest.mark.django_db
def test_an_unpublished_listing_reaches_the_answer_through_the_refresh_queue(
    seeded, django_capture_on_commit_callbacks
):
    """Saving the product's channel listing enqueues the product (the refresh then drops the
    answer that counted it); the task itself is called here rather than by a worker."""
    from backend.search.models import PendingRefresh
    from backend.search.tasks import refresh_pending_documents

    SearchAnswer.objects.all().delete()
    PendingRefresh.objects.all().delete()
    before = _facets("白酒")
    listing = ProductChannelListing.objects.get(
        product__slug="jinghuayuan-reserve-baijiu", channel__slug="guanyun"
    )
    listing.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        listing.save()
    assert PendingRefresh.objects.filter(product_id=listing.product_id).exists()
    kept_at = _computed_at()
    refresh_pending_documents()
    _assert_all_computed_again(kept_at)
    with CaptureQueriesContext(connection) as queries:
        assert _facets("白酒").total == before.total - 1
    assert not any("MATERIALIZED" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_suspending_a_vendor_drops_every_answer(seeded, django_capture_on_commit_callbacks):
    from backend.vendors.models import Vendor, VendorStatus

    SearchAnswer.objects.all().delete()
    before = _facets("燕尾港")
    _facets("大米")
    vendor = Vendor.objects.get(name="燕尾港海产合作社")
    vendor.status = VendorStatus.SUSPENDED
    with django_capture_on_commit_callbacks(execute=True):
        vendor.save()
    assert not SearchAnswer.objects.exists()
    assert _facets("燕尾港").total == before.total - 3


@pytest.mark.django_db
def test_an_answer_lasts_until_the_next_scheduled_publication(seeded):
    channel = Channel.objects.get(slug="guanyun")
    now = timezone.now()
    assert answers.valid_until(channel.pk, now) <= now + answers.TIME_TO_LIVE
    soon = now + timedelta(minutes=3)
    ProductChannelListing.objects.filter(
        product__slug="jinghuayuan-reserve-baijiu", channel=channel
    ).update(published_at=soon)
    assert answers.valid_until(channel.pk, now) == soon
    SearchAnswer.objects.all().delete()
    _facets("白酒")
    SearchAnswer.objects.update(valid_until=now - timedelta(seconds=1))
    key = _search("白酒")[1]
    assert answers.lookup(key) is None  # expired: computed again


@pytest.mark.django_db
def test_an_answer_computed_before_an_invalidation_is_not_kept(seeded):
    key = _search("大米")[1]
    generation = answers.current_generation()
    answers.invalidate_products([Product.objects.get(slug="dongwangji-rice").pk])
    kept = answers.store(
        key, generation=generation, counts={}, ranked_ids=[], matched_ids="{}", until=timezone.now()
    )
    assert kept is False
    assert answers.lookup(key) is None


def test_a_page_past_the_kept_ids_is_not_served_from_the_answer():
    ranked = list(range(1, answers.RANKED_LIMIT + 1))
    more = Answer(counts={"total": [("", 500)]}, ranked_ids=ranked)
    assert more.page(0, 24) == ranked[:24]
    assert more.page(answers.RANKED_LIMIT - 10, 24) is None
    every = Answer(counts={"total": [("", answers.RANKED_LIMIT)]}, ranked_ids=ranked)
    assert every.page(answers.RANKED_LIMIT - 10, 24) == ranked[-10:]
    assert every.page(answers.RANKED_LIMIT, 24) == []


@pytest.mark.django_db
def test_graphql_facets_keep_the_shoppers_answer_but_not_a_staff_one(seeded, client, gql):
    from django.contrib.auth.models import Permission as DjangoPermission

    from backend.account.jwt import create_access_token
    from backend.core.permissions import Permission
    from tests.factories import UserFactory

    query = 'query { productSearchFacets(search: "大米", channel: "guanyun") { totalCount } }'
    SearchAnswer.objects.all().delete()
    staff_user = UserFactory(is_staff=True)
    staff_user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    staff = GraphQLClient(client, create_access_token(staff_user))
    staff.query(query)
    assert not SearchAnswer.objects.exists()
    first = gql.query(query)["productSearchFacets"]["totalCount"]
    assert SearchAnswer.objects.count() == 1
    assert gql.query(query)["productSearchFacets"]["totalCount"] == first == _facets("大米").total


@pytest.mark.django_db
def test_kept_facets_serve_a_kept_answer_and_only_a_kept_one(seeded):
    channel = Channel.objects.get(slug="guanyun")
    key = match("有机").answer_key(channel)
    SearchAnswer.objects.all().delete()
    assert kept_facets(key, page_window=WINDOW) is None
    computed = _facets("有机")
    assert kept_facets(key, page_window=WINDOW) == computed
    assert kept_facets(None) is None


@pytest.mark.django_db
def test_kept_graphql_facets_are_served_without_building_the_products(seeded, gql, monkeypatch):
    """A kept answer is the whole of a shopper's productSearchFacets: the shopper's products
    are not built (a spy on visible_products, calling through) and no statement reads the
    listings or the documents; a miss builds them and keeps the answer."""
    from backend.graphql.search import schema

    built = []

    def spy(**kwargs):
        built.append(kwargs)
        return visible_products(**kwargs)

    monkeypatch.setattr(schema, "visible_products", spy)
    query = 'query { productSearchFacets(search: "有机", channel: "guanyun") { totalCount } }'
    SearchAnswer.objects.all().delete()
    computed = gql.query(query)["productSearchFacets"]["totalCount"]
    assert len(built) == 1
    with CaptureQueriesContext(connection) as queries:
        kept = gql.query(query)["productSearchFacets"]["totalCount"]
    assert len(built) == 1
    assert kept == computed == _facets("有机").total > 0
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "catalog_productchannellisting" in sql]
    assert not [sql for sql in statements if "search_searchdocument" in sql]
    assert any("search_searchanswer" in sql for sql in statements)


@pytest.mark.django_db
def test_the_storefront_search_page_keeps_and_reads_the_answer(seeded, client):
    from backend.catalog.cache import bump_catalog_version

    SearchAnswer.objects.all().delete()
    first = client.get("/search/", {"q": "燕尾港"}).content.decode()
    assert SearchAnswer.objects.count() == 1
    bump_catalog_version()  # no cached fragment: the page is made again, from the answer
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/search/", {"q": "燕尾港"}).content.decode()
    statements = [q["sql"] for q in queries.captured_queries]
    # No facet statement over every match; the one text match left ranks the page's ids.
    assert not any("MATERIALIZED" in sql for sql in statements)
    matching = [sql for sql in statements if "@@" in sql]
    assert len(matching) == 1 and '"catalog_product"."id" IN (' in matching[0]
    for slug in ("yanweigang-laver", "yanweigang-shrimp", "yanweigang-jellyfish"):
        assert f"/p/{slug}/" in first and f"/p/{slug}/" in again


@pytest.mark.django_db
def test_a_full_rebuild_drops_every_answer(seeded):
    """Boosts or synonyms may have changed: even an answer no rebuilt document matches goes."""
    from backend.search.documents import rebuild_all

    SearchAnswer.objects.all().delete()
    _facets("大米")
    _facets("不存在的词")
    assert SearchAnswer.objects.count() == 2
    rebuild_all()
    assert not SearchAnswer.objects.exists()


@pytest.mark.django_db
def test_a_refresh_also_removes_expired_answers(seeded):
    SearchAnswer.objects.all().delete()
    _facets("白酒")
    _facets("紫菜")
    SearchAnswer.objects.filter(tsquery=_search("白酒")[1].tsquery).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    refresh_documents([Product.objects.get(slug="yihetang-flour").pk])  # touches neither
    assert list(SearchAnswer.objects.values_list("tsquery", flat=True)) == [
        _search("紫菜")[1].tsquery
    ]
