"""Listing review types: Listing, ListingRevision, ReviewDecision, ProductCertificate.

Every field is reached through a query that is already scoped (a reviewer's queue, the vendor's
own products, productListing), so the types themselves hold no permission checks. Lists are
read from rows prefetched by those queries (no query per listing).
"""

from __future__ import annotations

import graphene
from graphene.types.generic import GenericScalar
from graphene_django import DjangoObjectType

from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.catalog.types import Product
from backend.graphql.core.connection import CountableConnection
from backend.listings import models
from backend.listings.error_codes import ListingErrorCode
from backend.listings.services import missing_documents, product_badges
from backend.vendors import scoping

ListingStateEnum = enum_from_choices(
    "ListingStateEnum", models.ListingState, "Where a product is in the quality review."
)
RevisionStatusEnum = enum_from_choices(
    "ListingRevisionStatusEnum", models.RevisionStatus, "Whether a revision is decided."
)
ReviewDecisionEnum = enum_from_choices("ReviewDecisionEnum", models.Decision)
ChecklistResultEnum = graphene.Enum(
    "ChecklistResultEnum",
    [("PASS", "pass"), ("FAIL", "fail"), ("NOT_APPLICABLE", "n.a.")],
    description="A checklist item's result.",
)
ChecklistItemEnum = graphene.Enum(
    "ChecklistItemEnum",
    [(key.upper(), key) for key, _label in models.CHECKLIST_ITEMS],
    description="The reviewer's checklist: 标签标识 labelling, 净含量 net content, 保质期 shelf "
    "life, 产地 origin, 图片真实 photos truthful.",
)
CertificateKindEnum = enum_from_choices(
    "ProductCertificateKindEnum", models.CertificateKind, "What a product certificate is."
)
CertificateStatusEnum = enum_from_choices("ProductCertificateStatusEnum", models.CertificateStatus)
ListingErrorCodeEnum = enum_from_choices("ListingErrorCode", ListingErrorCode)


def enum_value(value):
    return getattr(value, "value", value)


class ChecklistEntry(graphene.ObjectType):
    item = graphene.Field(ChecklistItemEnum, required=True)
    label = graphene.String(required=True, description="The item's name in the user's language.")
    result = graphene.Field(ChecklistResultEnum, required=True)


class VendorScoped:
    """`node(id:)` answers only for rows the user may see: their vendor's for vendor staff,
    all for reviewers, none for anyone else (backend.vendors.scoping decides)."""

    scope_field = "vendor"

    @classmethod
    def get_queryset(cls, queryset, info):
        return scoping.scoped(queryset, info.context.user, field=cls.scope_field)


def _plain(value):
    """A TextChoices member as the plain string the enums are built from."""
    return getattr(value, "value", value)


class ProductCertificate(VendorScoped, DjangoObjectType):
    scope_field = "vendor"
    kind = graphene.Field(CertificateKindEnum, required=True)
    status = graphene.Field(CertificateStatusEnum, required=True)
    badge = graphene.String(
        description="The certification badge value (attribute `certification`) it unlocks; "
        "null for documents that unlock none (inspection report)."
    )
    url = graphene.String(description="Where the scan can be downloaded.")

    class Meta:
        model = models.ProductCertificate
        interfaces = (graphene.relay.Node,)
        fields = ("id", "number", "issued_on", "expires_on", "content_type", "size", "uploaded_at")
        description = "A document about one product: inspection report, licence, certification."

    @staticmethod
    def resolve_kind(root: models.ProductCertificate, info):
        return _plain(root.kind)

    @staticmethod
    def resolve_status(root: models.ProductCertificate, info):
        return _plain(root.status)

    @staticmethod
    def resolve_badge(root: models.ProductCertificate, info):
        return root.badge or None

    @staticmethod
    def resolve_url(root: models.ProductCertificate, info):
        return root.file.url if root.file else None


