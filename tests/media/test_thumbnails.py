"""Thumbnails: every configured size in the original format and in WebP, aspect kept, EXIF
orientation applied, made once; and the size chosen for a request follows Saleor.
Uses the real thumbnail code, Pillow, the file storage and a real PostgreSQL database."""

from __future__ import annotations

import pytest
from PIL import Image

from backend.catalog.media import create_product_media
from backend.catalog.models import Thumbnail
from backend.catalog.tasks import generate_product_media_thumbnails
from backend.catalog.thumbnails import generate_thumbnails, pick_thumbnail, thumbnail_url
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

SIZES = [64, 128, 256, 512, 1024]


@pytest.fixture(autouse=True)
def _sizes(settings):
    settings.THUMBNAIL_SIZES = SIZES


def test_thumbnails_in_original_format_and_webp_with_aspect_kept(make_image):
    media = create_product_media(product=ProductFactory(), image_file=make_image(800, 400, "JPEG"))

    thumbnails = generate_thumbnails(media=media)

    assert len(thumbnails) == len(SIZES) * 2
    for thumbnail in thumbnails:
        with thumbnail.image.open("rb") as handle, Image.open(handle) as image:
            assert image.format == ("JPEG" if thumbnail.format == "ORIGINAL" else "WEBP")
            expected_width = min(thumbnail.size, 800)
            assert image.size == (expected_width, expected_width // 2)
            assert (thumbnail.width, thumbnail.height) == image.size
        assert thumbnail.image.name.startswith(f"thumbnails/{media.pk}/{thumbnail.size}-")


def test_png_with_transparency_keeps_its_format(make_image):
    media = create_product_media(product=ProductFactory(), image_file=make_image(300, 300, "PNG"))
    generate_thumbnails(media=media)
    original = media.thumbnails.get(size=128, format="ORIGINAL")
    with original.image.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_exif_orientation_is_applied(make_image):
    """A phone photo stored landscape with 'rotate 90°' (orientation 6) is shown portrait."""
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = make_image(400, 200, "JPEG", exif=exif.tobytes())
    media = create_product_media(product=ProductFactory(), image_file=photo)

    generate_thumbnails(media=media)

    thumbnail = media.thumbnails.get(size=128, format="WEBP")
    assert (thumbnail.width, thumbnail.height) == (64, 128)


def test_generating_twice_makes_each_thumbnail_once(make_image):
    media = create_product_media(product=ProductFactory(), image_file=make_image(200, 200, "PNG"))
    assert generate_product_media_thumbnails(media.pk) == 10
    first = set(Thumbnail.objects.values_list("pk", flat=True))
    assert generate_product_media_thumbnails(media.pk) == 10
    assert set(Thumbnail.objects.values_list("pk", flat=True)) == first


def test_task_for_a_deleted_image_does_nothing():
    assert generate_product_media_thumbnails(987654321) == 0


def _rows(*sizes: int, fmt: str = "ORIGINAL") -> list[Thumbnail]:
    return [Thumbnail(size=size, format=fmt) for size in sizes]


def test_pick_thumbnail_takes_smallest_size_at_least_requested():
    rows = _rows(64, 128, 256, 512, 1024) + _rows(64, 256, fmt="WEBP")
    assert pick_thumbnail(rows, 100).size == 128
    assert pick_thumbnail(rows, 128).size == 128
    assert pick_thumbnail(rows, 2000).size == 1024
    assert pick_thumbnail(rows, None).size == 1024
    chosen = pick_thumbnail(rows, 100, "WEBP")
    assert (chosen.size, chosen.format) == (256, "WEBP")
    assert pick_thumbnail(_rows(64), 100, "WEBP") is None


def test_thumbnail_url_uses_loaded_rows_without_queries(make_image, django_assert_num_queries):
    media = create_product_media(product=ProductFactory(), image_file=make_image(300, 300, "PNG"))
    assert thumbnail_url(media, 100, thumbnails=[]) == media.image.url
    rows = generate_thumbnails(media=media)
    with django_assert_num_queries(0):
        url = thumbnail_url(media, 100, "WEBP", thumbnails=rows)
    assert url.endswith("128-webp.webp")


def test_pick_thumbnail_accepts_api_enum_members_and_any_case():
    """The GraphQL layer passes graphene enum members; their `.value` is the stored spelling."""
    import enum

    class ApiFormat(enum.Enum):
        WEBP = "WEBP"

    rows = _rows(64, 256, fmt="WEBP")
    assert pick_thumbnail(rows, 100, ApiFormat.WEBP).size == 256
    assert pick_thumbnail(rows, 100, "webp").size == 256
    assert pick_thumbnail(rows, 100, None) is None
