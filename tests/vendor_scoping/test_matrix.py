"""The scoping matrix (issue #6, "Scoping (security)"): every vendor-facing GraphQL query and
mutation and every page of the vendor workspace, tried by each kind of actor against vendor B's
objects and, as a positive control, against vendor A's own.

Actors (columns):
  X_OWNER    owner of A, target B's object       → refused; B's rows and the audit log unchanged
  X_STAFF    staff of A, target B's object       → refused; the same
  STAFF_OWN  staff of A, target A's object       → for owner-only operations: refused
  OWN        owner of A, target A's object       → positive control: it works
  SHOPPER    a user of no vendor, target A       → refused (pages: 403)
  ANON       anonymous, target A                 → refused (pages: redirect to the vendor login)
  REVIEWER   county reviewer (MANAGE_VENDORS)    → positive control of reviewer-only operations

Outcomes: OK (works; lists hold A's objects and none of B's; answers to A hold nothing of B's),
NO = refused (a typed error in REFUSAL_CODES — NOT_FOUND, PERMISSION_DENIED, NOT_VENDOR_STAFF,
OWNER_REQUIRED, … —, an empty list, or a null object; never a 500), PUB (`vendor`: only the
public fields, every private one null), REACH (the reviewer gets past the permission checks; the
answer is about the object's state, e.g. approving an already active vendor). Pages: OK, 404,
403, 400 (refused on the form), LOGIN (redirect to /vendor/login/), KEPT (owner-only form
posted by staff: answered with a message, nothing written). NA: does not apply.

The completeness tests at the bottom fail when a vendor-facing field or page is added without a
row here.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.models import AuditLogEntry
from tests.vendor_scoping.conftest import World, csv_file, pdf_upload, png_upload
from tests.vendor_scoping.snapshots import vendor_rows

pytestmark = pytest.mark.django_db

OK, NO, PUB, REACH, NA = "OK", "REFUSED", "PUBLIC", "REACHED", "-"
REFUSED, PUBLIC, REACHED = NO, PUB, REACH
E404, E403, E400, LOGIN, KEPT = "404", "403", "400", "LOGIN", "KEPT"
COLUMNS = ("X_OWNER", "X_STAFF", "STAFF_OWN", "OWN", "SHOPPER", "ANON", "REVIEWER")


def row(*values: str) -> dict[str, str]:
    assert len(values) == len(COLUMNS)
    return dict(zip(COLUMNS, values, strict=True))


# --- the GraphQL matrix -------------------------------------------------------------------------
#   operation (field[/variant])      X_OWNER X_STAFF STAFF_OWN OWN  SHOPPER ANON REVIEWER
GRAPHQL_MATRIX: dict[str, dict[str, str]] = {
    # vendors: backend/graphql/vendors
    "vendor":                            row(PUB,   PUB,   NA,    OK,    PUB,   PUB,   OK),
    "vendors":                           row(NA,    NA,    NO,    NO,    NO,    NO,    OK),
    "me":                                row(NA,    NA,    OK,    OK,    OK,    NO,    NA),
    "vendorApply":                       row(NA,    NA,    NO,    NO,    OK,    NO,    NA),
    "vendorUpdate":                      row(NO,    NO,    NO,    OK,    NO,    NO,    OK),
    "vendorBankAccountUpdate":           row(NO,    NO,    NO,    OK,    NO,    NO,    NA),
    "vendorDocumentUpload":              row(NO,    NO,    OK,    OK,    NO,    NO,    OK),
    "vendorApprove":                     row(NO,    NO,    NO,    NO,    NO,    NO,    REACH),
    "vendorReject":                      row(NO,    NO,    NO,    NO,    NO,    NO,    REACH),
    "vendorSuspend":                     row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "vendorReactivate":                  row(NO,    NO,    NO,    NO,    NO,    NO,    REACH),
    "vendorStaffInvite":                 row(NO,    NO,    NO,    OK,    NO,    NO,    NA),
    "vendorInvitationAccept":            row(NO,    NO,    NA,    OK,    NO,    NO,    NA),
    "vendorStaffRemove":                 row(NO,    NO,    NO,    OK,    NO,    NO,    NA),
    # listings: backend/graphql/listings
    "productListing":                    row(NO,    NO,    OK,    OK,    NO,    NO,    OK),
    "listingReviewQueue":                row(NA,    NA,    NO,    NO,    NO,    NO,    OK),
    "vendorProducts":                    row(NA,    NA,    OK,    OK,    NO,    NO,    NA),
    "vendorProductCreate":               row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "vendorProductUpdate":               row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "vendorProductUpdate/stock":         row(NO,    NO,    NA,    NA,    NA,    NA,    NA),
    "vendorProductUpdate/price-b-variant": row(NO, NO,    NA,    NA,    NA,    NA,    NA),
    "vendorProductUpdate/stock-b-variant": row(NO, NO,    NA,    NA,    NA,    NA,    NA),
    "vendorProductMediaAdd":             row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "vendorProductMediaRemove":          row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "vendorProductMediaRemove/b-photo":  row(NO,    NO,    NA,    NA,    NA,    NA,    NA),
    "productCertificateUpload":          row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "productSubmitForReview":            row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "productReviewApprove":              row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "productReviewReject":               row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "listingImportJob":                  row(NO,    NO,    OK,    OK,    NO,    NO,    OK),
    "productBulkImport":                 row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    # settlement: backend/graphql/settlement
    "vendorStatements":                  row(NA,    NA,    OK,    OK,    NO,    NO,    OK),
    "vendorStatements/filter-b":         row(NO,    NO,    NA,    NA,    NA,    NA,    NA),
    "vendorStatement":                   row(NO,    NO,    OK,    OK,    NO,    NO,    OK),
    "vendorStatementDraft":              row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "vendorStatementIssue":              row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "vendorStatementMarkPaid":           row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    "vendorStatementAddAdjustment":      row(NO,    NO,    NO,    NO,    NO,    NO,    OK),
    # vendor-scoped orders: backend/graphql/order/schema.py
    "orders":                            row(NA,    NA,    OK,    OK,    NO,    NO,    NA),
    "order":                             row(NO,    NO,    OK,    OK,    NO,    NO,    NA),
    "order/mixed":                       row(NA,    NA,    OK,    OK,    NO,    NO,    NA),
    # node(id:) with IDs of vendor-owned objects. Product: B's draft is in no channel (null for
    # everyone, its owner too); Order: node(id:) answers orders to order managers only, vendor
    # staff read theirs through `order`/`orders` (rows above).
    "node/Vendor":                       row(PUB,   PUB,   NA,    OK,    PUB,   PUB,   NA),
    "node/Product":                      row(NO,    NO,    NA,    NA,    NO,    NO,    NA),
    "node/Listing":                      row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/ListingRevision":              row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/ReviewDecision":               row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/ProductCertificate":           row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/VendorStatement":              row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/ListingImportJob":             row(NO,    NO,    NA,    OK,    NO,    NO,    OK),
    "node/Order":                        row(NO,    NO,    NA,    NA,    NO,    NO,    NA),
    "node/Warehouse":                    row(NO,    NO,    NA,    OK,    NO,    NO,    NA),
    # brand licences: backend/graphql/brand. Decisions are the brand managers' (MANAGE_BRAND):
    # refused to every vendor and to the county reviewer (MANAGE_VENDORS) alike.
    "brandLicences":                     row(NA,    NA,    OK,    OK,    NO,    NO,    NO),
    "brandLicenceRequest":               row(NO,    NO,    OK,    OK,    NO,    NO,    NO),
    "brandLicenceGrant":                 row(NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "brandLicenceSuspend":               row(NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "brandLicenceReinstate":             row(NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "brandLicenceRevoke":                row(NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "brandLicenceReject":                row(NO,    NO,    NO,    NO,    NO,    NO,    NO),
    "node/BrandLicence":                 row(NO,    NO,    NA,    OK,    NO,    NO,    NO),
}  # fmt: skip

# Known leaks: (operation, column) → the exact description. The test is xfail(strict=True), so
# it starts failing (XPASS) the moment the leak is fixed, and the entry must then be removed.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}

# --- the page matrix ------------------------------------------------------------------------
# URL name (vendordesk:)          X_OWNER  X_STAFF  STAFF_OWN  OWN   SHOPPER  ANON
PAGE_MATRIX: dict[str, dict[str, str]] = {
    "home":                   dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "orders":                 dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "packing-list":           dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "parcel":                 dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "packed":                 dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "hand-over":              dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "stock":                  dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "stock-edit":             dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "warehouse":              dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "products":               dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-create":         dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product":                dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-edit":           dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-photos":         dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-photo-remove":   dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-certificate":    dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-submit":         dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "product-licence-request": dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403,
                                    ANON=LOGIN),
    # The poverty-alleviation certification (issue #12): status and application form.
    "product-poverty":        dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "sales":                  dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "statements":             dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "statement":              dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "statement-download":     dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "staff":                  dict(STAFF_OWN=KEPT, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "staff-remove":           dict(X_OWNER=E404, X_STAFF=E404, STAFF_OWN=KEPT, OWN=OK,
                                   SHOPPER=E403, ANON=LOGIN),
    "more":                   dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "import-upload":          dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "import-template":        dict(OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "import-report":          dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    "import-job":             dict(X_OWNER=E404, X_STAFF=E404, OWN=OK, SHOPPER=E403, ANON=LOGIN),
    # Joining from the invitation SMS: the token is the secret, so anyone holding it sees who
    # invites (ANON: the page with the sign-in links); accepting (POST) works only for the
    # invited phone (OWN: A's invitee) and is refused on the form (400) for anyone else.
    "join":                   dict(X_OWNER=E400, X_STAFF=E400, OWN=OK, SHOPPER=E400, ANON=OK),
}  # fmt: skip
# Pages anyone may open (no vendor data behind them).
# `apply` holds no vendor's data: the signed-in user's own application form (vendor staff are
# sent to their workspace; tests/vendordesk/test_apply.py).
PUBLIC_PAGES = {"login", "logout", "apply"}
# Rows for pages that are written but not routed yet: skipped while the URL name is not there
# (then they run, and must pass). Empty: every page is routed.
NOT_YET_ROUTED: set[str] = set()

# Schema fields that match the vendor-facing name patterns but are not vendor-facing, with why.
NOT_VENDOR_FACING: dict[str, str] = {
    # (none yet: every matching field is in the matrix)
}
# Rows for fields that are written but not yet wired into backend/graphql/api.py: their cases
# skip until the field is in the schema (then they run, and must pass). Empty: all are wired.
NOT_YET_IN_SCHEMA: set[str] = set()


# =============================================================================================
# Helpers: the operations behind the GraphQL rows
# =============================================================================================

# Codes that say "not yours" (or "not allowed"): the answers a refused request may get.
REFUSAL_CODES = {
    "NOT_FOUND",
    "PERMISSION_DENIED",
    "NOT_VENDOR_STAFF",
    "OWNER_REQUIRED",
    "NOT_VENDOR_WAREHOUSE",  # a warehouse of another vendor in a product's stock
    "PHONE_MISMATCH",  # an invitation sent to another phone number
    "ALREADY_VENDOR_STAFF",  # applying for a second vendor
}
PRIVATE_VENDOR_FIELDS = ("status", "creditCode", "bankAccountMasked", "commissionRate", "staff")
VENDOR_FIELDS = (
    "name status creditCode bankAccountMasked commissionRate contactPhone staff { role }"
)
CHECKLIST = {
    "labelling": "PASS",
    "netContent": "PASS",
    "shelfLife": "PASS",
    "origin": "PASS",
    "photosTruthful": "PASS",
}


def gid(type_name: str, pk) -> str:
    return to_global_id(type_name, pk)


@dataclass(frozen=True)
class Op:
    """One GraphQL row: the document, its variables for a target side, the variables that are
    files (multipart), and what `OK` means beyond "no error"."""

    document: str
    variables: Callable[[World, Any], dict] = lambda world, side: {}
    uploads: dict[str, Callable[[World, Any], Any]] = field(default_factory=dict)
    is_list: bool = False  # OK: A's objects and none of B's; REFUSED may be an empty list
    ok: Callable[[Any, World, str], None] | None = None
    refused: Callable[[Any, World], bool] | None = None  # besides the typed refusals
    own_actor: Callable[[World], Any] | None = None  # who the OWN column is, if not A's owner


def _apply_input(world: World, side) -> dict:
    from tests.vendors.conftest import application

    data = application(name="新申请合作社")
    return {"input": {_camel(k): v for k, v in data.items()} | {"kind": "COOPERATIVE"}}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _bulk_csv(world: World, side):
    from tests.listings_import.conftest import row

    return csv_file(
        [
            row(
                name=f"{world.a.marker}导入",
                sku=f"IMP-{side.marker}",
                warehouse=side.warehouse.name,
                product_type=world.product_type.name,
                category=world.shop.rice.name,
                origin="",
            )
        ]
    )


def _ok_me(payload, world: World, column: str) -> None:
    vendor = payload["vendor"]
    if column == "SHOPPER":
        assert vendor is None
    else:
        assert vendor["name"] == world.a.vendor.name and vendor["status"] == "ACTIVE"


def _ok_private(payload, world: World, column: str) -> None:
    assert payload["name"] == world.a.vendor.name
    assert payload["status"] == "ACTIVE" and payload["staff"], payload


def _ok_bulk(payload, world: World, column: str) -> None:
    assert payload["createdProducts"] == 1, payload


def _bulk_refused(payload, world: World) -> bool:
    return payload["createdProducts"] == 0 and bool(payload["errors"])


VENDOR_MUTATION = "mutation($id: {id}{args}) {{ {name}(id: $id{pass_args}) {{ vendor {{ name }} errors {{ field code }} }} }}"  # noqa: E501


def _vendor_mutation(name: str, id: str = "ID!", **args: str) -> str:
    return VENDOR_MUTATION.format(
        name=name,
        id=id,
        args="".join(f", ${key}: {kind}" for key, kind in args.items()),
        pass_args="".join(f", {key}: ${key}" for key in args),
    )


def _vendor_id(world: World, side) -> dict:
    return {"id": gid("Vendor", side.vendor.pk)}


def _node(type_name: str, fields: str = "id") -> str:
    return f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ {fields} }} }} }}"


def _import_job(world: World, side) -> dict:
    """A background import job of the side's vendor (made in the test's savepoint)."""
    from backend.listings.models import ListingImportJob

    job = ListingImportJob.objects.create(vendor=side.vendor, created_by=side.owner)
    return {"pk": job.pk, "id": gid("ListingImportJob", job.pk)}


PRODUCT_UPDATE = (
    "mutation($id: ID!, $input: VendorProductUpdateInput!) { vendorProductUpdate("
    "id: $id, input: $input) { product { name } errors { field code } } }"
)
MEDIA_REMOVE = (
    "mutation($product: ID!, $media: ID!) { vendorProductMediaRemove("
    "product: $product, media: $media) { listing { state } errors { field code } } }"
)

OPS: dict[str, Op] = {
    "vendor": Op(
        f"query($id: ID) {{ vendor(id: $id) {{ {VENDOR_FIELDS} }} }}", _vendor_id, ok=_ok_private
    ),
    "vendors": Op("{ vendors(first: 50) { totalCount edges { node { name } } } }", is_list=True),
    "me": Op("{ me { vendor { name status } } }", ok=_ok_me),
    "vendorApply": Op(
        "mutation($input: VendorApplyInput!) { vendorApply(input: $input) {"
        " vendor { name } errors { field code } } }",
        _apply_input,
    ),
    "vendorUpdate": Op(
        _vendor_mutation("vendorUpdate", id="ID", input="VendorDetailsInput!"),
        lambda world, side: _vendor_id(world, side) | {"input": {"description": "新的介绍"}},
    ),
    "vendorBankAccountUpdate": Op(
        _vendor_mutation("vendorBankAccountUpdate", id="ID", input="VendorBankAccountInput!"),
        lambda world, side: (
            _vendor_id(world, side)
            | {
                "input": {
                    "bankName": "灌云农商行",
                    "accountName": "别人",
                    "accountNumber": "6222020200112233445",
                }
            }
        ),
    ),
    "vendorDocumentUpload": Op(
        "mutation($id: ID, $file: Upload!) { vendorDocumentUpload("
        "id: $id, kind: BUSINESS_LICENCE, file: $file) { document { id } errors { field code } } }",
        _vendor_id,
        uploads={"file": lambda world, side: pdf_upload()},
    ),
    "vendorApprove": Op(
        _vendor_mutation("vendorApprove", commissionRate="PositiveDecimal"),
        lambda world, side: _vendor_id(world, side) | {"commissionRate": "0.0100"},
    ),
    "vendorReject": Op(
        _vendor_mutation("vendorReject", reason="String!"),
        lambda world, side: _vendor_id(world, side) | {"reason": "资料不全"},
    ),
    "vendorSuspend": Op(
        _vendor_mutation("vendorSuspend", reason="String!"),
        lambda world, side: _vendor_id(world, side) | {"reason": "抽检不合格"},
    ),
    "vendorReactivate": Op(_vendor_mutation("vendorReactivate"), _vendor_id),
    "vendorStaffInvite": Op(
        "mutation($id: ID, $phone: String!) { vendorStaffInvite(id: $id, phone: $phone) {"
        " invitation { id } errors { field code } } }",
        lambda world, side: _vendor_id(world, side) | {"phone": "+8613766660000"},
    ),
    "vendorInvitationAccept": Op(
        "mutation($token: String!) { vendorInvitationAccept(token: $token) {"
        " vendor { name } errors { field code } } }",
        lambda world, side: {"token": side.invitation_token},
        own_actor=lambda world: world.a.invitee,
    ),
    "vendorStaffRemove": Op(
        _vendor_mutation("vendorStaffRemove", id="ID", user="ID!"),
        lambda world, side: _vendor_id(world, side) | {"user": gid("User", side.staff.pk)},
    ),
    "productListing": Op(
        "query($p: ID!) { productListing(product: $p) { state product { name } } }",
        lambda world, side: {"p": gid("Product", side.draft.pk)},
    ),
    "listingReviewQueue": Op(
        "{ listingReviewQueue(first: 50) { totalCount edges { node { product { name } } } } }",
        is_list=True,
    ),
    "vendorProducts": Op(
        "{ vendorProducts(first: 50) { totalCount edges { node { id state"
        " product { name } certificates { number } pendingRevision { changes } } } } }",
        is_list=True,
    ),
    "vendorProductCreate": Op(
        "mutation($input: VendorProductCreateInput!) { vendorProductCreate(input: $input) {"
        " product { name } errors { field code } } }",
        lambda world, side: {
            "input": {
                "name": "ALFA新品",
                "category": gid("Category", world.shop.rice.pk),
                "productType": gid("ProductType", world.product_type.pk),
                "variants": [
                    {
                        "sku": "SKU-ALFA-new",
                        "price": "9.90",
                        "stock": [
                            {"warehouse": gid("Warehouse", side.warehouse.pk), "quantity": 5}
                        ],
                    }
                ],
            }
        },
    ),
    "vendorProductUpdate": Op(
        PRODUCT_UPDATE,
        lambda world, side: {
            "id": gid("Product", side.draft.pk),
            "input": {"name": f"{side.marker}改名"},
        },
    ),
    # A's own product, stock put into B's warehouse.
    "vendorProductUpdate/stock": Op(
        PRODUCT_UPDATE,
        lambda world, side: {
            "id": gid("Product", world.a.draft.pk),
            "input": {
                "stock": [
                    {
                        "variant": gid("ProductVariant", world.a.draft.variants.get().pk),
                        "warehouse": gid("Warehouse", side.warehouse.pk),
                        "quantity": 99,
                    }
                ]
            },
        },
    ),
    # A's own product, a price for B's variant.
    "vendorProductUpdate/price-b-variant": Op(
        PRODUCT_UPDATE,
        lambda world, side: {
            "id": gid("Product", world.a.draft.pk),
            "input": {
                "prices": [
                    {
                        "variant": gid("ProductVariant", side.draft.variants.get().pk),
                        "price": "1.00",
                    }
                ]
            },
        },
    ),
    # A's own product, stock of B's variant in A's warehouse.
    "vendorProductUpdate/stock-b-variant": Op(
        PRODUCT_UPDATE,
        lambda world, side: {
            "id": gid("Product", world.a.draft.pk),
            "input": {
                "stock": [
                    {
                        "variant": gid("ProductVariant", side.draft.variants.get().pk),
                        "warehouse": gid("Warehouse", world.a.warehouse.pk),
                        "quantity": 99,
                    }
                ]
            },
        },
    ),
    "vendorProductMediaAdd": Op(
        "mutation($product: ID!, $image: Upload!) { vendorProductMediaAdd("
        "product: $product, image: $image) { mediaId errors { field code } } }",
        lambda world, side: {"product": gid("Product", side.draft.pk)},
        uploads={"image": lambda world, side: png_upload()},
    ),
    "vendorProductMediaRemove": Op(
        MEDIA_REMOVE,
        lambda world, side: {
            "product": gid("Product", side.draft.pk),
            "media": gid("ProductMedia", side.media.pk),
        },
    ),
    # A's own product, B's photo.
    "vendorProductMediaRemove/b-photo": Op(
        MEDIA_REMOVE,
        lambda world, side: {
            "product": gid("Product", world.a.draft.pk),
            "media": gid("ProductMedia", side.media.pk),
        },
    ),
    "productCertificateUpload": Op(
        "mutation($input: ProductCertificateUploadInput!) { productCertificateUpload("
        "input: $input) { certificate { number } errors { field code } } }",
        lambda world, side: {
            "input": {
                "product": gid("Product", side.draft.pk),
                "kind": "INSPECTION_REPORT",
                "number": "NEW-1",
                "issuedOn": "2026-01-05",
            }
        },
        uploads={"input.file": lambda world, side: pdf_upload()},
    ),
    "productSubmitForReview": Op(
        "mutation($id: ID!) { productSubmitForReview(id: $id) {"
        " listing { state } errors { field code } } }",
        lambda world, side: {"id": gid("Product", side.draft.pk)},
    ),
    "productReviewApprove": Op(
        "mutation($id: ID!) { productReviewApprove(id: $id) {"
        " listing { state } errors { field code } } }",
        lambda world, side: {"id": gid("Product", side.submitted.pk)},
    ),
    "productReviewReject": Op(
        "mutation($id: ID!, $checklist: ChecklistInput!) { productReviewReject("
        'id: $id, reasons: "照片不清楚", checklist: $checklist) {'
        " listing { state } errors { field code } } }",
        lambda world, side: {"id": gid("Product", side.submitted.pk), "checklist": CHECKLIST},
    ),
    "listingImportJob": Op(
        "query($id: ID!) { listingImportJob(id: $id) { id status } }",
        lambda world, side: {"id": _import_job(world, side)["id"]},
    ),
    "productBulkImport": Op(
        "mutation($file: Upload!) { productBulkImport(file: $file) {"
        " createdProducts errors { field code row column } } }",
        uploads={"file": _bulk_csv},
        ok=_ok_bulk,
        refused=_bulk_refused,
    ),
    "vendorStatements": Op(
        "{ vendorStatements(first: 50) { totalCount edges { node { id vendor { name } } } } }",
        is_list=True,
    ),
    "vendorStatements/filter-b": Op(
        "query($v: ID) { vendorStatements(first: 50, filter: {vendor: $v}) {"
        " totalCount edges { node { id vendor { name } } } } }",
        lambda world, side: {"v": gid("Vendor", side.vendor.pk)},
        is_list=True,
    ),
    "vendorStatement": Op(
        "query($id: ID!) { vendorStatement(id: $id) { id vendor { name } netPayable { amount }"
        " csv lines { kind } } }",
        lambda world, side: {"id": gid("VendorStatement", side.statement.pk)},
    ),
    "vendorStatementDraft": Op(
        "mutation($vendor: ID!) { vendorStatementDraft(vendor: $vendor) {"
        " statement { id } errors { field code } } }",
        lambda world, side: {"vendor": gid("Vendor", side.vendor.pk)},
    ),
    "vendorStatementIssue": Op(
        "mutation($id: ID!) { vendorStatementIssue(id: $id) {"
        " statement { status } errors { field code } } }",
        lambda world, side: {"id": gid("VendorStatement", side.statement.pk)},
    ),
    "vendorStatementMarkPaid": Op(
        'mutation($id: ID!) { vendorStatementMarkPaid(id: $id, paymentReference: "FK-1") {'
        " statement { status } errors { field code } } }",
        lambda world, side: {"id": gid("VendorStatement", side.issued.pk)},
    ),
    "vendorStatementAddAdjustment": Op(
        'mutation($id: ID!) { vendorStatementAddAdjustment(id: $id, amount: "10.00",'
        ' reason: "补差价") { line { kind } errors { field code } } }',
        lambda world, side: {"id": gid("VendorStatement", side.statement.pk)},
    ),
    "orders": Op(
        "{ orders(first: 20) { totalCount edges { node { number"
        " lines { productName productSku } shipments { code } } } } }",
        is_list=True,
    ),
    "order": Op(
        "query($id: ID!) { order(id: $id) { number lines { productName productSku } } }",
        lambda world, side: {"id": gid("Order", side.extra["order"].pk)},
    ),
    "order/mixed": Op(
        "query($id: ID!) { order(id: $id) { number lines { productName productSku }"
        " shipments { code } } }",
        lambda world, side: {"id": gid("Order", world.order.pk)},
        is_list=True,
    ),
    "node/Vendor": Op(
        _node("Vendor", VENDOR_FIELDS),
        lambda world, side: {"id": gid("Vendor", side.vendor.pk)},
        ok=lambda payload, world, column: _ok_private(payload, world, column),
    ),
    "node/Product": Op(
        _node("Product", "name"), lambda world, side: {"id": gid("Product", side.draft.pk)}
    ),
    "node/Listing": Op(
        _node("Listing", "state certificates { number } decisions { reasons }"),
        lambda world, side: {"id": gid("Listing", side.approved.listing.pk)},
    ),
    "node/ListingRevision": Op(
        _node("ListingRevision", "changes original"),
        lambda world, side: {
            "id": gid("ListingRevision", side.approved.listing.revisions.get().pk)
        },
    ),
    "node/ReviewDecision": Op(
        _node("ReviewDecision", "reasons"),
        lambda world, side: {
            "id": gid("ReviewDecision", side.approved.listing.decisions.first().pk)
        },
    ),
    "node/ProductCertificate": Op(
        _node("ProductCertificate", "number url"),
        lambda world, side: {"id": gid("ProductCertificate", side.certificate.pk)},
    ),
    "node/VendorStatement": Op(
        _node("VendorStatement", "netPayable { amount }"),
        lambda world, side: {"id": gid("VendorStatement", side.statement.pk)},
    ),
    "node/ListingImportJob": Op(
        _node("ListingImportJob", "status"),
        lambda world, side: {"id": _import_job(world, side)["id"]},
    ),
    "node/Order": Op(
        _node("Order", "number lines { productSku }"),
        lambda world, side: {"id": gid("Order", side.extra["order"].pk)},
    ),
    "node/Warehouse": Op(
        _node("Warehouse", "name address { streetAddress1 phone }"),
        lambda world, side: {"id": gid("Warehouse", side.warehouse.pk)},
    ),
    "brandLicences": Op(
        "query { brandLicences(first: 50) { totalCount edges { node { number reason"
        " product { name } } } } }",
        lambda world, side: _both_licences(world),
        is_list=True,
    ),
    "brandLicenceRequest": Op(
        "mutation($p: ID!) { brandLicenceRequest(product: $p) {"
        " brandLicence { number product { name } } errors { field code } } }",
        lambda world, side: {"p": gid("Product", side.approved.pk)},
    ),
    "brandLicenceGrant": Op(
        "mutation($id: ID!, $until: DateTime!) { brandLicenceGrant(id: $id, validUntil: $until) {"
        " brandLicence { status } errors { field code } } }",
        lambda world, side: {
            "id": gid("BrandLicence", _licence(side).pk),
            "until": "2099-01-01T00:00:00+08:00",
        },
    ),
    **{
        name: Op(
            f'mutation($id: ID!) {{ {name}(id: $id, reason: "抽检") {{'
            " brandLicence { status } errors { field code } } }",
            lambda world, side, status=status: {
                "id": gid("BrandLicence", _licence(side, status).pk)
            },
        )
        for name, status in (
            ("brandLicenceSuspend", "active"),
            ("brandLicenceReinstate", "suspended"),
            ("brandLicenceRevoke", "active"),
            ("brandLicenceReject", "requested"),
        )
    },
    "node/BrandLicence": Op(
        _node("BrandLicence", "number reason product { name }"),
        lambda world, side: {"id": gid("BrandLicence", _licence(side).pk)},
    ),
}


def _licence(side, status: str = "requested"):
    """A brand licence of the side's approved product (made in the test's savepoint)."""
    import datetime as dt

    from django.utils import timezone

    from backend.brand.models import BrandLicence

    now = timezone.now()
    window = (
        {"valid_from": now, "valid_until": now + dt.timedelta(days=30)}
        if status != "requested"
        else {}
    )
    return BrandLicence.objects.create(
        number=f"T-{side.marker}-{status}",
        product=side.approved,
        vendor=side.vendor,
        status=status,
        **window,
    )


def _both_licences(world: World) -> dict:
    _licence(world.a)
    _licence(world.b)
    return {}


def _actor(world: World, column: str, op: Op | Page | None = None):
    if column == "OWN" and op is not None and op.own_actor is not None:
        return op.own_actor(world)
    return {
        "X_OWNER": world.a.owner,
        "X_STAFF": world.a.staff,
        "STAFF_OWN": world.a.staff,
        "OWN": world.a.owner,
        "SHOPPER": world.shopper,
        "ANON": None,
        "REVIEWER": world.reviewer,
    }[column]


def _target(world: World, column: str):
    return world.b if column.startswith("X_") else world.a


def _graphql(world: World, op: Op, column: str) -> tuple[int, dict]:
    user = _actor(world, column, op)
    side = _target(world, column)
    variables = op.variables(world, side)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(user)}"} if user else {}
    client = Client()
    if op.uploads:
        files = {}
        paths = {}
        for index, (path, make) in enumerate(op.uploads.items()):
            parent = variables
            *heads, last = path.split(".")
            for head in heads:
                parent = parent.setdefault(head, {})
            parent[last] = None
            files[str(index)] = make(world, side)
            paths[str(index)] = [f"variables.{path}"]
        response = client.post(
            "/graphql/",
            {
                "operations": json.dumps({"query": op.document, "variables": variables}),
                "map": json.dumps(paths),
                **files,
            },
            **headers,
        )
    else:
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": op.document, "variables": variables}),
            content_type="application/json",
            **headers,
        )
    return response.status_code, response.json()


def _field_name(key: str) -> str:
    return key.split("/")[0].split("/")[0] if not key.startswith("node/") else "node"


def _payload(body: dict, key: str):
    return (body.get("data") or {}).get(_field_name(key))


def _top_codes(body: dict) -> list[str]:
    return [
        (error.get("extensions") or {}).get("exception", {}).get("code", "?")
        for error in body.get("errors") or []
    ]


def _is_refused(body: dict, key: str, op: Op, world: World) -> bool:
    if body.get("errors"):
        return set(_top_codes(body)) <= REFUSAL_CODES
    payload = _payload(body, key)
    if payload is None:
        return True
    if op.refused is not None and op.refused(payload, world):
        return True
    if op.is_list and isinstance(payload, dict) and "totalCount" in payload:
        return payload["totalCount"] == 0 and payload["edges"] == []
    if isinstance(payload, dict) and payload.get("errors"):
        return {error["code"] for error in payload["errors"]} <= REFUSAL_CODES
    if key == "me":
        return False
    return False


def _graphql_cases():
    for key, columns in GRAPHQL_MATRIX.items():
        for column, expected in columns.items():
            if expected == NA:
                continue
            marks = []
            if (key, column) in KNOWN_LEAKS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[key, column]))
            yield pytest.param(key, column, expected, id=f"{key}-{column}", marks=marks)


@pytest.mark.parametrize(("key", "column", "expected"), list(_graphql_cases()))
def test_graphql_matrix(world, key, column, expected):
    if key in NOT_YET_IN_SCHEMA and not _in_schema(key):
        pytest.skip(f"{key} is not in the schema yet")
    op = OPS[key]
    before_a, before_b = vendor_rows(world.a.vendor), vendor_rows(world.b.vendor)
    audit_before = AuditLogEntry.objects.count()
    status, body = _graphql(world, op, column)
    assert status == 200, (status, body)
    payload = _payload(body, key)
    if expected == REFUSED:
        assert _is_refused(body, key, op, world), body
        assert vendor_rows(world.b.vendor) == before_b, "B's rows changed"
        assert vendor_rows(world.a.vendor) == before_a, "A's rows changed"
        assert AuditLogEntry.objects.count() == audit_before, "a refused request was audited"
        return
    assert "errors" not in body, body
    assert vendor_rows(world.b.vendor) == before_b or column == "REVIEWER", "B's rows changed"
    if expected == PUBLIC:
        assert payload["name"] == _target(world, column).vendor.name, body
        assert all(payload[name] is None for name in PRIVATE_VENDOR_FIELDS), payload
        return
    assert payload is not None, body
    if expected == REACHED:
        codes = {error["code"] for error in payload.get("errors") or []}
        assert codes and not codes & REFUSAL_CODES, payload
        return
    assert not payload.get("errors"), payload
    if op.ok is not None:
        op.ok(payload, world, column)
    text = json.dumps(payload, ensure_ascii=False)
    if op.is_list and column != "REVIEWER":
        assert world.a.marker in text, text
    if column != "REVIEWER":
        assert world.b.marker not in text, f"B's data in A's answer: {text}"


# =============================================================================================
# Helpers: the pages behind the page rows
# =============================================================================================


@dataclass(frozen=True)
class Page:
    """A page: its URL arguments for a target side, and how it is used. `post` pages change
    something (a POST); `form` pages are opened (GET) and, across vendors, also posted to."""

    args: Callable[[World, Any], dict] = lambda world, side: {}
    post: bool = False
    form: bool = False
    data: Callable[[World, Any], dict] = lambda world, side: {}
    own_actor: Callable[[World], Any] | None = None  # who the OWN column is, if not A's owner


PAGES: dict[str, Page] = {
    "home": Page(),
    "orders": Page(),
    "packing-list": Page(),
    "parcel": Page(lambda world, side: {"pk": side.parcel.pk}),
    "packed": Page(lambda world, side: {"pk": side.parcel.pk}, post=True),
    "hand-over": Page(lambda world, side: {"pk": side.parcel.pk}, post=True),
    "stock": Page(),
    "stock-edit": Page(
        lambda world, side: {"pk": side.stock.pk},
        form=True,
        data=lambda world, side: {"quantity": "7"},
    ),
    "warehouse": Page(lambda world, side: {"pk": side.warehouse.pk}),
    "products": Page(),
    "product-create": Page(form=True),
    "product": Page(lambda world, side: {"pk": side.draft.pk}),
    "product-edit": Page(
        lambda world, side: {"pk": side.draft.pk},
        form=True,
        data=lambda world, side: {"name": "改名"},
    ),
    "product-photos": Page(
        lambda world, side: {"pk": side.draft.pk},
        form=True,
        data=lambda world, side: {"image": png_upload()},
    ),
    "product-photo-remove": Page(
        lambda world, side: {"pk": side.draft.pk, "media_id": side.media.pk}, post=True
    ),
    "product-certificate": Page(
        lambda world, side: {"pk": side.draft.pk},
        form=True,
        data=lambda world, side: {
            "kind": "inspection_report",
            "number": "NEW-1",
            "issued_on": "2026-01-05",
            "file": pdf_upload(),
        },
    ),
    "product-submit": Page(lambda world, side: {"pk": side.draft.pk}, post=True),
    "product-licence-request": Page(lambda world, side: {"pk": side.approved.pk}, post=True),
    "product-poverty": Page(
        lambda world, side: {"pk": side.approved.pk},
        form=True,
        data=lambda world, side: {
            "mechanism": "employment",
            "wage_per_unit": "1.50",
            "households": "NO-SUCH-1",
            "description": "跨商家申请",
        },
    ),
    "sales": Page(),
    "statements": Page(),
    "statement": Page(lambda world, side: {"pk": side.statement.pk}),
    "statement-download": Page(lambda world, side: {"pk": side.issued.pk, "extension": "csv"}),
    "staff": Page(form=True, data=lambda world, side: {"phone": "13766660001", "role": "staff"}),
    "staff-remove": Page(
        lambda world, side: {"pk": side.vendor.staff.get(user=side.staff).pk}, post=True
    ),
    "more": Page(),
    "import-upload": Page(form=True),
    "import-template": Page(lambda world, side: {"fmt": "xlsx"}),
    "import-report": Page(lambda world, side: {"token": side.report_token}),
    "import-job": Page(lambda world, side: {"pk": _import_job(world, side)["pk"]}),
    "join": Page(
        lambda world, side: {"token": side.invitation_token},
        post=True,
        own_actor=lambda world: world.a.invitee,
    ),
}


def _page_cases():
    for name, columns in PAGE_MATRIX.items():
        for column, expected in columns.items():
            marks = []
            if (name, column) in KNOWN_LEAKS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[name, column]))
            yield pytest.param(name, column, expected, id=f"{name}-{column}", marks=marks)


def _text(response) -> str:
    """What a page shows, including the cells of an XLSX download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return content.decode("utf-8", errors="replace")


