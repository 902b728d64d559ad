"""Product images: validate an upload, store it, and have its thumbnails made in the background.

Every path that adds a product image (the GraphQL mutation, the dashboard, the catalog seed)
goes through `create_product_media`, so a file is judged by what Pillow can decode rather than
by its name or the content type a client claims, and one oversized or malicious upload cannot
exhaust a web worker's memory.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from backend.catalog.models import Product, ProductMedia, ProductMediaType

# Formats a browser shows natively; anything else (TIFF, BMP, PSD, ICO...) is refused so the
# storefront never links an image a shopper's phone cannot display.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# 40 megapixels is more than any phone camera delivers for a product photo; an image claiming
# more is almost always a decompression bomb (a small file that decodes to gigabytes).
DEFAULT_MAX_PIXELS = 40_000_000


class ProductMediaErrorCode(models.TextChoices):
    """Stable codes clients match on (Saleor: ProductErrorCode for media mutations)."""

    INVALID_IMAGE = "INVALID_IMAGE", gettext_lazy("文件不是有效的图片")
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT", gettext_lazy("不支持的图片格式")
    FILE_TOO_LARGE = "FILE_TOO_LARGE", gettext_lazy("文件过大")
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE", gettext_lazy("图片像素过多")
    REQUIRED = "REQUIRED", gettext_lazy("缺少图片")


class ProductMediaError(Exception):
    """A rejected image, with the field it concerns and a stable code for the API's errors."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"ProductMediaError(code={self.code!r}, field={self.field!r})"


@dataclass(frozen=True)
class InspectedImage:
    """What an accepted upload turned out to be."""

    content: bytes
    format: str
    extension: str
    width: int
    height: int
    checksum: str


def max_pixels() -> int:
    return int(getattr(settings, "PRODUCT_MEDIA_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def read_upload(image_file: IO[bytes] | bytes | None, *, field: str = "image") -> bytes:
    """Read at most PRODUCT_MEDIA_MAX_BYTES + 1 bytes, so a huge upload is refused unread."""
    if image_file is None:
        raise ProductMediaError(ProductMediaErrorCode.REQUIRED, field, _("请选择要上传的图片。"))
    limit = settings.PRODUCT_MEDIA_MAX_BYTES
    if isinstance(image_file, bytes | bytearray):
        content = bytes(image_file)
    else:
        declared = getattr(image_file, "size", None)
        if declared is not None and declared > limit:
            raise _too_large(field, limit)
        if hasattr(image_file, "seek"):
            image_file.seek(0)
        content = image_file.read(limit + 1)
    if len(content) > limit:
        raise _too_large(field, limit)
    if not content:
        raise ProductMediaError(ProductMediaErrorCode.INVALID_IMAGE, field, _("上传的文件是空的。"))
    return content


def inspect_image(content: bytes, *, field: str = "image") -> InspectedImage:
    """Decode the header and verify the data; refuse what a browser could not show safely.

    Pillow is asked for the format it actually finds, so a PDF renamed `.jpg` is refused. The
    pixel count is checked from the header before any decoding, and Pillow's own
    decompression-bomb guard is turned into the same typed error.
    """
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format or ""
                width, height = image.size
                if image_format not in ALLOWED_FORMATS:
                    raise ProductMediaError(
                        ProductMediaErrorCode.UNSUPPORTED_FORMAT,
                        field,
                        _("不支持 %(format)s 格式，请上传 JPEG、PNG、WebP 或 GIF 图片。")
                        % {"format": image_format or _("未知")},
                    )
                if width * height > limit:
                    raise _pixel_bomb(field, width, height, limit)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ProductMediaError(
            ProductMediaErrorCode.IMAGE_TOO_LARGE,
            field,
            _("图片像素过多（上限 %(limit)s 像素）。") % {"limit": limit},
        ) from exc
    except UnidentifiedImageError as exc:
        raise ProductMediaError(
            ProductMediaErrorCode.INVALID_IMAGE, field, _("无法识别的图片文件。")
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        # Truncated or corrupt data: Pillow reports it as OSError or SyntaxError from verify().
        raise ProductMediaError(
            ProductMediaErrorCode.INVALID_IMAGE, field, _("图片文件已损坏或不完整。")
        ) from exc
    return InspectedImage(
        content=content,
        format=image_format,
        extension=ALLOWED_FORMATS[image_format],
        width=width,
        height=height,
        checksum=hashlib.sha256(content).hexdigest(),
    )


@transaction.atomic
def create_product_media(
    *,
    product: Product,
    image_file: IO[bytes] | bytes | None,
    alt: str = "",
    sort_order: int | None = None,
) -> ProductMedia:
    """Validate and store one product image; its thumbnails are made after the commit.

    The stored name is derived from the content's checksum, never from the client's file name,
    so names cannot collide or carry path tricks. Thumbnails are scheduled with on_commit: a
    worker must not look for a row that a rolled-back transaction never wrote.
    """
    from backend.catalog.tasks import generate_product_media_thumbnails

    inspected = inspect_image(read_upload(image_file))
    if sort_order is None:
        current = product.media.aggregate(last=Max("sort_order"))["last"]
        sort_order = 0 if current is None else current + 1
    media = ProductMedia(
        product=product,
        alt=alt[:250],
        type=ProductMediaType.IMAGE,
        sort_order=sort_order,
        checksum=inspected.checksum,
    )
    media.image.save(
        f"{inspected.checksum[:16]}.{inspected.extension}",
        ContentFile(inspected.content),
        save=False,
    )
    media.save()
    media_id = media.pk
    transaction.on_commit(lambda: generate_product_media_thumbnails.delay(media_id))
    return media


def _too_large(field: str, limit: int) -> ProductMediaError:
    return ProductMediaError(
        ProductMediaErrorCode.FILE_TOO_LARGE,
        field,
        _("文件过大，图片不能超过 %(size)s MB。") % {"size": round(limit / 1024 / 1024, 1)},
    )


def _pixel_bomb(field: str, width: int, height: int, limit: int) -> ProductMediaError:
    return ProductMediaError(
        ProductMediaErrorCode.IMAGE_TOO_LARGE,
        field,
        _("图片尺寸 %(width)s×%(height)s 像素过多（上限 %(limit)s 像素）。")
        % {"width": width, "height": height, "limit": limit},
    )
