"""The merchandising GraphQL module: public queries, staff mutations with
MerchandisingErrorCode errors that write nothing, permissions, and list queries whose SQL
count does not grow with the page size."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.catalog.models import Collection, CollectionChannelListing, CollectionProduct
from backend.core.models import AuditLogEntry
from backend.discount.models import SpecialPrice
from backend.merchandising import services
from backend.merchandising.models import Campaign, HomeSection, LivestreamEvent
from tests.merchandising.conftest import shanghai

pytestmark = pytest.mark.django_db

SECTION_CREATE = """
mutation($input: HomeSectionInput!) {
  homeSectionCreate(input: $input) {
    homeSection { id title kind linkUrl isPublished products { name } }
    errors { field message code }
  }
}
"""


def section_input(shop, **fields):
    return {
        "channel": shop.channel.slug,
        "kind": "BANNER",
        "title": "年货节横幅",
        "linkUrl": "/campaigns/nianhuo/",
        "isPublished": True,
        **fields,
    }


def test_manager_creates_a_section_that_the_public_query_returns(manager_gql, gql, shop, rice):
    data = manager_gql.query(
        SECTION_CREATE,
        {
            "input": section_input(
                shop,
                kind="PRODUCT_CAROUSEL",
                title="主播推荐",
                products=[to_global_id("Product", rice.pk)],
            )
        },
    )["homeSectionCreate"]
    assert data["errors"] == []
    assert data["homeSection"]["products"] == [{"name": "东王集大米"}]
    assert AuditLogEntry.objects.filter(action="merchandising.home_section.saved").exists()
    public = gql.query('{ homeSections(channel: "guanyun") { title kind products { name } } }')[
        "homeSections"
    ]
    assert public == [
        {"title": "主播推荐", "kind": "PRODUCT_CAROUSEL", "products": [{"name": "东王集大米"}]}
    ]


def test_javascript_link_is_refused_with_a_typed_error_and_nothing_written(manager_gql, shop):
    data = manager_gql.query(
        SECTION_CREATE, {"input": section_input(shop, linkUrl="javascript:alert(1)")}
    )["homeSectionCreate"]
    assert data["homeSection"] is None
    assert data["errors"] == [
        {"field": "linkUrl", "message": data["errors"][0]["message"], "code": "INVALID_LINK"}
    ]
    assert not HomeSection.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_staff_without_the_merchandising_permission_are_refused(product_staff_gql, gql, shop):
    for client in (product_staff_gql, gql):
        body = client.post(SECTION_CREATE, {"input": section_input(shop)}).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    assert not HomeSection.objects.exists()
    body = gql.post('{ homeSections(channel: "guanyun", all: true) { title } }').json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_unpublished_sections_are_listed_only_for_managers(manager_gql, gql, shop):
    services.save_home_section(
        section=None,
        data={"channel": shop.channel, "kind": "banner", "title": "草稿", "is_published": False},
    )
    assert gql.query('{ homeSections(channel: "guanyun") { title } }')["homeSections"] == []
    managed = manager_gql.query('{ homeSections(channel: "guanyun", all: true) { title } }')
    assert managed["homeSections"] == [{"title": "草稿"}]


EVENT_CREATE = """
mutation($input: LivestreamEventInput!) {
  livestreamEventCreate(input: $input) {
    livestreamEvent { id title status platform livePrices { variant { sku } price { amount } } }
    errors { field code }
  }
}
"""


def event_input(shop, rice, price="9.90", **fields):
    small = rice.variants.order_by("pk").first()
    start = shanghai(2030, 1, 21, 19, 30)
    return {
        "title": "东王集新米直播",
        "hostName": "小王",
        "streamUrl": "https://live.douyin.com/123",
        "platform": "KUAISHOU",
        "channel": shop.channel.slug,
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(hours=2)).isoformat(),
        "products": [to_global_id("Product", rice.pk)],
        "livePrices": [{"variant": to_global_id("ProductVariant", small.pk), "price": price}],
        "isPublished": True,
        **fields,
    }


def test_livestream_event_create_makes_its_live_prices(manager_gql, shop, rice):
    data = manager_gql.query(EVENT_CREATE, {"input": event_input(shop, rice)})
    event = data["livestreamEventCreate"]["livestreamEvent"]
    assert data["livestreamEventCreate"]["errors"] == []
    assert event["status"] == "SCHEDULED" and event["platform"] == "KUAISHOU"
    assert event["livePrices"][0]["price"]["amount"] == 9.9
    assert SpecialPrice.objects.filter(kind="livestream", price_amount=Decimal("9.90")).count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"price": "0"}, "prices", "INVALID_PRICE"),
        ({"price": "-5"}, "prices", "INVALID_PRICE"),
        ({"streamUrl": "javascript:alert(1)"}, "streamUrl", "INVALID_LINK"),
        ({"endsAt": "2030-01-21T19:30:00+08:00"}, "endsAt", "INVALID_DATES"),
        ({"channel": "nowhere"}, "channel", "NOT_FOUND"),
    ],
)
def test_bad_livestream_input_gets_typed_errors_and_writes_nothing(
    manager_gql, shop, rice, fields, field, code
):
    data = manager_gql.query(EVENT_CREATE, {"input": event_input(shop, rice, **fields)})
    assert data["livestreamEventCreate"]["errors"][0] == {"field": field, "code": code}
    assert not LivestreamEvent.objects.exists() and not SpecialPrice.objects.exists()


RULE_UPDATE = """
mutation($id: ID!, $rule: CollectionRuleInput) {
  collectionRuleUpdate(id: $id, rule: $rule) {
    collection { name }
    refresh { added removed }
    errors { field code }
  }
}
"""


def test_collection_rule_update_fills_the_collection(manager_gql, shop, rice):
    collection = Collection.objects.create(name="地理标志产品", slug="gi")
    data = manager_gql.query(
        RULE_UPDATE,
        {
            "id": to_global_id("Collection", collection.pk),
            "rule": {"conditions": [{"kind": "GEOGRAPHICAL_INDICATION"}]},
        },
    )["collectionRuleUpdate"]
    assert data["errors"] == [] and data["refresh"] == {"added": 1, "removed": 0}
    assert CollectionProduct.objects.filter(collection=collection, product=rice).exists()
    bad = manager_gql.query(
        RULE_UPDATE,
        {
            "id": to_global_id("Collection", collection.pk),
            "rule": {"conditions": [{"kind": "VENDOR"}]},
        },
    )["collectionRuleUpdate"]
    assert bad["errors"] == [{"field": "rule", "code": "REQUIRED"}]


CAMPAIGNS = """
query($first: Int) {
  campaigns(first: $first, channel: "guanyun") {
    totalCount
    edges { node { name status channel { slug } collection { name } offers { name offers } } }
  }
}
"""


def _campaigns(shop, count):
    collection = Collection.objects.create(name="年货", slug=f"nianhuo-{count}")
    start = shanghai(2027, 1, 20)
    for index in range(count):
        services.save_campaign(
            campaign=None,
            data={
                "name": f"活动{count}-{index}",
                "channel": shop.channel,
                "starts_at": start,
                "ends_at": start + timedelta(days=30),
                "collection": collection,
            },
        )


def test_campaign_list_sql_count_does_not_grow_with_page_size(gql, shop):
    _campaigns(shop, 2)
    with CaptureQueriesContext(connection) as few:
        assert len(gql.query(CAMPAIGNS, {"first": 2})["campaigns"]["edges"]) == 2
    _campaigns(shop, 10)
    with CaptureQueriesContext(connection) as many:
        assert len(gql.query(CAMPAIGNS, {"first": 12})["campaigns"]["edges"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


EVENTS = """
query($first: Int) {
  livestreamEvents(first: $first, channel: "guanyun") {
    edges { node { title channel { slug } products { name } livePrices { price { amount } } } }
  }
}
"""


def test_livestream_list_sql_count_does_not_grow_with_page_size(gql, shop, rice):
    def events(count):
        small = rice.variants.order_by("pk").first()
        start = shanghai(2030, 1, 21, 19, 30)
        for index in range(count):
            services.save_livestream_event(
                event=None,
                data={
                    "title": f"直播{index}",
                    "host_name": "小王",
                    "stream_url": "https://live.douyin.com/1",
                    "channel": shop.channel,
                    "starts_at": start + timedelta(days=index * 2 + count * 10),
                    "ends_at": start + timedelta(days=index * 2 + count * 10, hours=2),
                    "products": [rice],
                    "prices": [(small, Decimal("9.90"))],
                },
            )

    events(2)
    with CaptureQueriesContext(connection) as few:
        assert len(gql.query(EVENTS, {"first": 2})["livestreamEvents"]["edges"]) == 2
    events(8)
    with CaptureQueriesContext(connection) as many:
        assert len(gql.query(EVENTS, {"first": 10})["livestreamEvents"]["edges"]) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_campaign_by_slug_hides_unpublished_from_the_public(gql, manager_gql, shop):
    _campaigns(shop, 1)
    Campaign.objects.update(slug="nianhuo", is_published=False)
    query = '{ campaign(slug: "nianhuo") { name } }'
    assert gql.query(query)["campaign"] is None
    assert manager_gql.query(query)["campaign"] == {"name": "活动1-0"}


def test_collections_tell_their_kind_rule_and_last_refresh(manager_gql, shop, rice):
    collection = Collection.objects.create(name="地理标志产品", slug="gi")
    CollectionChannelListing.objects.create(
        collection=collection, channel=shop.channel, is_published=True
    )
    services.set_collection_rule(
        collection=collection, rule={"conditions": [{"kind": "geographical_indication"}]}
    )
    data = manager_gql.query(
        'query($id: ID!) { collection(id: $id, channel: "guanyun") { kind rule ruleRefreshedAt } }',
        {"id": to_global_id("Collection", collection.pk)},
    )["collection"]
    assert data["kind"] == "RULE"
    assert data["rule"] == {"conditions": [{"kind": "geographical_indication"}]}
    assert data["ruleRefreshedAt"] is not None


def test_home_sections_query_sql_count_does_not_grow_with_sections(gql, shop, rice):
    query = (
        '{ homeSections(channel: "guanyun") { title channel { slug } collection { name } '
        "products { name } } }"
    )

    def sections(count, offset):
        for index in range(count):
            services.save_home_section(
                section=None,
                data={
                    "channel": shop.channel,
                    "kind": "product_carousel",
                    "title": f"轮播{offset + index}",
                    "products": [rice],
                    "is_published": True,
                },
            )

    sections(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(gql.query(query)["homeSections"]) == 2
    sections(8, 2)
    with CaptureQueriesContext(connection) as many:
        assert len(gql.query(query)["homeSections"]) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_livestream_events_filter_by_status(gql, shop, rice, clock):
    now = shanghai(2030, 1, 21, 20, 0)
    clock.set(now)
    for title, start in (
        ("已结束", now - timedelta(hours=5)),
        ("直播中", now - timedelta(minutes=30)),
        ("预告", now + timedelta(days=1)),
    ):
        services.save_livestream_event(
            event=None,
            data={
                "title": title,
                "host_name": "小王",
                "stream_url": "https://live.douyin.com/1",
                "channel": shop.channel,
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "is_published": True,
            },
        )
    query = """query($status: ScheduleStatusEnum) {
      livestreamEvents(first: 10, channel: "guanyun", status: $status) {
        edges { node { title status } } } }"""
    for status, title in (("RUNNING", "直播中"), ("SCHEDULED", "预告"), ("ENDED", "已结束")):
        edges = gql.query(query, {"status": status})["livestreamEvents"]["edges"]
        assert edges == [{"node": {"title": title, "status": status}}]


def test_services_refuse_a_person_without_the_permission(shop):
    from django.core.exceptions import PermissionDenied

    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.save_campaign(
            campaign=None,
            data={
                "name": "活动",
                "channel": shop.channel,
                "starts_at": shanghai(2030, 1, 1),
                "ends_at": shanghai(2030, 2, 1),
            },
            actor=UserFactory(is_staff=True),
        )
    assert not Campaign.objects.exists()


def test_update_and_delete_mutations(manager_gql, shop, rice):
    section = services.save_home_section(
        section=None, data={"channel": shop.channel, "kind": "banner", "title": "旧标题"}
    )
    section_id = to_global_id("HomeSection", section.pk)
    updated = manager_gql.query(
        """mutation($id: ID!) { homeSectionUpdate(id: $id, input: {title: "新标题", sortOrder: 5})
        { homeSection { title sortOrder } errors { field code } } }""",
        {"id": section_id},
    )["homeSectionUpdate"]
    assert updated == {"homeSection": {"title": "新标题", "sortOrder": 5}, "errors": []}
    refused = manager_gql.query(
        """mutation($id: ID!) { homeSectionUpdate(id: $id, input: {linkUrl: "javascript:x"})
        { errors { field code } } }""",
        {"id": section_id},
    )["homeSectionUpdate"]
    assert refused["errors"] == [{"field": "linkUrl", "code": "INVALID_LINK"}]
    section.refresh_from_db()
    assert section.link_url == "" and section.title == "新标题"
    deleted = manager_gql.query(
        """mutation($id: ID!) {
          homeSectionDelete(id: $id) { homeSection { id } errors { code } } }""",
        {"id": section_id},
    )["homeSectionDelete"]
    assert deleted == {"homeSection": {"id": section_id}, "errors": []}
    assert not HomeSection.objects.exists()
    missing = manager_gql.query(
        """mutation($id: ID!) { campaignDelete(id: $id) { errors { field code } } }""",
        {"id": to_global_id("Campaign", 999999)},
    )["campaignDelete"]
    assert missing["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
