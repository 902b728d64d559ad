"""Saleor's `translation(languageCode:)` fields.

The catalogue is written in Chinese (zh-Hans) and keeps no per-record translations: a product,
category or attribute has one name. So a translation asked for in Chinese answers with the
record's own text, and one asked for in any other language answers null, which Saleor clients
read as "not translated" and fall back to the untranslated field. English for the interface
itself comes from the gettext catalogue, not from these fields.
"""

from __future__ import annotations

import graphene
from graphene.types.generic import GenericScalar

# The languages of Saleor's LanguageCodeEnum that a storefront is likely to ask for. The value
# is the BCP 47 tag returned in `language { code }`.
LANGUAGES = [
    ("ZH_HANS", "zh-Hans", "简体中文"),
    ("ZH_HANS_CN", "zh-Hans-CN", "简体中文（中国）"),
    ("ZH", "zh", "中文"),
    ("ZH_HANT", "zh-Hant", "繁體中文"),
    ("EN", "en", "English"),
    ("EN_US", "en-US", "English (United States)"),
    ("EN_GB", "en-GB", "English (United Kingdom)"),
    ("DE", "de", "Deutsch"),
    ("ES", "es", "Español"),
    ("FI", "fi", "Suomi"),
    ("FR", "fr", "Français"),
    ("IT", "it", "Italiano"),
    ("JA", "ja", "日本語"),
    ("KO", "ko", "한국어"),
    ("NB", "nb", "Norsk bokmål"),
    ("NL", "nl", "Nederlands"),
    ("PL", "pl", "Polski"),
    ("PT", "pt", "Português"),
    ("RU", "ru", "Русский"),
    ("UK", "uk", "Українська"),
    ("VI", "vi", "Tiếng Việt"),
]
CATALOGUE_LANGUAGES = {"ZH_HANS", "ZH_HANS_CN", "ZH"}

LanguageCodeEnum = graphene.Enum(
    "LanguageCodeEnum",
    [(name, name) for name, _tag, _label in LANGUAGES],
    description="Saleor's language codes (a subset). The catalogue is written in zh-Hans.",
)
_TAGS = {name: (tag, label) for name, tag, label in LANGUAGES}


class LanguageDisplay(graphene.ObjectType):
    code = graphene.Field(LanguageCodeEnum, required=True)
    language = graphene.String(required=True, description="The language's own name.")


def _code(language_code) -> str:
    return getattr(language_code, "value", language_code)


def translated(root, language_code):
    """The record itself stands for its zh-Hans translation; other languages have none."""
    if root is None or _code(language_code) not in CATALOGUE_LANGUAGES:
        return None
    root._translation_language = _code(language_code)
    return root


def translation_field(translation_type) -> graphene.Field:
    return graphene.Field(
        translation_type,
        language_code=graphene.Argument(LanguageCodeEnum, required=True),
        description=(
            "The record in the given language: its own text for zh-Hans (the language the "
            "catalogue is written in), null for other languages, which have no translation."
        ),
    )


class _Translation(graphene.ObjectType):
    id = graphene.ID(required=True)
    language = graphene.Field(LanguageDisplay, required=True)

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id(f"{type(root).__name__}Translation", root.pk)

    @staticmethod
    def resolve_language(root, info):
        code = root._translation_language
        return LanguageDisplay(code=code, language=_TAGS[code][1])


class _NamedTranslation(_Translation):
    name = graphene.String()


class _ListingTranslation(_NamedTranslation):
    slug = graphene.String()
    seo_title = graphene.String()
    seo_description = graphene.String()
    description = GenericScalar()

    @staticmethod
    def resolve_description(root, info):
        return root.description


class ProductTranslation(_ListingTranslation):
    pass


class CategoryTranslation(_ListingTranslation):
    pass


class CollectionTranslation(_ListingTranslation):
    pass


class ProductVariantTranslation(_NamedTranslation):
    pass


class AttributeTranslation(_NamedTranslation):
    pass


class AttributeValueTranslation(_NamedTranslation):
    plain_text = graphene.String()
    rich_text = GenericScalar(description="Always null: attribute values hold no rich text.")

    @staticmethod
    def resolve_rich_text(root, info):
        return None
