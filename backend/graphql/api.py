"""The schema root: each domain's GraphQL module contributes its queries and mutations."""

import graphene

from backend.graphql.account.address_mutations import AddressMutations
from backend.graphql.account.mutations import AccountMutations
from backend.graphql.account.schema import AccountQueries
from backend.graphql.brand.mutations import BrandMutations
from backend.graphql.brand.schema import BrandQueries
from backend.graphql.catalog.assigned_attributes import ASSIGNED_ATTRIBUTE_TYPES
from backend.graphql.catalog.mutations import CatalogMutations
from backend.graphql.catalog.schema import CatalogQueries
from backend.graphql.channel.mutations import ChannelMutations
from backend.graphql.channel.schema import ChannelQueries
from backend.graphql.checkout.mutations import CheckoutMutations
from backend.graphql.checkout.schema import CheckoutQueries
from backend.graphql.content.schema import ContentQueries
from backend.graphql.core.ids import NodeField
from backend.graphql.discount.mutations import DiscountMutations
from backend.graphql.discount.schema import DiscountQueries
from backend.graphql.divisions.schema import DivisionQueries
from backend.graphql.inventory.mutations import InventoryMutations
from backend.graphql.inventory.schema import InventoryQueries
from backend.graphql.listings.import_mutations import (
    ListingImportMutations,
    ListingImportQueries,
)
from backend.graphql.listings.mutations import ListingMutations
from backend.graphql.listings.schema import ListingQueries
from backend.graphql.merchandising.mutations import MerchandisingMutations
from backend.graphql.merchandising.schema import MerchandisingQueries
from backend.graphql.metadata.mutations import MetadataMutations
from backend.graphql.order.mutations import OrderMutations
from backend.graphql.order.schema import OrderQueries
from backend.graphql.payment.mutations import PaymentMutations
from backend.graphql.poverty.mutations import PovertyMutations
from backend.graphql.poverty.schema import PovertyQueries
from backend.graphql.routing.figures import RoutingFigureQueries
from backend.graphql.routing.schema import RoutingQueries
from backend.graphql.search.schema import SearchQueries
from backend.graphql.settlement.mutations import SettlementMutations
from backend.graphql.settlement.schema import SettlementQueries
from backend.graphql.stationdesk.mutations import StationDeskMutations
from backend.graphql.stationdesk.schema import StationDeskQueries
from backend.graphql.stations.mutations import StationMutations
from backend.graphql.stations.schema import StationQueries
from backend.graphql.targets.schema import TargetQueries
from backend.graphql.tourism.mutations import TourismMutations
from backend.graphql.tourism.schema import TourismQueries
from backend.graphql.trace.mutations import TraceMutations
from backend.graphql.trace.schema import TraceQueries
from backend.graphql.training.mutations import TrainingMutations
from backend.graphql.training.schema import TrainingQueries
from backend.graphql.vendors.mutations import VendorMutations
from backend.graphql.vendors.schema import VendorQueries


class Query(
    AccountQueries,
    BrandQueries,
    CatalogQueries,
    ChannelQueries,
    CheckoutQueries,
    ContentQueries,
    DiscountQueries,
    DivisionQueries,
    InventoryQueries,
    ListingImportQueries,
    ListingQueries,
    MerchandisingQueries,
    OrderQueries,
    PovertyQueries,
    RoutingQueries,
    RoutingFigureQueries,
    SearchQueries,
    StationDeskQueries,
    SettlementQueries,
    StationQueries,
    TargetQueries,
    TourismQueries,
    TraceQueries,
    TrainingQueries,
    VendorQueries,
    graphene.ObjectType,
):
    node = NodeField()


class Mutation(
    AccountMutations,
    AddressMutations,
    BrandMutations,
    CatalogMutations,
    ChannelMutations,
    CheckoutMutations,
    DiscountMutations,
    InventoryMutations,
    ListingImportMutations,
    ListingMutations,
    MerchandisingMutations,
    MetadataMutations,
    OrderMutations,
    PaymentMutations,
    PovertyMutations,
    StationDeskMutations,
    SettlementMutations,
    StationMutations,
    TourismMutations,
    TraceMutations,
    TrainingMutations,
    VendorMutations,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(
    query=Query,
    mutation=Mutation,
    # Interface implementations no field names; Saleor documents spread fragments on them.
    types=ASSIGNED_ATTRIBUTE_TYPES,
)
