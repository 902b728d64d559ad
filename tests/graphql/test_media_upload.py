"""productMediaCreate over the GraphQL multipart request specification, through the real view,
media service and file storage (thumbnail generation is scheduled on commit)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from graphql_relay import to_global_id
from PIL import Image

from backend.catalog.models import ProductMedia
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

MUTATION = """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input) {
  media { alt url } errors { field code } } }"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(client, token, product, content: bytes, name="rice.png"):
    operations = {
        "query": MUTATION,
        "variables": {
            "input": {"product": to_global_id("Product", product.pk), "image": None, "alt": "大米"}
        },
    }
    return client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.image"]}),
            "0": SimpleUploadedFile(name, content, content_type="image/png"),
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_upload_creates_media(client, staff_api_client):
    product = ProductFactory()
    response = _upload(client, staff_api_client.token, product, _png())
    data = response.json()["data"]["productMediaCreate"]
    assert data["errors"] == []
    assert data["media"]["alt"] == "大米"
    assert data["media"]["url"].startswith("http://testserver/media/products/")
    assert ProductMedia.objects.filter(product=product).count() == 1


def test_a_file_that_is_not_an_image_is_refused(client, staff_api_client):
    product = ProductFactory()
    response = _upload(client, staff_api_client.token, product, b"not an image at all", "x.png")
    data = response.json()["data"]["productMediaCreate"]
    assert data["media"] is None
    assert data["errors"][0] == {"field": "image", "code": "INVALID"}
    assert not ProductMedia.objects.exists()


def test_a_map_pointing_nowhere_is_a_400(client, staff_api_client):
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": MUTATION, "variables": {}}),
            "map": json.dumps({"0": ["variables.input.image"]}),
            "0": SimpleUploadedFile("a.png", _png(), content_type="image/png"),
        },
        HTTP_AUTHORIZATION=f"Bearer {staff_api_client.token}",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]
