"""Money types (Saleor: Money, TaxedMoney, MoneyRange, TaxedMoneyRange, Weight)."""

import graphene

from backend.core.money import quantize_fen


class Money(graphene.ObjectType):
    currency = graphene.String(required=True, description="Currency code (ISO 4217).")
    amount = graphene.Float(required=True, description="Amount of money, rounded to the fen.")

    @staticmethod
    def resolve_amount(root, info):
        return float(quantize_fen(root.amount))


class TaxedMoney(graphene.ObjectType):
    currency = graphene.String(required=True)
    gross = graphene.Field(Money, required=True, description="Amount including taxes.")
    net = graphene.Field(Money, required=True, description="Amount without taxes.")
    tax = graphene.Field(Money, required=True, description="Amount of taxes.")


class MoneyRange(graphene.ObjectType):
    start = graphene.Field(Money, description="Lower bound of a price range.")
    stop = graphene.Field(Money, description="Upper bound of a price range.")


class TaxedMoneyRange(graphene.ObjectType):
    start = graphene.Field(TaxedMoney, description="Lower bound of a price range.")
    stop = graphene.Field(TaxedMoney, description="Upper bound of a price range.")


class WeightUnitsEnum(graphene.Enum):
    G = "g"
    KG = "kg"


class Weight(graphene.ObjectType):
    unit = graphene.Field(WeightUnitsEnum, required=True)
    value = graphene.Float(required=True)

    @staticmethod
    def from_grams(grams: int | None):
        if grams is None:
            return None
        return Weight(unit=WeightUnitsEnum.KG, value=round(grams / 1000, 3))