class ReviewDecision(VendorScoped, DjangoObjectType):
    scope_field = "listing__product__vendor"
    decision = graphene.Field(ReviewDecisionEnum, required=True)
    checklist = graphene.List(graphene.NonNull(ChecklistEntry), required=True)
    is_revision = graphene.Boolean(
        required=True,
        description="True when the decision was on a revision of an approved "
        "listing rather than on the listing itself.",
    )

    class Meta:
        model = models.ReviewDecision
        interfaces = (graphene.relay.Node,)
        fields = ("id", "reasons", "at")
        description = "A reviewer's decision, with the reasons and the checklist."

    @staticmethod
    def resolve_decision(root: models.ReviewDecision, info):
        return _plain(root.decision)

    @staticmethod
    def resolve_checklist(root: models.ReviewDecision, info):
        return [
            ChecklistEntry(item=key, label=str(label), result=root.checklist.get(key, "n.a."))
            for key, label in models.CHECKLIST_ITEMS
        ]

    @staticmethod
    def resolve_is_revision(root: models.ReviewDecision, info):
        return root.revision_id is not None


class ListingRevision(VendorScoped, DjangoObjectType):
    scope_field = "listing__product__vendor"
    status = graphene.Field(RevisionStatusEnum, required=True)
    changes = GenericScalar(
        required=True,
        description="What changes: name, description, variant_prices {variant pk: price}, "
        "certifications, media_added, media_removed.",
    )
    original = GenericScalar(required=True, description="The approved values they replace.")

    class Meta:
        model = models.ListingRevision
        interfaces = (graphene.relay.Node,)
        fields = ("id", "created_at", "updated_at", "submitted_at", "decided_at")
        description = (
            "Changes to the sensitive fields of an approved listing, waiting for review while "
            "the approved version stays on sale."
        )

    @staticmethod
    def resolve_status(root: models.ListingRevision, info):
        return _plain(root.status)


class MissingDocument(graphene.ObjectType):
    kind = graphene.Field(CertificateKindEnum, required=True)
    message = graphene.String(required=True)


class Listing(VendorScoped, DjangoObjectType):
    scope_field = "product__vendor"
    product = graphene.Field(Product, required=True)
    state = graphene.Field(ListingStateEnum, required=True)
    pending_revision = graphene.Field(
        ListingRevision, description="The revision waiting for review, if any."
    )
    decisions = graphene.List(
        graphene.NonNull(ReviewDecision), required=True, description="Newest first."
    )
    certificates = graphene.List(graphene.NonNull(ProductCertificate), required=True)
    certification_badges = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Badges (values of the `certification` attribute) the product shows now.",
    )
    missing_documents = graphene.List(
        graphene.NonNull(MissingDocument),
        required=True,
        description="What the product type and the badges require and is not on file (valid).",
    )

    class Meta:
        model = models.Listing
        interfaces = (graphene.relay.Node,)
        fields = ("id", "submitted_at", "decided_at", "has_pending_revision", "updated_at")
        description = "A product's place in the quality review (商品审核)."

    @staticmethod
    def resolve_state(root: models.Listing, info):
        return _plain(root.state)

    @staticmethod
    def resolve_pending_revision(root: models.Listing, info):
        return next((r for r in root.revisions.all() if r.status == "pending"), None)

    @staticmethod
    def resolve_decisions(root: models.Listing, info):
        return sorted(root.decisions.all(), key=lambda d: (d.at, d.pk), reverse=True)

    @staticmethod
    def resolve_certificates(root: models.Listing, info):
        return list(root.product.certificates.all())

    @staticmethod
    def resolve_certification_badges(root: models.Listing, info):
        return product_badges(root.product)

    @staticmethod
    def resolve_missing_documents(root: models.Listing, info):
        revision = next((r for r in root.revisions.all() if r.status == "pending"), None)
        badges = (
            revision.changes["certifications"]
            if revision is not None and "certifications" in revision.changes
            else product_badges(root.product)
        )
        return [
            MissingDocument(kind=(error.params or {}).get("kind"), message=error.message)
            for error in missing_documents(root.product, badges)
        ]


class ListingCountableConnection(CountableConnection):
    class Meta:
        node = Listing
