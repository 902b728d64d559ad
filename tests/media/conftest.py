"""Image builders for the media tests: real files encoded by Pillow, no fixtures on disk."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


@pytest.fixture
def make_image():
    """make_image(width, height, "JPEG") → bytes of a real image of that size and format."""

    def make(width: int = 800, height: int = 600, image_format: str = "JPEG", **options) -> bytes:
        mode = "RGBA" if image_format in ("PNG", "WEBP") else "RGB"
        image = Image.new(mode, (width, height), (200, 120, 40))
        return encoded(image, image_format, **options)

    return make


@pytest.fixture
def pixel_bomb() -> bytes:
    """A 200-byte PNG whose header claims 100,000 × 100,000 pixels (10 gigapixels).

    Built by rewriting the IHDR chunk of a 1×1 PNG with a correct CRC, the way real
    decompression bombs are made: the file is tiny, decoding it would need ~30 GB.
    """
    data = bytearray(encoded(Image.new("RGB", (1, 1)), "PNG"))
    ihdr_start = 8 + 4 + 4  # signature, chunk length, "IHDR"
    data[ihdr_start : ihdr_start + 8] = struct.pack(">II", 100_000, 100_000)
    crc = zlib.crc32(bytes(data[12 : ihdr_start + 13])) & 0xFFFFFFFF
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack(">I", crc)
    return bytes(data)