def _requests(world: World, name: str, column: str) -> list:
    """The requests a case makes: a GET (or a POST for action pages); across vendors a form
    page is also posted to."""
    page = PAGES[name]
    side = _target(world, column)
    user = _actor(world, column, page)
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(f"vendordesk:{name}", kwargs=page.args(world, side))
    responses = []
    if page.post or (page.form and column == "STAFF_OWN"):
        responses.append(client.post(url, page.data(world, side)))
    else:
        responses.append(client.get(url))
        if page.form and column.startswith("X_"):
            responses.append(client.post(url, page.data(world, side)))
    return responses


@pytest.mark.parametrize(("name", "column", "expected"), list(_page_cases()))
def test_page_matrix(world, name, column, expected):
    if name in NOT_YET_ROUTED and name not in _url_names(get_resolver().url_patterns, "vendordesk"):
        pytest.skip(f"vendordesk:{name} is not routed yet")
    before_a, before_b = vendor_rows(world.a.vendor), vendor_rows(world.b.vendor)
    audit_before = AuditLogEntry.objects.count()
    for response in _requests(world, name, column):
        assert response.status_code < 500, response.status_code
        if expected == E404:
            assert response.status_code == 404, response.status_code
        elif expected == E403:
            assert response.status_code == 403, response.status_code
        elif expected == KEPT:
            assert response.status_code in (200, 302), response.status_code
        elif expected == E400:
            assert response.status_code == 400, response.status_code
        elif expected == LOGIN:
            assert response.status_code == 302, response.status_code
            assert response.url.startswith("/vendor/login/?next="), response.url
        else:
            assert response.status_code in (200, 302), response.status_code
            if response.status_code == 302:
                assert not response.url.startswith("/vendor/login/"), response.url
            else:
                assert world.b.marker not in _text(response), "B's data on A's page"
    assert vendor_rows(world.b.vendor) == before_b, "B's rows changed"
    if expected != OK:
        assert vendor_rows(world.a.vendor) == before_a, "A's rows changed"
        assert AuditLogEntry.objects.count() == audit_before, "a refused request was audited"


