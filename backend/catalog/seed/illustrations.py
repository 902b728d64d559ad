"""Small illustrative product pictures drawn with Pillow, so the demo needs no photo library.

The seed commits the pictures it uses (catalog_seed/images/); this module redraws missing ones
and draws the shared pictures of synthetic products. Drawing is deterministic: the same name
gives the same picture, so regenerating does not churn the repository or the media checksums.

Run `python -m backend.catalog.seed.illustrations [SEED_DIR]` to draw every image the product
files reference that does not exist yet.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Fonts that cover Chinese on common systems (Debian fonts-noto-cjk / fonts-wqy-*, macOS,
# Windows). Without one the picture is drawn without its caption.
CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
]

# Calm, print-like backgrounds; the picture's hue is picked from the name's hash.
PALETTE = [
    (238, 226, 196),
    (214, 232, 208),
    (204, 226, 238),
    (240, 214, 204),
    (226, 214, 238),
    (240, 236, 200),
    (210, 236, 228),
    (236, 220, 226),
]
INK = [
    (150, 96, 40),
    (64, 128, 72),
    (48, 96, 150),
    (176, 72, 56),
    (112, 80, 160),
    (176, 140, 32),
    (40, 132, 120),
    (160, 64, 104),
]


def find_cjk_font() -> str | None:
    configured = os.environ.get("COUNTY_MARKET_CJK_FONT")
    candidates = [configured] if configured else []
    for path in [*candidates, *CJK_FONT_CANDIDATES]:
        if path and Path(path).is_file():
            return path
    return None


def draw_product_image(*, name: str, size: int = 480) -> Image.Image:
    """A square picture: a tinted background, a stylised package and produce shapes, and the
    product's name when a Chinese font is installed."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    background = PALETTE[digest[0] % len(PALETTE)]
    ink = INK[digest[1] % len(INK)]
    accent = INK[(digest[1] + 3) % len(INK)]
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    unit = size / 24
    # Sun or moon in a corner and rolling fields: the county's landscape as a backdrop.
    draw.ellipse((size - 6 * unit, 2 * unit, size - 2 * unit, 6 * unit), fill=_tint(accent, 0.55))
    for band in range(3):
        top = size * (0.62 + band * 0.1)
        draw.ellipse(
            (-size * 0.3 + band * unit * 3, top, size * 1.3 - band * unit * 2, top + size * 0.5),
            fill=_tint(ink, 0.7 - band * 0.15),
        )
    # The package: a rounded box with a label stripe.
    left, top = 6 * unit, 5 * unit
    right, bottom = size - 6 * unit, size - 7 * unit
    draw.rounded_rectangle((left, top, right, bottom), radius=int(2 * unit), fill=(250, 248, 242))
    draw.rounded_rectangle(
        (left, top, right, bottom), radius=int(2 * unit), outline=ink, width=max(2, int(unit / 3))
    )
    draw.rectangle((left, top + 8 * unit, right, top + 11 * unit), fill=ink)
    # Produce shapes from the hash: grains, roots, leaves or drops.
    shape = digest[2] % 4
    for index in range(5 + digest[3] % 4):
        cx = left + (2 + (digest[4 + index] % 8)) * unit
        cy = top + 2 * unit + (digest[12 + index] % 5) * unit
        radius = unit * (0.6 + (digest[20 + index] % 3) * 0.3)
        _draw_shape(draw, shape, cx, cy, radius, accent)
    font_path = find_cjk_font()
    if font_path:
        caption = name if len(name) <= 8 else name[:8]
        font = ImageFont.truetype(font_path, int(2.2 * unit))
        box = draw.textbbox((0, 0), caption, font=font)
        text_x = (size - (box[2] - box[0])) / 2
        draw.text((text_x, top + 8.4 * unit), caption, font=font, fill=(255, 255, 255))
    return image


def _draw_shape(
    draw: ImageDraw.ImageDraw,
    shape: int,
    cx: float,
    cy: float,
    r: float,
    color: tuple[int, int, int],
) -> None:
    if shape == 0:  # grain
        draw.ellipse((cx - r * 0.6, cy - r * 1.2, cx + r * 0.6, cy + r * 1.2), fill=color)
    elif shape == 1:  # root / tuber
        draw.rounded_rectangle(
            (cx - r * 2, cy - r * 0.7, cx + r * 2, cy + r * 0.7), radius=int(r * 0.7), fill=color
        )
    elif shape == 2:  # leaf
        draw.polygon(
            [(cx, cy - r * 1.6), (cx + r, cy), (cx, cy + r * 1.6), (cx - r, cy)], fill=color
        )
    else:  # drop / bead
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)


def _tint(color: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(int(c + (255 - c) * amount) for c in color)  # type: ignore[return-value]


def encode(image: Image.Image, *, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, format="JPEG", quality=78, optimize=True)
    else:
        image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(
            buffer, format="PNG", optimize=True
        )
    return buffer.getvalue()


def render_missing_images(seed_root: Path) -> list[Path]:
    """Draw each image a product file references but the seed does not contain yet."""
    import yaml

    written = []
    for product_file in sorted((seed_root / "products").glob("*.yaml")):
        data = yaml.safe_load(product_file.read_text(encoding="utf-8")) or {}
        for product in data.get("products") or []:
            for image in product.get("images") or []:
                target = seed_root / image["file"]
                if target.exists():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                image_format = "PNG" if target.suffix.lower() == ".png" else "JPEG"
                target.write_bytes(
                    encode(draw_product_image(name=product["name"]), image_format=image_format)
                )
                written.append(target)
    return written


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "catalog_seed")
    for path in render_missing_images(root):
        print(path)
