"""The vocabulary (SearchTerm rows) and synonyms, held in process memory for a minute.

Typo tolerance without pg_trgm: a query word that is not in the vocabulary is compared by
edit distance, in Python, with the words of similar length only (the words are kept in
buckets by length), over its characters (Chinese) or letters (pinyin). Prefix questions
(is this pinyin the start of a known word? suggestions as you type) bisect sorted lists, so
a catalogue of 100,000 product names (200,000 terms) costs no more per keystroke than a
small one.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from backend.search import analysis

# A change (a rebuild, a synonym edited) bumps the version key, which every process reads on
# each query; the time-to-live is only the safety net. A process-local cache (the embedded
# defaults) cannot carry the version to other processes, so there the net is short.
TTL_SECONDS = 60 if "locmem" in settings.CACHES["default"]["BACKEND"].lower() else 600
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
    # Built once per load by index(): sorted keys for prefix ranges, and the Chinese terms
    # and the letters-only pinyin by length for the typo corrector.
    sorted_terms: list[str] = field(default_factory=list)
    sorted_pinyin: list[str] = field(default_factory=list)
    sorted_initials: list[str] = field(default_factory=list)
    han_by_length: dict[int, list[str]] = field(default_factory=dict)
    pinyin_by_length: dict[int, list[str]] = field(default_factory=dict)
    # Queries parsed against this vocabulary (backend.search.query.parse).
    parsed: dict = field(default_factory=dict)

    def index(self) -> Vocabulary:
        self.sorted_terms = sorted(self.terms)
        self.sorted_pinyin = sorted(self.pinyin)
        self.sorted_initials = sorted(self.initials)
        for term in self.sorted_terms:
            if analysis.is_han(term):
                self.han_by_length.setdefault(len(term), []).append(term)
        for pinyin in self.sorted_pinyin:
            # Numbers and codes (a product's number, "008777") are no pinyin to correct to.
            if pinyin.isascii() and pinyin.isalpha():
                self.pinyin_by_length.setdefault(len(pinyin), []).append(pinyin)
        return self

    def near_length(self, buckets: dict[int, list[str]], length: int, limit: int):
        for size in range(max(1, length - limit), length + limit + 1):
            yield from buckets.get(size, ())


def _with_prefix(keys: list[str], prefix: str) -> Iterator[str]:
    """The keys of a sorted list that start with `prefix`, in order."""
    for key in keys[bisect.bisect_left(keys, prefix) :]:
        if not key.startswith(prefix):
            return
        yield key


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
    _state = vocab.index()
    return _state


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
        return any(True for _ in _with_prefix(vocab.sorted_pinyin, word)) or any(
            True for _ in _with_prefix(vocab.sorted_initials, word)
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
        candidates = vocab.near_length(vocab.han_by_length, len(word), limit)
        best = _best(word, candidates, limit, vocab)
        if best is None:
            # A typo'd Chinese word often has the right sound: compare pinyin.
            p = analysis.full_pinyin(word)
            hit = vocab.pinyin.get(p)
            return hit
        return best
    if len(word) < 3 or not word.isalpha():
        return None
    limit = 1 if len(word) <= 6 else 2
    candidates = vocab.near_length(vocab.pinyin_by_length, len(word), limit)
    return _best(word, candidates, limit, vocab, mapping=vocab.pinyin)


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
    for term in _capped(_with_prefix(vocab.sorted_terms, text)):
        scored.append((0 if term in vocab.names else 1, -vocab.terms[term], term))
    if not analysis.is_han(text):
        seen = {t for _a, _b, t in scored}
        for rank, keys, mapping in (
            (2, vocab.sorted_pinyin, vocab.pinyin),
            (3, vocab.sorted_initials, vocab.initials),
        ):
            for key in _capped(_with_prefix(keys, text)):
                term = mapping[key]
                if term not in seen:
                    seen.add(term)
                    scored.append(
                        (0 if term in vocab.names else rank, -vocab.terms.get(term, 0), term)
                    )
    scored.sort(key=lambda s: (s[0], s[1], len(s[2]), s[2]))
    return [term for _a, _b, term in scored[:limit]]


# A prefix shared by thousands of words ("合成" over 100,000 product names) is not worth
# ranking them all for eight suggestions: the first this many, in alphabetical order, are.
SUGGEST_SCAN = 2000


def _capped(keys: Iterator[str]) -> Iterator[str]:
    return itertools.islice(keys, SUGGEST_SCAN)
