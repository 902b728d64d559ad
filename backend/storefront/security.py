"""The Content-Security-Policy of the shopper pages.

The pages run no inline script and no script at all from elsewhere (the storefront works
without JavaScript), take styles and images from this site only (plus the media and static
hosts when those are served from object storage or a CDN), and may not be framed. Data blocks
such as the schema.org JSON-LD are not executed, so `script-src 'self'` does not block them.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def content_security_policy() -> str:
    media = _origin(settings.MEDIA_URL or "")
    static = _origin(settings.STATIC_URL or "")
    images = " ".join(["'self'", "data:", *(o for o in (media, static) if o)])
    styles = " ".join(["'self'", *(o for o in (static,) if o)])
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {images}",
            f"style-src {styles}",
            "script-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def with_csp(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response

    return wrapped
