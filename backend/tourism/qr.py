"""The QR code on the shopper's phone: `CMTOUR:<code>`, drawn as SVG by segno (pure Python).

It carries nothing but the code the shopper also sees and receives by SMS; the venue's desk
reads either (backend.tourism.codes.normalize strips the prefix)."""

from __future__ import annotations

import io

import segno

from backend.tourism import codes


def svg_for(code: str, *, scale: int = 6) -> str:
    buffer = io.BytesIO()
    segno.make(codes.qr_payload(code), error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False
    )
    return buffer.getvalue().decode()
