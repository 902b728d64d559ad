"""Uploading product images through the media service: the file is judged by what Pillow
decodes, size and pixel count are capped, and thumbnails are scheduled after commit.
Uses the real media service, Pillow, the file storage and a real PostgreSQL database."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backend.catalog.media import ProductMediaError, create_product_media
from backend.catalog.models import ProductMedia
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def rejected(product, content: bytes, name: str = "photo.jpg") -> ProductMediaError:
    with pytest.raises(ProductMediaError) as caught:
        create_product_media(product=product, image_file=upload(content, name))
    assert not ProductMedia.objects.exists()
    return caught.value


def test_valid_jpeg_is_stored_under_its_checksum(make_image, django_capture_on_commit_callbacks):
    product = ProductFactory()
    content = make_image(640, 480, "JPEG")

    with django_capture_on_commit_callbacks() as callbacks:
        media = create_product_media(product=product, image_file=upload(content), alt="东王集大米")

    assert media.checksum == hashlib.sha256(content).hexdigest()
    assert media.image.name.endswith(f"{media.checksum[:16]}.jpg")
    assert media.alt == "东王集大米" and media.sort_order == 0
    # The thumbnail task is sent once, and only when the upload is committed (the catalog
    # version bump for the response cache is the other callback).
    scheduled = [cb for cb in callbacks if cb.__qualname__.startswith("create_product_media")]
    assert len(scheduled) == 1
    second = create_product_media(product=product, image_file=make_image(10, 10, "PNG"))
    assert second.sort_order == 1


def test_format_is_detected_from_content_not_extension(make_image):
    product = ProductFactory()
    media = create_product_media(
        product=product, image_file=upload(make_image(50, 50, "PNG"), "picture.jpg")
    )
    assert media.image.name.endswith(".png")


def test_unsupported_format_is_refused(make_image):
    error = rejected(ProductFactory(), make_image(40, 40, "BMP"), "photo.bmp")
    assert error.code == "UNSUPPORTED_FORMAT"
    assert error.field == "image"
    assert "BMP" in error.message


def test_file_that_is_not_an_image_is_refused():
    error = rejected(ProductFactory(), b"%PDF-1.7 this is a document, not a photo")
    assert error.code == "INVALID_IMAGE"


def test_truncated_image_is_refused(make_image):
    content = make_image(300, 300, "PNG")
    error = rejected(ProductFactory(), content[: len(content) // 2], "half.png")
    assert error.code == "INVALID_IMAGE"


def test_file_over_the_size_limit_is_refused(settings, make_image):
    settings.PRODUCT_MEDIA_MAX_BYTES = 2_000
    error = rejected(ProductFactory(), make_image(400, 400, "PNG", compress_level=0))
    assert error.code == "FILE_TOO_LARGE"


def test_oversized_stream_without_declared_size_is_refused_unread(settings):
    settings.PRODUCT_MEDIA_MAX_BYTES = 1_000
    stream = io.BytesIO(b"\xff" * 50_000)
    with pytest.raises(ProductMediaError) as caught:
        create_product_media(product=ProductFactory(), image_file=stream)
    assert caught.value.code == "FILE_TOO_LARGE"
    assert stream.tell() == 1_001


def test_pixel_bomb_is_refused_before_decoding(pixel_bomb):
    assert len(pixel_bomb) < 200
    error = rejected(ProductFactory(), pixel_bomb, "bomb.png")
    assert error.code == "IMAGE_TOO_LARGE"


def test_pixel_cap_follows_settings(settings, make_image):
    settings.PRODUCT_MEDIA_MAX_PIXELS = 100 * 100
    error = rejected(ProductFactory(), make_image(101, 100, "JPEG"))
    assert error.code == "IMAGE_TOO_LARGE"
    assert "101×100" in error.message


def test_missing_file_is_refused():
    with pytest.raises(ProductMediaError) as caught:
        create_product_media(product=ProductFactory(), image_file=None)
    assert caught.value.code == "REQUIRED"


def test_gif_and_webp_are_accepted(make_image):
    product = ProductFactory()
    gif = io.BytesIO()
    Image.new("P", (30, 20)).save(gif, format="GIF")
    assert create_product_media(product=product, image_file=gif.getvalue()).image.name.endswith(
        ".gif"
    )
    webp = create_product_media(product=product, image_file=make_image(30, 20, "WEBP"))
    assert webp.image.name.endswith(".webp")
