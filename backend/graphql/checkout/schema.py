import graphene

from backend.graphql.checkout.mutations import visible_checkout
from backend.graphql.checkout.types import Checkout
from backend.graphql.core.ids import decode_uuid


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(
        Checkout,
        id=graphene.ID(description="The checkout's global ID."),
        token=graphene.UUID(description="The checkout's token (deprecated in Saleor; kept)."),
        description="A checkout by its ID: a guest's cart to whoever holds the ID, an account's "
        "cart only to that account.",
    )

    @staticmethod
    def resolve_checkout(root, info, id=None, token=None):
        if id:
            token = decode_uuid(id, "Checkout")
        if token is None:
            return None
        return visible_checkout(info, token)
