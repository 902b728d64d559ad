import graphene

from backend.graphql.account.address_rules import AddressRulesQueries
from backend.graphql.account.types import User


class AccountQueries(AddressRulesQueries, graphene.ObjectType):
    me = graphene.Field(User, description="The signed-in user, or null.")

    @staticmethod
    def resolve_me(root, info):
        user = info.context.user
        return user if user.is_authenticated else None
