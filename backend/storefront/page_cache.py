"""Whole-page cache of the home page for first-time visitors.

A shopper arriving from a shared link has no cookies: no session, no messages, no cart. For
them the home page is the same for everyone who reads the same language on the same host, so
the rendered response is kept in the cache together with the catalog version it was made
from. Both are read in one round trip (MGET), and a page made from an older catalog is never
served. Anyone with a session (signed in, a cart, a flash message) gets a freshly rendered
page, built from cached fragments as before.

The cached pages carry no CSRF token: the only form on them, the language switch, is a GET
form (see `views.switch_language`).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from backend.catalog.cache import VERSION_KEY, catalog_version
from backend.catalog.schedule import schedule_epoch

PAGE_CACHE_SECONDS = 600
# Cookies that make a page personal: the session (user, cart) and flash messages.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Headers kept with the cached page (Vary tells shared caches what the page depends on).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy")


def is_anonymous_first_visit(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def _page_key(name: str, request) -> str:
    return f"page:{name}:{request.get_host()}:{request.LANGUAGE_CODE}"


def cache_anonymous_page(name: str):
    """Serve the view's response from the cache to anonymous first visits (see module doc)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_anonymous_first_visit(request):
                return view(request, *args, **kwargs)
            key = _page_key(name, request)
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY)
            if version is None:
                version = catalog_version()
            # A scheduled window opening or closing (a banner, a price) makes a new page at
            # that instant: the stamp holds the schedule epoch with the catalog version.
            stamp = (int(version), schedule_epoch())
            entry = found.get(key)
            if entry is not None and entry[0] == stamp:
                response = HttpResponse(entry[1], status=200)
                for header, value in entry[2].items():
                    response.headers[header] = value
                return response
            response = view(request, *args, **kwargs)
            # A page that handed out a CSRF token (or set any cookie) is personal.
            personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code == 200 and not personal:
                headers = {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}
                cache.set(key, (stamp, response.content, headers), PAGE_CACHE_SECONDS)
            return response

        return wrapped

    return decorator
