"""The schema root: each domain's GraphQL module contributes its queries and mutations."""

import graphene

from backend.graphql.catalog.schema import CatalogQueries
from backend.graphql.channel.schema import ChannelQueries
from backend.graphql.inventory.schema import InventoryQueries


class Query(CatalogQueries, ChannelQueries, InventoryQueries, graphene.ObjectType):
    node = graphene.relay.Node.Field()


schema = graphene.Schema(query=Query)
