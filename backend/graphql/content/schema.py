"""Queries of Saleor's content API: `page`, `pages`, `menu`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import graphene
from django.utils.translation import gettext_lazy
from graphql_relay import from_global_id

from backend.catalog.models import Category
from backend.catalog.selectors import visible_collections
from backend.graphql.catalog.translations import LanguageCodeEnum
from backend.graphql.catalog.types import LoadedList
from backend.graphql.catalog.where import StringFilterInput
from backend.graphql.channel.resolvers import resolve_channel_or_none
from backend.graphql.content.types import Menu, Page, PageCountableConnection
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.storefront.pages import load_page, page_slugs

MENUS = {"navbar": gettext_lazy("导航栏"), "footer": gettext_lazy("页脚")}


@dataclass
class MenuItemData:
    key: str
    name: str
    level: int
    category: Any = None
    collection: Any = None
    page: Any = None
    children: list = field(default_factory=list)


@dataclass
class MenuData:
    slug: str
    name: str
    items: list


class PageWhereInput(graphene.InputObjectType):
    slug = graphene.Field(StringFilterInput)
    ids = graphene.List(graphene.NonNull(graphene.ID))


def _pages(slugs=None) -> list:
    wanted = page_slugs() if slugs is None else [s for s in page_slugs() if s in set(slugs)]
    return [page for slug in wanted if (page := load_page(slug)) is not None]


def _page_slug(global_id: str) -> str:
    try:
        type_name, slug = from_global_id(global_id)
    except (TypeError, ValueError, UnicodeDecodeError):
        type_name, slug = "", ""
    if type_name != "Page" or not slug:
        raise ApiError("Must receive a Page id.", code=QueryErrorCode.INVALID, field="id")
    return slug


def navbar(info, channel) -> list[MenuItemData]:
    categories = list(Category.objects.filter(level__lte=1).order_by("sort_order", "name", "pk"))
    items: dict[int, MenuItemData] = {}
    top: list[MenuItemData] = []
    for category in categories:
        item = MenuItemData(f"navbar:category:{category.slug}", category.name, category.level)
        item.category = category
        items[category.pk] = item
    for category in categories:
        if category.parent_id is None:
            top.append(items[category.pk])
        elif category.parent_id in items:
            items[category.parent_id].children.append(items[category.pk])
    for collection in visible_collections(channel=channel, user=info.context.user):
        collection._channel = channel  # type: ignore[attr-defined]
        top.append(
            MenuItemData(
                f"navbar:collection:{collection.slug}", collection.name, 0, collection=collection
            )
        )
    return top


def footer() -> list[MenuItemData]:
    return [MenuItemData(f"footer:page:{p.slug}", p.title, 0, page=p) for p in _pages()]


class ContentQueries(graphene.ObjectType):
    page = graphene.Field(
        Page,
        id=graphene.ID(),
        slug=graphene.String(),
        slug_language_code=graphene.Argument(
            LanguageCodeEnum, description="Accepted; page slugs are the same in every language."
        ),
        description="One of the storefront's pages (delivery and returns, ...).",
    )
    pages = graphene.ConnectionField(
        PageCountableConnection,
        channel=graphene.String(description="Accepted; pages are the same in every channel."),
        where=PageWhereInput(),
        description="The storefront's pages, by slug.",
    )
    menu = graphene.Field(
        Menu,
        slug=graphene.String(),
        name=graphene.String(),
        id=graphene.ID(),
        channel=graphene.String(description="Slug of the channel whose collections are listed."),
        description="`navbar` (top categories with their subcategories, then the collections) "
        "or `footer` (the pages), built from the catalogue.",
    )

    @staticmethod
    def resolve_page(root, info, id=None, slug=None, slug_language_code=None):
        if id is not None:
            slug = _page_slug(id)
        return load_page(slug) if slug else None

    @staticmethod
    def resolve_pages(root, info, channel=None, where=None, **pagination):
        slugs = None
        if where and where.get("slug"):
            condition = where["slug"]
            slugs = [condition["eq"]] if condition.get("eq") else condition.get("one_of") or []
        pages = LoadedList(_pages(slugs))
        return resolve_connection(pages, PageCountableConnection, info, **pagination)

    @staticmethod
    def resolve_menu(root, info, slug=None, name=None, id=None, channel=None):
        if slug is None and name is not None:
            slug = next((key for key, label in MENUS.items() if name in (key, str(label))), None)
        if slug not in MENUS:
            return None
        if slug == "navbar":
            items = navbar(info, resolve_channel_or_none(info, channel))
        else:
            items = footer()
        return MenuData(slug=slug, name=str(MENUS[slug]), items=items)
