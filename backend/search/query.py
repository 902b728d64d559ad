"""From what a shopper typed to a PostgreSQL tsquery: cleaning, segmentation, synonyms,
pinyin prefixes and typo correction ("did you mean")."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from backend.search import analysis, vocabulary


@dataclass
class ParsedQuery:
    text: str
    words: list[str] = field(default_factory=list)
    tsquery: str = ""
    corrected: str = ""  # the query with corrected words, when any word was corrected
    raw_nonblank: bool = False  # something was typed (even if nothing searchable remained)
    # Per query word, its alternatives as (lexeme, is_prefix): the same query for every backend.
    clauses: list[list[tuple[str, bool]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.tsquery


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "") + "'"


# Parsed queries per loaded vocabulary (a reload replaces the Vocabulary and with it this
# memo): segmenting and correcting a query costs milliseconds, and shoppers repeat queries.
PARSED_MEMO_SIZE = 4096


def parse(text: str, *, correct: bool = True) -> ParsedQuery:
    raw = str(text or "")[: analysis.MAX_QUERY_CHARS * 4]
    vocab = vocabulary.current()
    memo = vocab.parsed
    parsed = memo.get((raw, correct))
    if parsed is None:
        parsed = _parse(raw, vocab, correct=correct)
        if len(memo) >= PARSED_MEMO_SIZE:
            memo.clear()
        memo[(raw, correct)] = parsed
    # A copy: callers own their lists.
    return replace(parsed, words=list(parsed.words), clauses=[list(c) for c in parsed.clauses])


def _parse(text: str, vocab: vocabulary.Vocabulary, *, correct: bool) -> ParsedQuery:
    cleaned = analysis.clean(text)[: analysis.MAX_QUERY_CHARS]
    changed = False
    chunks = []
    for chunk in cleaned.split():
        # A Chinese chunk that is not a known word as a whole and does not segment into known
        # words may be a typo of a known word (东王急 → 东王集): correct it whole first.
        if (
            correct
            and vocab.terms
            and analysis.is_han(chunk)
            and len(chunk) >= 3
            and chunk not in vocab.terms
            and not all(
                vocabulary.is_known(w, vocab) for w in analysis.segment(chunk, for_search=False)
            )
        ):
            fix = vocabulary.correct(chunk, vocab)
            if fix:
                chunk, changed = fix, True
        chunks.append(chunk)
    words = [w for w in analysis.segment(" ".join(chunks), for_search=False) if analysis.lexeme(w)]
    words = list(dict.fromkeys(words))[: analysis.MAX_QUERY_TOKENS]
    parsed = ParsedQuery(text=cleaned, words=words, raw_nonblank=bool(str(text or "").strip()))
    if not words:
        return parsed
    clauses: list[str] = []
    corrected_words: list[str] = []
    for word in words:
        lex = analysis.lexeme(word)
        use = lex
        if correct and vocab.terms and not vocabulary.is_known(lex, vocab):
            fix = vocabulary.correct(lex, vocab)
            if fix:
                use = fix
                changed = True
        corrected_words.append(use)
        options = {(analysis.lexeme(use), False)}
        for synonym in vocab.synonyms.get(use, set()) | vocab.synonyms.get(lex, set()):
            options.add((synonym, False))
        if not analysis.is_han(use):
            options.add((analysis.lexeme(use), True))
        elif use != lex:
            options.add((analysis.full_pinyin(use), False))
        parsed.clauses.append(sorted(options))
        alternatives = {_quote(word) + (":*" if prefix else "") for word, prefix in options}
        clauses.append("(" + " | ".join(sorted(alternatives)) + ")")
    parsed.tsquery = " & ".join(clauses)
    if changed:
        parsed.corrected = " ".join(corrected_words)
    return parsed
