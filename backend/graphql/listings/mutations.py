"""Listing mutations: vendor staff create and edit their products, submit them for review and
upload certificates; reviewers (MANAGE_VENDORS) approve or reject.

Vendor mutations answer NOT_FOUND for another vendor's product (backend.vendors.scoping decides,
in the services); errors are ListingError { field message code kind }.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from graphql_relay import from_global_id, to_global_id

from backend.catalog.models import Category as CategoryModel
from backend.catalog.models import Product as ProductModel
from backend.catalog.models import ProductType as ProductTypeModel
from backend.core.permissions import Permission
from backend.graphql.catalog.types import Product
from backend.graphql.core.errors import error_type, validation_errors
from backend.graphql.core.ids import decode_id
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.core.upload import Upload
from backend.graphql.listings.types import (
    CertificateKindEnum,
    ChecklistResultEnum,
    Listing,
    ListingErrorCodeEnum,
    ListingRevision,
    ProductCertificate,
    ReviewDecision,
    enum_value,
)
from backend.listings import services
from backend.listings.error_codes import ListingErrorCode
from backend.listings.models import RevisionMedia as RevisionMediaModel

ListingError = error_type(
    "ListingError",
    ListingErrorCodeEnum,
    extra_fields={
        "kind": CertificateKindEnum(
            description="MISSING_DOCUMENT: the kind of certificate that is missing."
        )
    },
)
VENDORS = [Permission.MANAGE_VENDORS]


def _error_params(error: ValidationError) -> list[dict]:
    """The params of each error, in the order validation_errors lists them."""
    params: list[dict] = []
    if hasattr(error, "error_dict"):
        for field_errors in error.error_dict.values():
            params += [
                item.params if isinstance(item.params, dict) else {} for item in field_errors
            ]
    else:
        params += [
            item.params if isinstance(item.params, dict) else {} for item in error.error_list
        ]
    return params


class ListingBaseMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def handle_errors(cls, error: ValidationError):
        items = validation_errors(error, cls._meta.default_error_code)
        known = set(ListingErrorCode.values)
        for item, params in zip(items, _error_params(error), strict=False):
            if item["code"] not in known:
                item["code"] = cls._meta.default_error_code
            if params.get("kind"):
                item["kind"] = enum_value(params["kind"])
        return cls(**{cls._meta.error_type_field: items})


def _product_pk(global_id: str, field: str = "id") -> int:
    return decode_id(global_id, "Product", field=field)


def _any_product(global_id: str, field: str = "id") -> ProductModel:
    """For reviewers: any product (NOT_FOUND when there is none)."""
    return get_instance(ProductModel.objects, global_id, "Product", field=field)


def _vendor_product(info, global_id: str, field: str = "id") -> ProductModel:
    """For vendor staff: only their vendor's products; another vendor's is NOT_FOUND."""
    return services.vendor_product(info.context.user, _product_pk(global_id, field))


class ChecklistInput(graphene.InputObjectType):
    labelling = ChecklistResultEnum(description="标签标识: the label's required contents.")
    net_content = ChecklistResultEnum(description="净含量: declared net content is plausible.")
    shelf_life = ChecklistResultEnum(description="保质期: shelf life and storage conditions.")
    origin = ChecklistResultEnum(description="产地: origin matches the vendor and documents.")
    photos_truthful = ChecklistResultEnum(description="图片真实: photos show the real goods.")


def _checklist(value) -> dict | None:
    if value is None:
        return None
    return {key: enum_value(result) for key, result in dict(value).items() if result is not None}


class StockInput(graphene.InputObjectType):
    warehouse = graphene.ID(required=True, description="One of the vendor's warehouses.")
    quantity = graphene.Int(required=True, description="Units on hand, 0 or more.")


class VendorVariantInput(graphene.InputObjectType):
    sku = graphene.String(required=True)
    name = graphene.String(description="The pack size, e.g. 5kg 袋装.")
    price = PositiveDecimal(required=True, description="Price including VAT, in yuan.")
    weight_grams = graphene.Int(description="Shipping weight of one item, in grams.")
    stock = graphene.List(graphene.NonNull(StockInput))


class VendorProductCreateInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    category = graphene.ID(required=True)
    product_type = graphene.ID(required=True)
    description = graphene.String(description="Plain text; one paragraph per line.")
    certifications = graphene.List(
        graphene.NonNull(graphene.String),
        description="Badges to show (slugs of the `certification` attribute's values); each "
        "needs a valid certificate before the listing can be submitted.",
    )
    variants = graphene.List(graphene.NonNull(VendorVariantInput), required=True)


def _warehouse_pk(value):
    return decode_id(value, "Warehouse", field="warehouse")


def _variant_pk(value, field="variant"):
    return decode_id(value, "ProductVariant", field=field)


class VendorProductCreate(ListingBaseMutation):
    product = graphene.Field(Product)
    listing = graphene.Field(Listing)

    class Arguments:
        input = VendorProductCreateInput(required=True)

    class Meta:
        description = (
            "Creates a draft product of the signed-in vendor staff's vendor; it is published "
            "once a reviewer approves it."
        )
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, input):
        category = get_instance(
            CategoryModel.objects, input["category"], "Category", field="category"
        )
        product_type = get_instance(
            ProductTypeModel.objects, input["product_type"], "ProductType", field="product_type"
        )
        variants = [
            {
                "sku": item.get("sku"),
                "name": item.get("name") or "",
                "price": item.get("price"),
                "weight_grams": item.get("weight_grams"),
                "stock": [
                    {"warehouse": _warehouse_pk(s["warehouse"]), "quantity": s["quantity"]}
                    for s in item.get("stock") or []
                ],
            }
            for item in input["variants"]
        ]
        product = services.create_vendor_product(
            actor=info.context.user,
            name=input["name"],
            category=category,
            product_type=product_type,
            description=input.get("description") or "",
            variants=variants,
            certifications=input.get("certifications"),
        )
        return cls(product=product, listing=product.listing)


class VariantPriceInput(graphene.InputObjectType):
    variant = graphene.ID(required=True)
    price = PositiveDecimal(required=True)


class VariantStockInput(graphene.InputObjectType):
    variant = graphene.ID(required=True)
    warehouse = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class VendorProductUpdateInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String(description="Plain text; one paragraph per line.")
    category = graphene.ID()
    certifications = graphene.List(graphene.NonNull(graphene.String))
    prices = graphene.List(graphene.NonNull(VariantPriceInput))
    stock = graphene.List(graphene.NonNull(VariantStockInput))


class VendorProductUpdate(ListingBaseMutation):
    product = graphene.Field(Product)
    listing = graphene.Field(Listing)
    revision = graphene.Field(
        ListingRevision, description="The pending revision the sensitive changes went into."
    )
    applied = graphene.List(graphene.NonNull(graphene.String), description="What changed directly.")
    pending = graphene.List(
        graphene.NonNull(graphene.String),
        description="What waits for review (an approved listing's sensitive fields).",
    )

    class Arguments:
        id = graphene.ID(required=True, description="The product.")
        input = VendorProductUpdateInput(required=True)

    class Meta:
        description = (
            "Edits a vendor's product. Name, description, certification badges and a price "
            "change beyond LISTING_PRICE_REVIEW_PERCENT go to review on an approved listing "
            "(the approved version stays on sale); stock and small price changes apply at once."
        )
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        product = _vendor_product(info, id)
        category = (
            get_instance(CategoryModel.objects, input["category"], "Category", field="category")
            if input.get("category")
            else None
        )
        result = services.update_vendor_product(
            actor=info.context.user,
            product=product,
            name=input.get("name"),
            description=input.get("description"),
            category=category,
            certifications=input.get("certifications"),
            prices={
                _variant_pk(item["variant"], "prices"): item["price"]
                for item in input.get("prices") or []
            },
            stock=[
                {
                    "variant": _variant_pk(item["variant"], "stock"),
                    "warehouse": _warehouse_pk(item["warehouse"]),
                    "quantity": item["quantity"],
                }
                for item in input.get("stock") or []
            ],
        )
        return cls(
            product=result.product,
            listing=result.listing,
            revision=result.revision,
            applied=result.applied,
            pending=result.pending,
        )


class ProductSubmitForReview(ListingBaseMutation):
    listing = graphene.Field(Listing)

    class Arguments:
        id = graphene.ID(required=True, description="The product.")

    class Meta:
        description = (
            "Submits a draft or rejected product, or an approved product's pending changes, "
            "for review. The vendor must be active and the required documents on file."
        )
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, id):
        product = _vendor_product(info, id)
        listing = services.submit_for_review(actor=info.context.user, product=product)
        return cls(listing=listing)


class ProductReviewApprove(ListingBaseMutation):
    listing = graphene.Field(Listing)
    decision = graphene.Field(ReviewDecision)

    class Arguments:
        id = graphene.ID(required=True, description="The product.")
        checklist = ChecklistInput(description="Items left out are recorded as not applicable.")

    class Meta:
        description = (
            "Approves a submitted listing: the product is published in the active channels "
            "(with its pending changes applied). Requires MANAGE_VENDORS."
        )
        permissions = VENDORS
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, id, checklist=None):
        listing = services.approve_listing(
            actor=info.context.user, product=_any_product(id), checklist=_checklist(checklist)
        )
        return cls(listing=listing, decision=listing.decisions.order_by("-pk").first())


class ProductReviewReject(ListingBaseMutation):
    listing = graphene.Field(Listing)
    decision = graphene.Field(ReviewDecision)

    class Arguments:
        id = graphene.ID(required=True, description="The product.")
        reasons = graphene.String(required=True, description="Told to the vendor.")
        checklist = ChecklistInput(required=True, description="Every item: pass, fail or n.a.")

    class Meta:
        description = (
            "Rejects a submitted listing with reasons and the checklist (at least one failing "
            "item or a reason). A rejected revision leaves the approved version on sale. "
            "Requires MANAGE_VENDORS."
        )
        permissions = VENDORS
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, id, reasons, checklist):
        listing = services.reject_listing(
            actor=info.context.user,
            product=_any_product(id),
            reasons=reasons,
            checklist=_checklist(checklist),
        )
        return cls(listing=listing, decision=listing.decisions.order_by("-pk").first())


class ProductCertificateUploadInput(graphene.InputObjectType):
    product = graphene.ID(required=True)
    kind = CertificateKindEnum(required=True)
    number = graphene.String(required=True, description="The certificate's or report's number.")
    file = Upload(required=True, description="PDF, JPEG, PNG or WebP scan (multipart request).")
    issued_on = graphene.Date(required=True)
    expires_on = graphene.Date(description="Null for documents without an expiry date.")


class ProductCertificateUpload(ListingBaseMutation):
    certificate = graphene.Field(ProductCertificate)

    class Arguments:
        input = ProductCertificateUploadInput(required=True)

    class Meta:
        description = "Attaches a certificate to one of the vendor's products."
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, input):
        product = _vendor_product(info, input["product"], "product")
        certificate = services.upload_certificate(
            actor=info.context.user,
            product=product,
            kind=enum_value(input["kind"]),
            number=input["number"],
            file=input.get("file"),
            issued_on=input["issued_on"],
            expires_on=input.get("expires_on"),
        )
        return cls(certificate=certificate)


class VendorProductMediaAdd(ListingBaseMutation):
    listing = graphene.Field(Listing)
    media_id = graphene.ID(
        description="The new ProductMedia (draft or rejected product) or, on an approved "
        "product, the RevisionMedia waiting for review."
    )
    pending = graphene.Boolean(
        description="True when the photo waits in the pending revision until a reviewer "
        "approves it; shoppers keep seeing the approved photos."
    )

    class Arguments:
        product = graphene.ID(required=True)
        image = Upload(required=True, description="The photo (multipart request).")
        alt = graphene.String(description="What the photo shows.")

    class Meta:
        description = "Adds a photo, taken on the phone, to one of the vendor's products."
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, product, image, alt=""):
        row = _vendor_product(info, product, "product")
        media = services.add_product_photo(
            actor=info.context.user, product=row, image_file=image, alt=alt or ""
        )
        pending = isinstance(media, RevisionMediaModel)
        return cls(
            listing=services.ensure_listing(row),
            media_id=to_global_id("RevisionMedia" if pending else "ProductMedia", media.pk),
            pending=pending,
        )


class VendorProductMediaRemove(ListingBaseMutation):
    listing = graphene.Field(Listing)

    class Arguments:
        product = graphene.ID(required=True)
        media = graphene.ID(
            required=True,
            description="A ProductMedia ID (removed at once on a draft, through review on an "
            "approved product) or a RevisionMedia ID (a photo still waiting, dropped at once).",
        )

    class Meta:
        description = "Removes a photo from one of the vendor's products."
        error_type_class = ListingError

    @classmethod
    def perform_mutation(cls, root, info, product, media):
        row = _vendor_product(info, product, "product")
        try:
            type_name = from_global_id(media)[0]
        except (TypeError, ValueError, UnicodeDecodeError):
            type_name = ""
        if type_name == "RevisionMedia":
            listing = services.remove_product_photo(
                actor=info.context.user,
                product=row,
                revision_media_id=decode_id(media, "RevisionMedia", field="media"),
            )
        else:
            listing = services.remove_product_photo(
                actor=info.context.user,
                product=row,
                media_id=decode_id(media, "ProductMedia", field="media"),
            )
        return cls(listing=listing)


class ListingMutations(graphene.ObjectType):
    vendor_product_create = VendorProductCreate.Field()
    vendor_product_update = VendorProductUpdate.Field()
    product_submit_for_review = ProductSubmitForReview.Field()
    product_review_approve = ProductReviewApprove.Field()
    product_review_reject = ProductReviewReject.Field()
    product_certificate_upload = ProductCertificateUpload.Field()
    vendor_product_media_add = VendorProductMediaAdd.Field()
    vendor_product_media_remove = VendorProductMediaRemove.Field()
