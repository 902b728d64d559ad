"""Saleor's content types (Page, Menu, MenuItem) over the storefront's own content.

Pages are the storefront's flat pages, written as YAML in `catalog_seed/pages/`
(backend/storefront/pages.py); there is no page model to edit in a dashboard. Their text goes
out as Saleor's `content`: an Editor.js document (a header block per section, a paragraph
block per paragraph), as a JSON string. Menus are built from the catalogue as it is: the
`navbar` menu lists the top categories with their subcategories, then the channel's
collections; the `footer` menu lists the pages.
"""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphql_relay import to_global_id

from backend.graphql.catalog.translations import translated, translation_field
from backend.graphql.core.connection import CountableConnection
from backend.storefront.pages import Page as PageData


class PageType(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)


def static_page_type() -> PageType:
    return PageType(id=to_global_id("PageType", "static"), name=_("静态页面"), slug="static")


def editorjs_content(page: PageData) -> dict:
    blocks: list[dict] = []
    for section in page.sections:
        if section.heading:
            blocks.append({"type": "header", "data": {"text": section.heading, "level": 2}})
        blocks += [{"type": "paragraph", "data": {"text": text}} for text in section.paragraphs]
    return {"blocks": blocks}


class _PageFields(graphene.ObjectType):
    title = graphene.String(required=True)
    slug = graphene.String(required=True)
    seo_title = graphene.String()
    seo_description = graphene.String()
    content = graphene.JSONString(description="An Editor.js document (Saleor's rich text).")

    @staticmethod
    def resolve_seo_title(root: PageData, info):
        return root.title

    @staticmethod
    def resolve_seo_description(root: PageData, info):
        return root.summary

    @staticmethod
    def resolve_content(root: PageData, info):
        return editorjs_content(root)


class PageTranslation(_PageFields):
    id = graphene.ID(required=True)

    @staticmethod
    def resolve_id(root: PageData, info):
        return to_global_id("PageTranslation", root.slug)


class Page(_PageFields):
    id = graphene.ID(required=True)
    is_published = graphene.Boolean(required=True)
    page_type = graphene.Field(PageType, required=True)
    assigned_attributes = graphene.List(
        graphene.NonNull("backend.graphql.catalog.assigned_attributes.AssignedAttribute"),
        required=True,
        limit=graphene.Int(),
        description="Always empty: pages here have no attributes.",
    )
    translation = translation_field(PageTranslation)

    @staticmethod
    def resolve_id(root: PageData, info):
        return to_global_id("Page", root.slug)

    @staticmethod
    def resolve_is_published(root: PageData, info):
        return True

    @staticmethod
    def resolve_page_type(root: PageData, info):
        return static_page_type()

    @staticmethod
    def resolve_assigned_attributes(root: PageData, info, limit=None):
        return []

    @staticmethod
    def resolve_translation(root: PageData, info, language_code):
        return root if translated(_Holder(), language_code) is not None else None


class _Holder:
    """Something `translated` may mark; pages are frozen dataclasses."""


class PageCountableConnection(CountableConnection):
    class Meta:
        node = Page


class MenuItemTranslation(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("MenuItemTranslation", root.key)


class MenuItem(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    url = graphene.String(description="Always null: every item points at a page of this shop.")
    category = graphene.Field("backend.graphql.catalog.types.Category")
    collection = graphene.Field("backend.graphql.catalog.types.Collection")
    page = graphene.Field(Page)
    children = graphene.List(graphene.NonNull(lambda: MenuItem))
    translation = translation_field(MenuItemTranslation)

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("MenuItem", root.key)

    @staticmethod
    def resolve_url(root, info):
        return None

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translated(root, language_code)


class Menu(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    items = graphene.List(graphene.NonNull(MenuItem))

    @staticmethod
    def resolve_id(root, info):
        return to_global_id("Menu", root.slug)
