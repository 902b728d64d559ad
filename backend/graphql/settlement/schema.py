import graphene


class SettlementQueries(graphene.ObjectType):
    pass