def test_page_positive_controls_change_what_they_say(world):
    """The action pages really act for A (so their 404 across vendors is not a broken page)."""
    from backend.vendordesk.models import VendorParcel

    client = Client()
    client.force_login(world.a.owner)
    client.post(reverse("vendordesk:packed", kwargs={"pk": world.a.parcel.pk}))
    assert VendorParcel.objects.get(shipment=world.a.parcel).status == "packed"
    client.post(
        reverse("vendordesk:stock-edit", kwargs={"pk": world.a.stock.pk}), {"quantity": "7"}
    )
    world.a.stock.refresh_from_db()
    assert world.a.stock.quantity == 7
    url = reverse(
        "vendordesk:staff-remove", kwargs={"pk": world.a.vendor.staff.get(user=world.a.staff).pk}
    )
    client.post(url)
    assert not world.a.vendor.staff.filter(user=world.a.staff).exists()
    client.post(reverse("vendordesk:product-submit", kwargs={"pk": world.a.draft.pk}))
    world.a.draft.listing.refresh_from_db()
    assert world.a.draft.listing.state == "submitted"


@pytest.mark.parametrize(
    ("who", "report_of", "status"),
    [("a_owner", "b", 404), ("a_staff", "b", 404), ("shopper", "a", 403), ("a_owner", "a", 200)],
)
def test_import_report_by_bearer_token(world, who, report_of, status):
    """The error report's URL is also opened by app clients with their access token: the
    token's user is scoped exactly like a signed-in one."""
    user = {"a_owner": world.a.owner, "a_staff": world.a.staff, "shopper": world.shopper}[who]
    token = getattr(world, report_of).report_token
    url = reverse("vendordesk:import-report", kwargs={"token": token})
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}")
    assert response.status_code == status
    bad = Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.status_code == 401


