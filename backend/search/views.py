"""The storefront's suggestion endpoint: `/search/suggest/?q=` answers JSON for the small
progressive enhancement of the search box (theme/js/search_suggest.js) and, without script,
a short page of links."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backend.search import selectors
from backend.storefront.security import with_csp

MAX_CHARS = 100


@require_GET
@with_csp
def suggest(request):
    query = request.GET.get("q", "")[:MAX_CHARS]
    suggestions = selectors.suggestions(query, limit=8) if query.strip() else []
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"query": query, "suggestions": suggestions})
        response["Cache-Control"] = "public, max-age=60"
        return response
    return render(
        request,
        "storefront/search_suggest.html",
        {"query": query, "suggestions": suggestions, "robots": "noindex"},
    )
