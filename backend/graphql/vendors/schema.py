import graphene


class VendorQueries(graphene.ObjectType):
    pass
