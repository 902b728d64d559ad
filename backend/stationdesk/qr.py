"""The pickup QR code: what it encodes and how the hand-over form reads it back.

The payload is `CMPICKUP:<parcel code>:<pickup code>`, so one scan at the counter fills both
fields of the hand-over. It carries nothing the shopper's text message does not already carry.
The SVG is drawn by segno (pure Python, no image libraries).
"""

from __future__ import annotations

import io
import re

import segno

from backend.routing import pickup_codes
from backend.routing.models import Shipment

PREFIX = "CMPICKUP"
_PAYLOAD = re.compile(rf"^\s*{PREFIX}:([A-Za-z0-9]{{1,16}}):(\d{{6}})\s*$")


def payload_for(shipment: Shipment) -> str:
    return f"{PREFIX}:{shipment.code}:{pickup_codes.code_for(shipment.pickup_code_salt)}"


def parse_payload(text: str) -> tuple[str, str] | None:
    """(parcel code, pickup code) from a scanned QR payload; None for anything else."""
    match = _PAYLOAD.match(text or "")
    if match is None:
        return None
    return match.group(1).upper(), match.group(2)


def svg_for(shipment: Shipment, *, scale: int = 6) -> str:
    buffer = io.BytesIO()
    segno.make(payload_for(shipment), error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False
    )
    return buffer.getvalue().decode()
