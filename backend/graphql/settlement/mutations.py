import graphene


class SettlementMutations(graphene.ObjectType):
    pass
