import graphene
from graphene_django import DjangoObjectType

from backend.graphql.catalog.enums import enum_from_choices
from backend.vendors.models import Vendor as VendorModel
from backend.vendors.models import VendorKind

VendorKindEnum = enum_from_choices("VendorKindEnum", VendorKind)


class Vendor(DjangoObjectType):
    kind = graphene.Field(VendorKindEnum, required=True)

    class Meta:
        model = VendorModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "description", "town", "village")
        description = "A cooperative, family farm or enterprise that sells in the marketplace."
