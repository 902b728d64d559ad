import graphene


class ListingMutations(graphene.ObjectType):
    pass
