"""Certification mutations: the vendor's application, the county staff's decisions and the
brand managers' curation of the zone. Thin: backend.poverty.services decides (permissions
included), so the dashboard and the API validate and notify alike."""

from __future__ import annotations

import graphene

from backend.catalog.models import Product as ProductModel
from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.upload import Upload
from backend.graphql.poverty.enums import (
    PovertyErrorCodeEnum,
    PovertyMechanismEnum,
    PovertyShareRecipientEnum,
)
from backend.graphql.poverty.types import PovertyCertification
from backend.graphql.stations.enums import enum_value
from backend.poverty import services
from backend.poverty.models import Certification
from backend.poverty.selectors import visible_certifications
from backend.vendors import scoping

PovertyError = error_type("PovertyError", PovertyErrorCodeEnum)
POVERTY = [Permission.MANAGE_POVERTY]


def _certification(info, global_id: str) -> Certification:
    return get_instance(
        visible_certifications(info.context.user), global_id, "PovertyCertification", field="id"
    )


class PovertyBeneficiaryInput(graphene.InputObjectType):
    reference_number = graphene.String(
        required=True, description="The household's registry number, as the county gave it."
    )
    weight = graphene.Int(description="Its share of the benefit (default 1).")


class PovertyCertificationApplyInput(graphene.InputObjectType):
    product = graphene.ID(required=True, description="One of your vendor's products.")
    mechanism = PovertyMechanismEnum(required=True)
    price_per_kg = graphene.Decimal(description="PURCHASE: price paid per kg, in yuan.")
    kg_per_unit = graphene.Decimal(description="PURCHASE: kg bought per unit sold.")
    wage_per_unit = graphene.Decimal(description="EMPLOYMENT: wages per unit sold, in yuan.")
    share_percent = graphene.Decimal(description="SALES_SHARE: percentage of the paid amount.")
    share_recipient = PovertyShareRecipientEnum(description="SALES_SHARE: who receives it.")
    village_code = graphene.String(description="The weak village of a collective share.")
    households = graphene.List(graphene.NonNull(PovertyBeneficiaryInput))
    description = graphene.String(required=True, description="The mechanism in your words.")


class PovertyCertificationApply(BaseMutation):
    certification = graphene.Field(PovertyCertification)

    class Arguments:
        input = PovertyCertificationApplyInput(required=True)
        evidence = Upload(description="Evidence of the mechanism: PDF, JPEG, PNG or WebP, 10 MB.")

    class Meta:
        description = (
            "Applies for the poverty-alleviation certification of one of the signed-in vendor's "
            "products, with its benefit mechanism; county zone staff approve or reject it."
        )
        error_type_class = PovertyError

    @classmethod
    def perform_mutation(cls, root, info, input, evidence=None):
        from backend.divisions.models import Village

        user = info.context.user
        vendor = scoping.require_vendor(user)
        product = get_instance(
            ProductModel.objects.filter(vendor=vendor), input["product"], "Product", field="product"
        )
        village = None
        if input.get("village_code"):
            village = Village.objects.filter(code=input["village_code"]).first()
        terms = {
            key: input.get(key)
            for key in ("price_per_kg", "kg_per_unit", "wage_per_unit", "share_percent")
            if input.get(key) is not None
        }
        if input.get("share_recipient"):
            terms["share_recipient"] = enum_value(input["share_recipient"])
        certification = services.apply_for_certification(
            actor=user,
            product=product,
            mechanism=enum_value(input["mechanism"]),
            households=[
                (row["reference_number"], row.get("weight") or 1)
                for row in input.get("households") or []
            ],
            village=village,
            description=input.get("description") or "",
            evidence=evidence,
            **terms,
        )
        return cls(certification=certification)


class PovertyCertificationApprove(BaseMutation):
    certification = graphene.Field(PovertyCertification)

    class Arguments:
        id = graphene.ID(required=True)
        valid_from = graphene.DateTime(description="Defaults to now.")
        valid_until = graphene.DateTime(required=True, description="The zone badge ends here.")

    class Meta:
        description = "Approves a requested certification for [validFrom, validUntil). " + (
            "Requires MANAGE_POVERTY."
        )
        error_type_class = PovertyError
        permissions = POVERTY

    @classmethod
    def perform_mutation(cls, root, info, id, valid_until, valid_from=None):
        certification = services.approve_certification(
            actor=info.context.user,
            certification=_certification(info, id),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        return cls(certification=certification)


class PovertyCertificationReject(BaseMutation):
    certification = graphene.Field(PovertyCertification)

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="The vendor reads it in the SMS.")

    class Meta:
        description = "Rejects a requested certification. Requires MANAGE_POVERTY."
        error_type_class = PovertyError
        permissions = POVERTY

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        certification = services.reject_certification(
            actor=info.context.user, certification=_certification(info, id), reason=reason
        )
        return cls(certification=certification)


class PovertyCertificationRevoke(BaseMutation):
    certification = graphene.Field(PovertyCertification)

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="The vendor reads it in the SMS.")

    class Meta:
        description = (
            "Revokes an approved certification: the product leaves the zone and loses its badge "
            "at once. Requires MANAGE_POVERTY."
        )
        error_type_class = PovertyError
        permissions = POVERTY

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        certification = services.revoke_certification(
            actor=info.context.user, certification=_certification(info, id), reason=reason
        )
        return cls(certification=certification)


class PovertyZoneReorder(BaseMutation):
    certification = graphene.Field(PovertyCertification)

    class Arguments:
        id = graphene.ID(required=True)
        position = graphene.Int(required=True, description="Smaller comes first.")

    class Meta:
        description = (
            "Moves a certified product in the zone's order. Brand managers (MANAGE_BRAND) or "
            "county zone staff."
        )
        error_type_class = PovertyError

    @classmethod
    def perform_mutation(cls, root, info, id, position):
        certification = services.set_zone_position(
            actor=info.context.user, certification=_certification(info, id), position=position
        )
        return cls(certification=certification)


class PovertyMutations(graphene.ObjectType):
    poverty_certification_apply = PovertyCertificationApply.Field()
    poverty_certification_approve = PovertyCertificationApprove.Field()
    poverty_certification_reject = PovertyCertificationReject.Field()
    poverty_certification_revoke = PovertyCertificationRevoke.Field()
    poverty_zone_reorder = PovertyZoneReorder.Field()
