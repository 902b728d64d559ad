"""Saleor 3's typed attribute assignments (`assignedAttribute(slug:)`, `assignedAttributes`).

Each assignment is a concrete type chosen by the attribute's input type, so a client reads a
boolean as a Boolean and a number as a Float instead of parsing `values[].name`. Our input
types map as: dropdown -> single choice (multi choice when a product holds several values of
the attribute), plain text, numeric, boolean, date. File and reference attributes do not
exist in this catalogue; their types are in the schema so Saleor documents that name them
validate, and no assignment is ever of those types.
"""

from __future__ import annotations

import graphene

from backend.catalog.models import AttributeInputType
from backend.graphql.catalog.translations import LanguageCodeEnum, translated


class AssignedAttribute(graphene.Interface):
    attribute = graphene.Field("backend.graphql.catalog.types.Attribute", required=True)

    @classmethod
    def resolve_type(cls, instance, info):
        return instance.graphql_type


def _language_argument():
    return graphene.Argument(LanguageCodeEnum, required=True)


class AssignedChoiceAttributeValue(graphene.ObjectType):
    name = graphene.String()
    slug = graphene.String()
    translation = graphene.String(
        language_code=_language_argument(),
        description="The value's name in that language: itself in zh-Hans, else null.",
    )

    @staticmethod
    def resolve_translation(root, info, language_code):
        value = translated(root, language_code)
        return value.name if value is not None else None


class AssignedSingleChoiceAttribute(graphene.ObjectType):
    value = graphene.Field(AssignedChoiceAttributeValue)

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        return root.values[0] if root.values else None


class AssignedMultiChoiceAttribute(graphene.ObjectType):
    value = graphene.List(graphene.NonNull(AssignedChoiceAttributeValue), required=True)

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        return root.values


class AssignedPlainTextAttribute(graphene.ObjectType):
    value = graphene.String()
    translation = graphene.String(
        language_code=_language_argument(),
        description="The text in that language: itself in zh-Hans, else null.",
    )

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        return _plain_text(root)

    @staticmethod
    def resolve_translation(root, info, language_code):
        return _plain_text(root) if translated(root.attribute, language_code) else None


class AssignedNumericAttribute(graphene.ObjectType):
    value = graphene.Float()

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        value = root.values[0].numeric if root.values else None
        return float(value) if value is not None else None


class AssignedBooleanAttribute(graphene.ObjectType):
    value = graphene.Boolean()

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        return root.values[0].boolean if root.values else None


class AssignedDateAttribute(graphene.ObjectType):
    value = graphene.Date()

    class Meta:
        interfaces = (AssignedAttribute,)

    @staticmethod
    def resolve_value(root, info):
        return root.values[0].date if root.values else None


class File(graphene.ObjectType):
    url = graphene.String(required=True)
    content_type = graphene.String()


class AssignedFileAttribute(graphene.ObjectType):
    value = graphene.Field(File, description="Always null: the catalogue has no file attributes.")

    class Meta:
        interfaces = (AssignedAttribute,)


class AssignedSingleCollectionReferenceAttribute(graphene.ObjectType):
    value = graphene.Field(
        "backend.graphql.catalog.types.Collection",
        description="Always null: the catalogue has no reference attributes.",
    )

    class Meta:
        interfaces = (AssignedAttribute,)


def _plain_text(root) -> str | None:
    if not root.values:
        return None
    value = root.values[0]
    return value.plain_text if value.plain_text is not None else value.name


_TYPES_BY_INPUT = {
    AttributeInputType.PLAIN_TEXT: AssignedPlainTextAttribute,
    AttributeInputType.NUMERIC: AssignedNumericAttribute,
    AttributeInputType.BOOLEAN: AssignedBooleanAttribute,
    AttributeInputType.DATE: AssignedDateAttribute,
}

# Types no field returns by name; the schema lists them so their fragments validate.
ASSIGNED_ATTRIBUTE_TYPES = [
    AssignedSingleChoiceAttribute,
    AssignedMultiChoiceAttribute,
    AssignedPlainTextAttribute,
    AssignedNumericAttribute,
    AssignedBooleanAttribute,
    AssignedDateAttribute,
    AssignedFileAttribute,
    AssignedSingleCollectionReferenceAttribute,
]


def typed_assignments(selected_attributes, *, slug: str | None = None, limit: int | None = None):
    """Wrap `SelectedAttribute`s (attribute + values) in their Saleor 3 assignment types."""
    typed = []
    for selected in selected_attributes:
        if slug is not None and selected.attribute.slug != slug:
            continue
        graphql_type = _TYPES_BY_INPUT.get(selected.attribute.input_type)
        if graphql_type is None:
            several = len(selected.values) > 1
            graphql_type = (
                AssignedMultiChoiceAttribute if several else AssignedSingleChoiceAttribute
            )
        selected.graphql_type = graphql_type
        typed.append(selected)
    return typed[:limit] if limit is not None else typed
