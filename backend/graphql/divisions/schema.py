import graphene
from graphql_relay import from_global_id

from backend.divisions.models import Town as TownModel
from backend.graphql.divisions.types import Town


class DivisionQueries(graphene.ObjectType):
    towns = graphene.List(
        graphene.NonNull(Town),
        required=True,
        description="The county's towns with their villages, for choosing an address. Public.",
    )
    town = graphene.Field(
        Town,
        id=graphene.ID(description="The town's ID."),
        code=graphene.String(description="Or its division code, e.g. 320723109."),
        description="One town of the county, by ID or division code; null if there is none.",
    )

    @staticmethod
    def resolve_towns(root, info):
        return TownModel.objects.prefetch_related("villages")

    @staticmethod
    def resolve_town(root, info, id=None, code=None):
        towns = TownModel.objects.prefetch_related("villages")
        if id:
            try:
                type_name, pk = from_global_id(id)
            except (TypeError, ValueError, UnicodeDecodeError):
                return None
            if type_name != "Town" or not pk.isdigit():
                return None
            return towns.filter(pk=int(pk)).first()
        if code:
            return towns.filter(code=code.strip()).first()
        return None
