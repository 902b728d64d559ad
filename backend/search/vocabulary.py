"""The vocabulary (SearchTerm rows) and synonyms, held in process memory for a minute.

Typo tolerance without pg_trgm: the vocabulary is small (a few thousand words), so a query
word that is not in it is compared with every word of similar length by edit distance, in
Python, over its characters (Chinese) or letters (pinyin, initials).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.core.cache import cache

from backend.search import analysis

TTL_SECONDS = 60
_VERSION_KEY = "search:vocabulary-version"


@dataclass
class Vocabulary:
    loaded_at: float = 0.0
    version: int = 0
    terms: dict[str, int] = field(default_factory=dict)  # word → frequency
    pinyin: dict[str, str] = field(default_factory=dict)  # pinyin → word
    initials: dict[str, str] = field(default_factory=dict)  # initials → word
    names: set[str] = field(default_factory=set)
    synonyms: dict[str, set[str]] = field(default_factory=dict)


_state = Vocabulary()


def invalidate() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)
    _state.loaded_at = 0.0


def current() -> Vocabulary:
    global _state
    now = time.monotonic()
    version = cache.get(_VERSION_KEY, 0)
    if _state.loaded_at and now - _state.loaded_at < TTL_SECONDS and version == _state.version:
        return _state
    from backend.search.models import SearchTerm, Synonym

    vocab = Vocabulary(loaded_at=now, version=version)
    for term, pinyin, initials, frequency, is_name in SearchTerm.objects.values_list(
        "term", "pinyin", "initials", "frequency", "is_product_name"
    ):
        vocab.terms[term] = frequency
        if pinyin:
            vocab.pinyin.setdefault(pinyin, term)
        if initials and len(initials) >= 2:
            vocab.initials.setdefault(initials, term)
        if is_name:
            vocab.names.add(term)
    for synonym in Synonym.objects.filter(is_active=True):
        group = {analysis.lexeme(analysis.clean(t)) for t in synonym.term_list()} - {""}
        for term in group:
            vocab.synonyms.setdefault(term, set()).update(group - {term})
    _state = vocab
    return vocab


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps) distance, stopping early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def is_known(word: str, vocab: Vocabulary | None = None) -> bool:
    vocab = vocab or current()
    if word in vocab.terms or word in vocab.synonyms:
        return True
    if not analysis.is_han(word):
        return any(p.startswith(word) for p in vocab.pinyin) or any(
            i.startswith(word) for i in vocab.initials
        )
    return False


def correct(word: str, vocab: Vocabulary | None = None) -> str | None:
    """The closest vocabulary word to an unknown `word`, or None. Chinese words allow one
    wrong character in 3+ characters; pinyin allows one edit up to 6 letters, two above."""
    vocab = vocab or current()
    if analysis.is_han(word):
        if len(word) < 2:
            return None
        limit = 1
        candidates = vocab.terms.keys()
        best = _best(word, candidates, limit, vocab)
        if best is None:
            # A typo'd Chinese word often has the right sound: compare pinyin.
            p = analysis.full_pinyin(word)
            hit = vocab.pinyin.get(p)
            return hit
        return best
    if len(word) < 3:
        return None
    limit = 1 if len(word) <= 6 else 2
    pin = _best(word, vocab.pinyin.keys(), limit, vocab, mapping=vocab.pinyin)
    return pin


def _best(word, candidates, limit, vocab, mapping=None) -> str | None:
    best: tuple[int, int, str] | None = None
    for cand in candidates:
        if abs(len(cand) - len(word)) > limit:
            continue
        distance = edit_distance(word, cand, limit)
        if distance <= limit:
            term = mapping[cand] if mapping else cand
            if analysis.is_han(word) and len(word) <= 2 and distance:
                continue
            key = (distance, -vocab.terms.get(term, 0), cand)
            if best is None or key < best:
                best = key
    if best is None:
        return None
    return best[2]


def suggest(prefix: str, limit: int = 8) -> list[str]:
    """Product names and words starting with `prefix`, or whose pinyin or initials do."""
    vocab = current()
    text = analysis.clean(prefix).replace(" ", "")
    if not text:
        return []
    scored: list[tuple[int, int, str]] = []
    for term, frequency in vocab.terms.items():
        if term.startswith(text):
            scored.append((0 if term in vocab.names else 1, -frequency, term))
    if not analysis.is_han(text):
        seen = {t for _a, _b, t in scored}
        for p, term in vocab.pinyin.items():
            if p.startswith(text) and term not in seen:
                seen.add(term)
                scored.append((0 if term in vocab.names else 2, -vocab.terms.get(term, 0), term))
        for i, term in vocab.initials.items():
            if i.startswith(text) and term not in seen:
                seen.add(term)
                scored.append((0 if term in vocab.names else 3, -vocab.terms.get(term, 0), term))
    scored.sort(key=lambda s: (s[0], s[1], len(s[2]), s[2]))
    return [term for _a, _b, term in scored[:limit]]
