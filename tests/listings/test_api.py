"""The listing API: scoping (another vendor's product is NOT_FOUND on every mutation and
invisible to every query), the review queue (MANAGE_VENDORS, no query per listing), the
reviewer's decisions with the checklist, audit entries, SMS, and typed errors for bad input."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from backend.core.models import AuditLogEntry
from backend.listings import services
from backend.listings.models import CertificateKind, Listing, ReviewDecision
from tests.listings.conftest import api, certificate, checklist, gid, pdf_upload

pytestmark = pytest.mark.django_db

UPDATE = """mutation($id: ID!, $input: VendorProductUpdateInput!) {
  vendorProductUpdate(id: $id, input: $input) {
    listing { state hasPendingRevision } applied pending errors { field code kind }
  }
}"""
SUBMIT = """mutation($id: ID!) { productSubmitForReview(id: $id) {
  listing { state } errors { field code kind message } } }"""
APPROVE = """mutation($id: ID!, $checklist: ChecklistInput) {
  productReviewApprove(id: $id, checklist: $checklist) {
    listing { state } decision { decision checklist { item result } } errors { field code }
  }
}"""
REJECT = """mutation($id: ID!, $reasons: String!, $checklist: ChecklistInput!) {
  productReviewReject(id: $id, reasons: $reasons, checklist: $checklist) {
    listing { state decisions { decision reasons checklist { item label result } } }
    errors { field code }
  }
}"""
CREATE = """mutation($input: VendorProductCreateInput!) { vendorProductCreate(input: $input) {
  product { id } errors { field code } } }"""
LISTING = """query($product: ID!) { productListing(product: $product) {
  state product { name } missingDocuments { kind } certificates { kind } } }"""
QUEUE = """query($filter: ListingFilterInput) { listingReviewQueue(first: 50, filter: $filter) {
  totalCount edges { node { state submittedAt product { name vendor { name } }
    certificationBadges missingDocuments { kind } certificates { number }
    decisions { decision } pendingRevision { changes } } } } }"""
VENDOR_PRODUCTS = """{ vendorProducts(first: 20) { totalCount edges { node { state
  product { name } } } } }"""

ALL_PASS = {
    "labelling": "PASS",
    "netContent": "PASS",
    "shelfLife": "PASS",
    "origin": "NOT_APPLICABLE",
    "photosTruthful": "PASS",
}


def _vendor_mutations(market, product):
    """Every vendor-facing mutation, aimed at `product`: (name, query, variables)."""
    variant = product.variants.get()
    return [
        ("vendorProductUpdate", UPDATE, {"id": gid("Product", product.pk), "input": {"name": "x"}}),
        (
            "vendorProductUpdate",
            UPDATE,
            {
                "id": gid("Product", product.pk),
                "input": {
                    "stock": [
                        {
                            "variant": gid("ProductVariant", variant.pk),
                            "warehouse": gid("Warehouse", market.other_warehouse.pk),
                            "quantity": 1,
                        }
                    ]
                },
            },
        ),
        ("productSubmitForReview", SUBMIT, {"id": gid("Product", product.pk)}),
    ]


def test_another_vendors_product_is_not_found_on_every_mutation(market, client):
    product = market.product()  # of market.vendor
    intruder = api(client, market.other_owner)
    before = AuditLogEntry.objects.count()
    for name, query, variables in _vendor_mutations(market, product):
        data = intruder.query(query, variables)[name]
        assert [e["code"] for e in data["errors"]] == ["NOT_FOUND"], name
    # The certificate upload (multipart).
    operations = {
        "query": """mutation($input: ProductCertificateUploadInput!) {
          productCertificateUpload(input: $input) { errors { field code } } }""",
        "variables": {
            "input": {
                "product": gid("Product", product.pk),
                "kind": "ORGANIC",
                "number": "OR-1",
                "file": None,
                "issuedOn": timezone.localdate().isoformat(),
            }
        },
    }
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
            "0": pdf_upload(),
        },
        HTTP_AUTHORIZATION=f"Bearer {intruder.token}",
    )
    errors = response.json()["data"]["productCertificateUpload"]["errors"]
    assert errors == [{"field": "product", "code": "NOT_FOUND"}]
    # Nothing changed, nothing audited.
    product.refresh_from_db()
    assert product.name == "红薯粉丝"
    assert Listing.objects.get(product=product).state == "draft"
    assert AuditLogEntry.objects.count() == before
    # Vendor staff cannot review at all (not even their own products).
    for query, variables in (
        (APPROVE, {"id": gid("Product", product.pk)}),
        (REJECT, {"id": gid("Product", product.pk), "reasons": "x", "checklist": ALL_PASS}),
    ):
        body = api(client, market.owner).post(query, variables).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_another_vendors_product_is_invisible_to_queries(market, client):
    product = market.product()
    intruder = api(client, market.other_owner)
    assert intruder.query(LISTING, {"product": gid("Product", product.pk)}) == {
        "productListing": None
    }
    assert intruder.query(VENDOR_PRODUCTS)["vendorProducts"]["totalCount"] == 0
    assert api(client, None).query(VENDOR_PRODUCTS)["vendorProducts"]["totalCount"] == 0
    own = api(client, market.staff).query(VENDOR_PRODUCTS)["vendorProducts"]
    assert own["totalCount"] == 1
    assert own["edges"][0]["node"] == {"state": "DRAFT", "product": {"name": "红薯粉丝"}}
    body = intruder.post(QUEUE).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_review_through_the_api_with_checklist_audit_and_sms(
    market, client, sms, django_capture_on_commit_callbacks
):
    product = market.product(product_type=market.packaged)
    owner = api(client, market.owner)
    data = owner.query(SUBMIT, {"id": gid("Product", product.pk)})["productSubmitForReview"]
    assert sorted((e["code"], e["field"], e["kind"]) for e in data["errors"]) == [
        ("MISSING_DOCUMENT", "documents", "INSPECTION_REPORT"),
        ("MISSING_DOCUMENT", "documents", "SC_LICENCE"),
    ]
    assert all(e["message"] for e in data["errors"])
    certificate(product, CertificateKind.INSPECTION_REPORT)
    certificate(product, CertificateKind.SC_LICENCE)
    data = owner.query(SUBMIT, {"id": gid("Product", product.pk)})["productSubmitForReview"]
    assert data == {"listing": {"state": "SUBMITTED"}, "errors": []}

    reviewer = api(client, market.reviewer)
    # A rejection needs a reason or a failing item.
    data = reviewer.query(
        REJECT, {"id": gid("Product", product.pk), "reasons": " ", "checklist": ALL_PASS}
    )["productReviewReject"]
    assert data["errors"] == [{"field": "reasons", "code": "REASON_REQUIRED"}]
    with django_capture_on_commit_callbacks(execute=True):
        data = reviewer.query(
            REJECT,
            {
                "id": gid("Product", product.pk),
                "reasons": "净含量标注不清",
                "checklist": {**ALL_PASS, "netContent": "FAIL"},
            },
        )["productReviewReject"]
    assert data["errors"] == []
    assert data["listing"]["state"] == "REJECTED"
    [decision] = data["listing"]["decisions"]
    assert decision["reasons"] == "净含量标注不清"
    assert {"item": "NET_CONTENT", "label": "净含量", "result": "FAIL"} in decision["checklist"]
    [message] = sms(market.owner.phone)
    assert "未通过审核" in message and "净含量标注不清" in message

    owner.query(SUBMIT, {"id": gid("Product", product.pk)})
    with django_capture_on_commit_callbacks(execute=True):
        data = reviewer.query(APPROVE, {"id": gid("Product", product.pk), "checklist": ALL_PASS})[
            "productReviewApprove"
        ]
    assert data["errors"] == []
    assert data["listing"]["state"] == "APPROVED"
    assert {"item": "ORIGIN", "result": "NOT_APPLICABLE"} in data["decision"]["checklist"]
    assert "已通过审核并上架" in sms(market.owner.phone)[-1]
    assert product.channel_listings.get().is_published

    actions = list(
        AuditLogEntry.objects.filter(object_type="listings.Listing").values_list(
            "action", flat=True
        )
    )
    assert actions.count("listing.submitted") == 2
    assert "listing.rejected" in actions and "listing.approved" in actions
    rejected = AuditLogEntry.objects.get(action="listing.rejected")
    assert rejected.before["state"] == "submitted" and rejected.after["state"] == "rejected"
    assert rejected.actor == market.reviewer
    assert rejected.after["checklist"]["net_content"] == "fail"
    assert ReviewDecision.objects.count() == 2


def test_review_queue_has_no_query_per_listing(market, client, django_assert_max_num_queries):
    reviewer = api(client, market.reviewer)

    def fill(count):
        for _ in range(count):
            product = market.product(certifications=["green-food"])
            certificate(product, CertificateKind.GREEN_FOOD)
            services.submit_for_review(actor=market.owner, product=product)

    fill(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        data = reviewer.query(QUEUE)["listingReviewQueue"]
    assert data["totalCount"] == 2
    fill(6)
    with CaptureQueriesContext(connection) as many:
        data = reviewer.query(QUEUE)["listingReviewQueue"]
    assert data["totalCount"] == 8
    node = data["edges"][0]["node"]
    assert node["certificationBadges"] == ["green-food"] and node["missingDocuments"] == []
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("variables", "error"),
    [
        ({"input": {"name": " "}}, {"field": "name", "code": "REQUIRED", "kind": None}),
        (
            {"input": {"certifications": ["no-such-badge"]}},
            {"field": "certifications", "code": "UNKNOWN_BADGE", "kind": None},
        ),
        (
            {"input": {"prices": [{"variant": "UHJvZHVjdFZhcmlhbnQ6MQ==", "price": "0"}]}},
            None,
        ),
        (
            {"input": {"category": "not-an-id"}},
            {"field": "category", "code": "GRAPHQL_ERROR", "kind": None},
        ),
    ],
)
def test_bad_input_gets_typed_errors(market, client, variables, error):
    product = market.product()
    owner = api(client, market.owner)
    response = owner.post(UPDATE, {"id": gid("Product", product.pk), **variables})
    assert response.status_code == 200
    data = response.json()["data"]["vendorProductUpdate"]
    if error is None:
        assert data["errors"][0]["code"] in ("NOT_FOUND", "INVALID_PRICE")
    else:
        assert data["errors"] == [error]
    product.refresh_from_db()
    assert product.name == "红薯粉丝"


def test_bad_create_input_gets_typed_errors(market, client):
    owner = api(client, market.owner)
    base = {
        "name": "粉丝",
        "category": gid("Category", market.shop.rice.pk),
        "productType": gid("ProductType", market.grain.pk),
        "variants": [{"sku": "A-1", "price": "1.00"}],
    }
    cases = [
        ({"variants": []}, "REQUIRED"),
        ({"variants": [{"sku": "A-1", "price": "1.001"}]}, "INVALID_PRICE"),
        ({"variants": [{"sku": " ", "price": "1.00"}]}, "REQUIRED"),
        ({"category": gid("Category", 999999)}, "NOT_FOUND"),
        (
            {
                "variants": [
                    {
                        "sku": "A-2",
                        "price": "1.00",
                        "stock": [
                            {
                                "warehouse": gid("Warehouse", market.other_warehouse.pk),
                                "quantity": 1,
                            }
                        ],
                    }
                ]
            },
            "NOT_VENDOR_WAREHOUSE",
        ),
        (
            {
                "variants": [
                    {
                        "sku": "A-3",
                        "price": "1.00",
                        "stock": [
                            {"warehouse": gid("Warehouse", market.warehouse.pk), "quantity": -1}
                        ],
                    }
                ]
            },
            "INVALID",
        ),
        ({"variants": [{"sku": "A-4", "price": "1.00", "weightGrams": 2_000_000_000}]}, "INVALID"),
        ({"variants": [{"sku": "S" * 300, "price": "1.00"}]}, "INVALID"),
        (
            {"variants": [{"sku": "A-5", "price": "1.00"}, {"sku": "A-5", "price": "2.00"}]},
            "UNIQUE",
        ),
        ({"variants": [{"sku": "A-6", "price": "99999999.00"}]}, "INVALID_PRICE"),
        ({"name": "名" * 251}, "INVALID"),
        ({"name": "粉\x00丝"}, "INVALID"),  # PostgreSQL cannot store NUL
        ({"description": "好\x00吃"}, "INVALID"),
        ({"variants": [{"sku": "A\x007", "price": "1.00"}]}, "INVALID"),
    ]
    for override, code in cases:
        response = owner.post(CREATE, {"input": {**base, **override}})
        assert response.status_code == 200
        errors = response.json()["data"]["vendorProductCreate"]["errors"]
        assert [e["code"] for e in errors] == [code], override
    assert not Listing.objects.exists()
    # Not vendor staff at all.
    data = api(client, market.reviewer).query(CREATE, {"input": base})["vendorProductCreate"]
    assert data["errors"] == [{"field": None, "code": "NOT_VENDOR_STAFF"}]


def test_checklist_values_are_checked(market):
    from django.core.exceptions import ValidationError

    product = market.product()
    services.submit_for_review(actor=market.owner, product=product)
    with pytest.raises(ValidationError) as raised:
        services.reject_listing(
            actor=market.reviewer, product=product, reasons="x", checklist={"labelling": "maybe"}
        )
    assert raised.value.error_dict["checklist"][0].code == "INVALID_CHECKLIST"
    with pytest.raises(ValidationError) as raised:
        services.approve_listing(
            actor=market.reviewer, product=product, checklist={"photos_truthful": "fail"}
        )
    assert raised.value.error_dict["checklist"][0].code == "INVALID_CHECKLIST"


MEDIA_ADD = """mutation($product: ID!, $image: Upload!) {
  vendorProductMediaAdd(product: $product, image: $image, alt: "新包装") {
    mediaId pending listing { hasPendingRevision } errors { field code }
  }
}"""
MEDIA_REMOVE = """mutation($product: ID!, $media: ID!) {
  vendorProductMediaRemove(product: $product, media: $media) {
    listing { hasPendingRevision } errors { field code }
  }
}"""


def _add_photo(client, user, product, content: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    variables = {"product": gid("Product", product.pk), "image": None}
    operations = {"query": MEDIA_ADD, "variables": variables}
    return client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.image"]}),
            "0": SimpleUploadedFile("photo.png", content, content_type="image/png"),
        },
        HTTP_AUTHORIZATION=f"Bearer {api(client, user).token}",
    ).json()["data"]["vendorProductMediaAdd"]


def test_photos_through_the_api(market, client):
    from tests.listings.conftest import png_bytes

    product = market.approved()
    data = _add_photo(client, market.owner, product, png_bytes())
    assert data["errors"] == [] and data["pending"] is True
    assert data["listing"] == {"hasPendingRevision": True}
    assert not product.media.exists()  # shoppers see only approved photos
    assert _add_photo(client, market.other_owner, product, png_bytes())["errors"] == [
        {"field": "product", "code": "NOT_FOUND"}
    ]
    assert _add_photo(client, market.owner, product, b"not an image")["errors"] == [
        {"field": "image", "code": "INVALID_IMAGE"}
    ]
    owner = api(client, market.owner)
    variables = {"product": gid("Product", product.pk), "media": data["mediaId"]}
    intruder = api(client, market.other_owner).query(MEDIA_REMOVE, variables)
    assert intruder["vendorProductMediaRemove"]["errors"] == [
        {"field": "product", "code": "NOT_FOUND"}
    ]
    removed = owner.query(MEDIA_REMOVE, variables)["vendorProductMediaRemove"]
    assert removed["errors"] == []
    missing = owner.query(MEDIA_REMOVE, {**variables, "media": "garbage"})
    assert missing["vendorProductMediaRemove"]["errors"][0]["code"] == "GRAPHQL_ERROR"


NODE = """query($id: ID!) { node(id: $id) { id } }"""


def test_node_answers_only_for_rows_the_user_may_see(market, client):
    product = market.product()
    services.submit_for_review(actor=market.owner, product=product)
    services.reject_listing(
        actor=market.reviewer,
        product=product,
        reasons="图片模糊",
        checklist=checklist("photos_truthful"),
    )
    listing = Listing.objects.get(product=product)
    ids = [
        gid("Listing", listing.pk),
        gid("ReviewDecision", ReviewDecision.objects.get().pk),
        gid("ProductCertificate", certificate(product).pk),
    ]
    for node_id in ids:
        for user, visible in (
            (market.owner, True),
            (market.reviewer, True),
            (market.other_owner, False),
            (None, False),
        ):
            data = api(client, user).query(NODE, {"id": node_id})
            assert (data["node"] is not None) == visible, (node_id, user)
