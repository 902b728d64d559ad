"""productBulkImport over the GraphQL multipart request: counts, errors with row and column,
the report URL, and refusals without writing anything."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.account.jwt import create_access_token
from backend.catalog.models import Product
from tests.listings_import.conftest import csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db

MUTATION = """mutation($file: Upload!, $valid: Boolean) {
  productBulkImport(file: $file, importValidRows: $valid) {
    createdProducts createdVariants totalRows errorRows reportUrl
    errors { field message code row column } } }"""


def post(client, user, upload, valid=None):
    variables = {"file": None} if valid is None else {"file": None, "valid": valid}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(user)}"} if user else {}
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": MUTATION, "variables": variables}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": upload,
        },
        **headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["productBulkImport"]


def test_good_file(client, shop):
    data = post(client, shop.clerk, xlsx_file([row(), row(name="糙米", sku="C-1")]))
    assert data == {
        "createdProducts": 2,
        "createdVariants": 2,
        "totalRows": 2,
        "errorRows": 0,
        "reportUrl": None,
        "errors": [],
    }
    assert Product.objects.filter(vendor=shop.vendor).count() == 2


def test_bad_rows_write_nothing_and_come_back_with_row_column_and_code(client, shop):
    upload = csv_file([row(), row(name="糙米", sku="C-1", quantity="-1")])
    data = post(client, shop.owner, upload)
    assert data["createdProducts"] == 0 and data["errorRows"] == 1
    assert data["errors"] == [
        {
            "field": None,
            "message": "库存不能为负数。",
            "code": "INVALID_QUANTITY",
            "row": 3,
            "column": "库存",
        }
    ]
    assert data["reportUrl"].startswith("http://testserver/vendor/import/reports/")
    assert not Product.objects.exists()
    report = client.get(
        data["reportUrl"], HTTP_AUTHORIZATION=f"Bearer {create_access_token(shop.owner)}"
    )
    assert report.status_code == 200


def test_import_valid_rows(client, shop):
    upload = csv_file([row(), row(name="糙米", sku="C-1", quantity="-1")])
    data = post(client, shop.owner, upload, valid=True)
    assert data["createdProducts"] == 1 and len(data["errors"]) == 1
    assert list(Product.objects.values_list("name", flat=True)) == ["伊山大米"]


def test_unreadable_file_is_a_file_error(client, shop):
    data = post(client, shop.owner, SimpleUploadedFile("a.xlsx", b"%PDF-1.4 fake"))
    assert data["errors"][0]["code"] == "UNSUPPORTED_FILE_TYPE"
    assert data["errors"][0]["field"] == "file" and data["errors"][0]["row"] is None
    assert data["reportUrl"] is None and data["createdProducts"] == 0


@pytest.mark.parametrize("who", ["outsider", None])
def test_only_vendor_staff(client, shop, who):
    user = getattr(shop, who) if who else None
    data = post(client, user, csv_file([row()]))
    assert [e["code"] for e in data["errors"]] == ["NOT_VENDOR_STAFF"]
    assert data["createdProducts"] == 0 and not Product.objects.exists()


def test_the_file_must_be_a_multipart_upload(client, shop):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": MUTATION, "variables": {"file": "商品.csv"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_access_token(shop.owner)}",
    )
    assert response.status_code in (200, 400) and "errors" in response.json()
    assert not Product.objects.exists()
