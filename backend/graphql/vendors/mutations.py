import graphene


class VendorMutations(graphene.ObjectType):
    pass
