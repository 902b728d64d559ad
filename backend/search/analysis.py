"""Text analysis shared by indexing and querying: jieba segmentation with the county's
dictionary, pinyin (full and initials) with pypinyin, and query cleaning.

The county dictionary holds the words jieba cannot know: town and village names from
catalog_seed/county.yaml, product, vendor and category names and the attribute values
(origin towns, certifications) in the seed. It is built once per process (`segmenter()`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache
from pathlib import Path

import jieba
import yaml
from django.conf import settings
from pypinyin import Style, lazy_pinyin

MAX_QUERY_CHARS = 100
MAX_QUERY_TOKENS = 8
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
_lock = threading.Lock()

# Words that carry no meaning on their own in a product search.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "有",
        "个",
        "等",
        "之",
        "为",
        "把",
        "被",
        "也",
        "都",
        "很",
    ]
)


def _seed_dir() -> Path:
    return Path(getattr(settings, "CATALOG_SEED_DIR", Path(settings.BASE_DIR) / "catalog_seed"))


def county_words() -> list[str]:
    """Names from catalog_seed/: towns, villages, products, vendors, categories, attribute
    values (origin towns, certifications). Missing files are skipped."""
    seed = _seed_dir()
    words: set[str] = set()
    keys = ("name", "town", "village", "origin", "certification", "villages", "towns")

    def load(path: Path):
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return {}

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in keys and isinstance(value, str):
                    words.add(value)
                elif (
                    key in keys
                    and isinstance(value, list)
                    and all(isinstance(v, str) for v in value)
                ):
                    words.update(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in [seed / "county.yaml", seed / "vendors.yaml", seed / "categories.yaml"]:
        walk(load(path))
    for path in sorted((seed / "products").glob("*.yaml")):
        walk(load(path))
    for word in list(words):
        # Town names without their suffix (东王集镇 → 东王集) are what people type.
        for suffix in ("镇", "乡", "村", "街道"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                words.add(word[: -len(suffix)])
    return sorted(w for w in words if _HAN.search(w) and 2 <= len(w) <= 20 and " " not in w)


@cache
def segmenter() -> jieba.Tokenizer:
    with _lock:
        jieba.setLogLevel(60)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in county_words():
            tokenizer.add_word(word, freq=20000)
        return tokenizer


def clean(text: str) -> str:
    """NFKC, lower case, control characters and punctuation to spaces, length capped."""
    text = unicodedata.normalize("NFKC", str(text or "")[:20000]).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def segment(text: str, *, for_search: bool = True) -> list[str]:
    """Words of `text` (jieba search mode: 东王集大米 → 东王, 王集, 东王集, 大米 ...)."""
    tokenizer = segmenter()
    out: list[str] = []
    for chunk in _WORD.findall(clean(text)):
        if _HAN.match(chunk):
            words = tokenizer.cut_for_search(chunk) if for_search else tokenizer.cut(chunk)
            out.extend(w for w in words if w.strip() and w not in STOPWORDS)
        else:
            out.append(chunk)
    return out


def full_pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word, errors="ignore")).lower()


def initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")).lower()


def is_han(word: str) -> bool:
    return bool(_HAN.search(word))


def lexeme(word: str) -> str:
    """A word made safe as a tsquery/tsvector lexeme (letters and digits only)."""
    return "".join(ch for ch in word if ch.isalnum())
