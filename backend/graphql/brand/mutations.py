"""Brand licence mutations: the vendor's request and the brand managers' decisions.

Thin: backend.brand.services decides (permissions included), so the dashboard's actions and
these mutations validate and notify alike."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.brand import services
from backend.brand.models import BrandLicence as BrandLicenceModel
from backend.brand.selectors import visible_licences
from backend.catalog.models import Product as ProductModel
from backend.core.permissions import Permission
from backend.graphql.brand.enums import BrandErrorCodeEnum
from backend.graphql.brand.types import BrandLicence
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.vendors import scoping

BrandError = error_type("BrandError", BrandErrorCodeEnum)
BRAND = [Permission.MANAGE_BRAND]
BRAND_ONLY = "Requires MANAGE_BRAND."


def _licence(info, global_id: str) -> BrandLicenceModel:
    """A licence among those the user may see (another vendor's is NOT_FOUND)."""
    return get_instance(visible_licences(info.context.user), global_id, "BrandLicence", field="id")


class BrandLicenceRequest(BaseMutation):
    brand_licence = graphene.Field(BrandLicence)

    class Arguments:
        product = graphene.ID(required=True, description="One of your vendor's products.")

    class Meta:
        description = (
            "Asks for the public brand's licence for one of the signed-in vendor's products; a "
            "brand manager grants or rejects it."
        )
        error_type_class = BrandError

    @classmethod
    def perform_mutation(cls, root, info, product):
        user = info.context.user
        scoping.require_vendor(user)
        products = scoping.scoped(ProductModel.objects.all(), user)
        if scoping.can_manage_vendors(user):  # reviewers see every product; they act for none
            products = products.filter(vendor=scoping.vendor_of(user))
        instance = get_instance(products, product, "Product", field="product")
        licence = services.request_licence(actor=user, product=instance)
        return cls(brand_licence=licence)


class BrandLicenceGrant(BaseMutation):
    brand_licence = graphene.Field(BrandLicence)

    class Arguments:
        id = graphene.ID(description="A requested licence to grant.")
        product = graphene.ID(description="Or a product to license without a request.")
        valid_from = graphene.DateTime(description="Defaults to now.")
        valid_until = graphene.DateTime(
            required=True, description="The badge ends at this instant."
        )
        reason = graphene.String(description="A note the vendor reads.")

    class Meta:
        description = (
            "Grants the brand licence for [validFrom, validUntil); refused with "
            "CERTIFICATE_INVALID while the product's certificates are missing or expired. "
            "Requires MANAGE_BRAND."
        )
        error_type_class = BrandError
        permissions = BRAND

    @classmethod
    def perform_mutation(
        cls, root, info, valid_until, id=None, product=None, valid_from=None, reason=""
    ):
        licence = _licence(info, id) if id else None
        instance = None
        if licence is None:
            if not product:
                raise ValidationError(
                    {"product": ValidationError(_("请选择商品或授权申请。"), code="REQUIRED")}
                )
            instance = get_instance(ProductModel.objects.all(), product, "Product", field="product")
        licence = services.grant_licence(
            actor=info.context.user,
            licence=licence,
            product=instance,
            valid_from=valid_from,
            valid_until=valid_until,
            reason=reason or "",
        )
        return cls(brand_licence=licence)


class _LicenceDecision(BaseMutation):
    """A brand manager's decision on one licence, through the service of the same name."""

    brand_licence = graphene.Field(BrandLicence)

    class Meta:
        abstract = True

    @staticmethod
    def decide(*, actor, licence: BrandLicenceModel, reason: str) -> BrandLicenceModel:
        raise NotImplementedError

    @classmethod
    def perform_mutation(cls, root, info, id, reason=""):
        licence = cls.decide(actor=info.context.user, licence=_licence(info, id), reason=reason)
        return cls(brand_licence=licence)


class DecisionArguments:
    id = graphene.ID(required=True, description="The licence.")
    reason = graphene.String(required=True, description="Why; the vendor reads it in the SMS.")


class BrandLicenceSuspend(_LicenceDecision):
    Arguments = DecisionArguments

    class Meta:
        description = "Suspends an active licence: the badge disappears at once. " + BRAND_ONLY
        error_type_class = BrandError
        permissions = BRAND

    decide = staticmethod(services.suspend_licence)


class BrandLicenceReinstate(_LicenceDecision):
    class Arguments:
        id = graphene.ID(required=True, description="The licence.")
        reason = graphene.String(description="A note the vendor reads.")

    class Meta:
        description = (
            "Reinstates a suspended licence within its window, if the product's certificates "
            "are still valid. " + BRAND_ONLY
        )
        error_type_class = BrandError
        permissions = BRAND

    decide = staticmethod(services.reinstate_licence)


class BrandLicenceRevoke(_LicenceDecision):
    Arguments = DecisionArguments

    class Meta:
        description = "Revokes an active or suspended licence for good. " + BRAND_ONLY
        error_type_class = BrandError
        permissions = BRAND

    decide = staticmethod(services.revoke_licence)


class BrandLicenceReject(_LicenceDecision):
    Arguments = DecisionArguments

    class Meta:
        description = "Rejects a requested licence. " + BRAND_ONLY
        error_type_class = BrandError
        permissions = BRAND

    decide = staticmethod(services.reject_licence)


class BrandMutations(graphene.ObjectType):
    brand_licence_request = BrandLicenceRequest.Field()
    brand_licence_grant = BrandLicenceGrant.Field()
    brand_licence_suspend = BrandLicenceSuspend.Field()
    brand_licence_reinstate = BrandLicenceReinstate.Field()
    brand_licence_revoke = BrandLicenceRevoke.Field()
    brand_licence_reject = BrandLicenceReject.Field()
