"""How the marketplace signs its text messages and e-mails: with the public brand's own name.

Chinese SMS gateways require a registered signature (短信签名) in 【】 at the head of every
message; ours is the brand from `catalog_seed/county.yaml` (【伊山伊水】 for Guanyun), so another
county's messages carry its own brand. Before a brand is seeded the generic 【县域电商】 is used.

The signature is kept out of the translated strings (it is a name, the same in every language)
and cached by the catalog version, which every brand row change bumps.
"""

from __future__ import annotations

from django.core.cache import cache

from backend.catalog.cache import catalog_version

FALLBACK_NAME = "县域电商"
CACHE_SECONDS = 3600


def brand_name() -> str:
    """The active public brand's name, or the generic fallback before the seed is loaded."""
    from backend.brand.models import PublicBrand

    key = f"brand:name:{catalog_version()}"
    name = cache.get(key)
    if name is None:
        name = (
            PublicBrand.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("name", flat=True)
            .first()
        ) or FALLBACK_NAME
        cache.set(key, name, CACHE_SECONDS)
    return str(name)


def sms_signature() -> str:
    """【<brand>】, to put at the head of every text message."""
    return f"【{brand_name()}】"


def signed(message: str) -> str:
    """`message` with the signature in front (once, even if the caller signed it already)."""
    signature = sms_signature()
    return message if message.startswith(signature) else f"{signature}{message}"