# =============================================================================================
# Completeness: a new vendor-facing field or page without a row fails here
# =============================================================================================

VENDOR_FACING = re.compile(
    r"^(vendor.*|product(Listing|Review.*|Certificate.*|SubmitForReview|BulkImport|Listings?)"
    r"|listing.*|.*Statement.*|.*[Cc]ertificate.*|.*[Bb]ulk.*|orders?|me|brandLicence.*)$"
)


def _in_schema(key: str) -> bool:
    from backend.graphql.api import schema

    if key.startswith("node/"):
        return key.split("/")[1] in schema.graphql_schema.type_map
    return _field_name(key) in _schema_fields()


@functools.cache
def _schema_fields() -> set[str]:
    from backend.graphql.api import schema

    graphql_schema = schema.graphql_schema
    names = set()
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        names |= {name for name in root.fields if VENDOR_FACING.match(name)}
    return names


def test_every_vendor_facing_field_has_a_row():
    covered = {_field_name(key) for key in GRAPHQL_MATRIX} - {"node"}
    assert set(OPS) == set(GRAPHQL_MATRIX), "every row has its operation"
    missing = covered - _schema_fields()
    assert missing <= NOT_YET_IN_SCHEMA, f"rows for fields that are not in the schema: {missing}"
    assert _schema_fields() - set(NOT_VENDOR_FACING) == covered - missing


