import graphene


class ListingImportMutations(graphene.ObjectType):
    pass
