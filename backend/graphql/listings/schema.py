import graphene


class ListingQueries(graphene.ObjectType):
    pass
