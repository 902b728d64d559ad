"""Saleor's GiftCard type. The marketplace sells no gift cards, so no field ever returns one;
the type exists so that Saleor clients' documents that read `giftCards` validate."""

from __future__ import annotations

import graphene

from backend.graphql.core.money import Money


class GiftCard(graphene.ObjectType):
    id = graphene.ID(required=True)
    display_code = graphene.String(required=True)
    last_4_code_chars = graphene.String(required=True, name="last4CodeChars")
    current_balance = graphene.Field(Money, required=True)