def test_node_rows_cover_every_vendor_owned_node_type():
    """node(id:) is tried with every Node type of the vendor modules."""
    from backend.graphql.api import schema

    vendor_modules = (
        "backend.graphql.vendors",
        "backend.graphql.listings",
        "backend.graphql.settlement",
        "backend.graphql.brand",
    )
    node_types = {
        name
        for name, graphene_type in schema.graphql_schema.type_map.items()
        if getattr(graphene_type, "graphene_type", None) is not None
        and graphene_type.graphene_type.__module__.startswith(vendor_modules)
        and any(i.name == "Node" for i in getattr(graphene_type, "interfaces", []))
    }
    covered = {key.split("/")[1] for key in GRAPHQL_MATRIX if key.startswith("node/")}
    assert node_types <= covered, node_types - covered


def _url_names(patterns, namespace: str, inside: bool = False) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            here = inside or pattern.namespace == namespace
            names |= _url_names(pattern.url_patterns, namespace, here)
        elif isinstance(pattern, URLPattern) and inside and pattern.name:
            names.add(pattern.name)
    return names


def test_every_vendordesk_page_has_a_row():
    names = _url_names(get_resolver().url_patterns, "vendordesk")
    assert names, "the vendordesk namespace was found"
    not_yet = set(PAGE_MATRIX) - names
    assert not_yet <= NOT_YET_ROUTED, f"rows for pages that do not exist: {not_yet}"
    assert names - PUBLIC_PAGES == set(PAGE_MATRIX) - not_yet
    assert set(PAGES) == set(PAGE_MATRIX)
