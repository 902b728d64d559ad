"""Thumbnails of product images, in the original format and in WebP (Saleor: Thumbnail).

The storefront asks for an image at a size; the API answers with the stored thumbnail closest
to it, so phones download a few kilobytes instead of the original. Thumbnails are made by a
Celery task after the upload commits (`backend.catalog.tasks`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageOps

from backend.catalog.models import ProductMedia, Thumbnail, ThumbnailFormat

# Pillow's save() format names; "ORIGINAL" keeps the uploaded image's own format.
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
    "GIF": {},
}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass(frozen=True)
class RenderedThumbnail:
    content: bytes
    extension: str
    width: int
    height: int


def thumbnail_sizes() -> list[int]:
    return sorted(settings.THUMBNAIL_SIZES)


def render_thumbnail(image: Image.Image, *, size: int, image_format: str) -> RenderedThumbnail:
    """Fit the image inside a size×size box, keeping its aspect ratio and never upscaling.

    `image` must already be turned upright (EXIF orientation applied): a phone photo is
    stored sideways with an orientation tag, and a thumbnail without the tag would show
    sideways.
    """
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    if image_format == "JPEG" and copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    elif image_format == "WEBP" and copy.mode not in ("RGB", "RGBA"):
        copy = copy.convert(
            "RGBA" if "A" in copy.getbands() or "transparency" in copy.info else "RGB"
        )
    elif image_format == "GIF" and copy.mode not in ("P", "L"):
        copy = copy.convert("P", palette=Image.Palette.ADAPTIVE)
    buffer = io.BytesIO()
    copy.save(buffer, format=image_format, **_SAVE_OPTIONS[image_format])
    return RenderedThumbnail(
        content=buffer.getvalue(),
        extension=_EXTENSIONS[image_format],
        width=copy.width,
        height=copy.height,
    )


def open_upright(data: bytes) -> tuple[Image.Image, str]:
    """Decode an image (first frame of an animation) and apply its EXIF orientation."""
    with Image.open(io.BytesIO(data)) as source:
        original_format = source.format or "PNG"
        source.seek(0)
        upright = ImageOps.exif_transpose(source)
        upright.load()
    if original_format not in _EXTENSIONS:
        original_format = "PNG"
    return upright, original_format


def thumbnail_file_name(*, media_id: int, size: int, fmt: str, extension: str) -> str:
    """The name given to `Thumbnail.image.save`; the field's upload_to adds `thumbnails/`."""
    return f"{media_id}/{size}-{fmt.lower()}.{extension}"


def generate_thumbnails(*, media: ProductMedia) -> list[Thumbnail]:
    """Make every missing thumbnail of one image; existing ones are kept (idempotent).

    Running twice, or two workers racing on the same image after a retried task, leaves
    exactly one row per (size, format): the unique constraint decides and the loser's row is
    discarded.
    """
    if not media.image:
        return []
    existing = {(t.size, t.format): t for t in media.thumbnails.all()}
    wanted = [
        (size, fmt)
        for size in thumbnail_sizes()
        for fmt in (ThumbnailFormat.ORIGINAL, ThumbnailFormat.WEBP)
        if (size, fmt) not in existing
    ]
    if not wanted:
        return list(existing.values())
    with media.image.open("rb") as handle:
        data = handle.read()
    upright, original_format = open_upright(data)
    made = list(existing.values())
    for size, fmt in wanted:
        save_format = original_format if fmt == ThumbnailFormat.ORIGINAL else "WEBP"
        rendered = render_thumbnail(upright, size=size, image_format=save_format)
        thumbnail = Thumbnail(
            product_media=media,
            size=size,
            format=fmt,
            width=rendered.width,
            height=rendered.height,
        )
        thumbnail.image.save(
            thumbnail_file_name(
                media_id=media.pk, size=size, fmt=fmt, extension=rendered.extension
            ),
            ContentFile(rendered.content),
            save=False,
        )
        try:
            with transaction.atomic():
                thumbnail.save()
        except IntegrityError:
            if thumbnail.image.name:
                thumbnail.image.storage.delete(thumbnail.image.name)
            continue
        made.append(thumbnail)
    return made


def pick_thumbnail(
    thumbnails: Iterable[Thumbnail], size: int | None, format: Any = ThumbnailFormat.ORIGINAL
) -> Thumbnail | None:
    """The thumbnail to serve for a requested size, from rows already loaded (no query).

    Saleor semantics: the smallest available size that is at least the requested one, so the
    image is never blurred by upscaling; when every thumbnail is smaller, the largest. With
    no size requested, the largest. Only thumbnails in the requested format are considered.
    """
    wanted_format = normalise_format(format)
    candidates = sorted((t for t in thumbnails if t.format == wanted_format), key=lambda t: t.size)
    if not candidates:
        return None
    if size is None:
        return candidates[-1]
    for thumbnail in candidates:
        if thumbnail.size >= size:
            return thumbnail
    return candidates[-1]


def normalise_format(format: Any) -> str:
    """ "ORIGINAL"/"WEBP" from a string in any case, a TextChoices member or an API enum value
    (graphene passes its enum members), so every caller can hand over what it has."""
    if format is None:
        return ThumbnailFormat.ORIGINAL.value
    value = getattr(format, "value", format)
    value = getattr(value, "value", value)
    return str(value).upper()


def thumbnail_url(
    media: ProductMedia,
    size: int | None,
    format: Any = ThumbnailFormat.ORIGINAL,
    *,
    thumbnails: Iterable[Thumbnail] | None = None,
) -> str | None:
    """URL of the best thumbnail, or of the original while thumbnails are still being made.

    Pass the media's thumbnails as loaded by a data loader; without them the prefetched
    `media.thumbnails.all()` is used (a query unless prefetched).
    """
    rows = media.thumbnails.all() if thumbnails is None else thumbnails
    chosen = pick_thumbnail(rows, size, format)
    if chosen is not None and chosen.image:
        return chosen.image.url
    if media.image:
        return media.image.url
    return media.external_url
