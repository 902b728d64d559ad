"""The county's towns and villages: what an address inside the county chooses from."""

import graphene
from graphene_django import DjangoObjectType

from backend.divisions.models import Town as TownModel
from backend.divisions.models import TownKind
from backend.divisions.models import Village as VillageModel
from backend.graphql.catalog.enums import enum_from_choices

TownKindEnum = enum_from_choices("TownKindEnum", TownKind, "镇 (town), 乡 (township) or 街道.")


class Village(DjangoObjectType):
    code = graphene.String(required=True, description="Division code (区划代码).")
    is_economically_weak = graphene.Boolean(
        required=True, description="An economically weak village (经济薄弱村)."
    )

    class Meta:
        model = VillageModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "name", "town", "is_economically_weak")
        description = "An administrative village (村) or community (社区) of a town."


class Town(DjangoObjectType):
    code = graphene.String(required=True, description="Division code (区划代码).")
    kind = graphene.Field(TownKindEnum, required=True)
    villages = graphene.List(graphene.NonNull(Village), required=True)

    class Meta:
        model = TownModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "name", "kind")
        description = "A town (乡镇) or sub-district (街道) of the county."

    @staticmethod
    def resolve_villages(root: TownModel, info):
        # `towns` prefetches them, so listing every town's villages is one query.
        return root.villages.all()
