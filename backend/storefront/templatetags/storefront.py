"""Template filters of the shopper pages: prices, search highlighting, product descriptions and
JSON-LD. Every filter escapes the text it is given; none trusts catalog or shopper input."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import escape, format_html, linebreaks, strip_tags
from django.utils.safestring import SafeString, mark_safe

from backend.core.money import Money, TaxedMoney, quantize_fen
from backend.search.backends.postgres import query_terms

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def yuan(value) -> str:
    """¥12.80: a price in yuan, rounded to the fen half-up (DESIGN.md: Money)."""
    if value is None or value == "":
        return ""
    if isinstance(value, TaxedMoney):
        value = value.gross
    if isinstance(value, Money):
        value = value.amount
    return f"¥{quantize_fen(Decimal(value)):.2f}"


@register.filter
def highlight(text, query) -> SafeString:
    """`text` escaped, with every occurrence of the search terms wrapped in <mark>."""
    text = str(text or "")
    terms = [t for t in query_terms(str(query or "")) if t]
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def _plain(value) -> str:
    # EditorJS stores inline HTML (<b>, <a href>) in block text; shoppers get its text only.
    return strip_tags(str(value or "")).replace("&nbsp;", " ").strip()


def _list_items(items) -> list[str]:
    texts = []
    for item in items or []:
        if isinstance(item, dict):
            item = item.get("content", "")
        texts.append(_plain(item))
    return [t for t in texts if t]


@register.filter
def rich_text(description, plaintext: str = "") -> SafeString:
    """A catalog description (EditorJS JSON: paragraphs, headers, lists, quotes) as escaped
    HTML; the plain-text copy when there are no blocks."""
    blocks = description.get("blocks") if isinstance(description, dict) else None
    if not blocks:
        return mark_safe(linebreaks(escape(plaintext or "")))
    html: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind, data = block.get("type"), block.get("data") or {}
        if kind == "header":
            html.append(format_html("<h3>{}</h3>", _plain(data.get("text"))))
        elif kind == "list":
            tag = "ol" if data.get("style") == "ordered" else "ul"
            items = "".join(format_html("<li>{}</li>", t) for t in _list_items(data.get("items")))
            html.append(f"<{tag}>{items}</{tag}>")
        elif kind == "quote":
            html.append(format_html("<blockquote>{}</blockquote>", _plain(data.get("text"))))
        else:
            text = _plain(data.get("text"))
            if text:
                html.append(format_html("<p>{}</p>", text))
    return mark_safe("".join(html))


@register.filter
def json_ld(data) -> SafeString:
    """A schema.org data block; the JSON is escaped like json_script so that a product name
    containing `</script>` cannot end the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
