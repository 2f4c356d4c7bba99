"""How the knowledge base reads words, the same way when it indexes and when it searches (K2).

A word is a run of letters and digits; it is indexed in lower case without accents, together with
its Spanish and its English stem (Snowball), so that "Conexiones" is found by "conexión" and
"printers" by "printer". The database only ever sees these prepared words: SQLite's FTS5 and
PostgreSQL's tsvector then match exactly the same things.

A query is a list of `QueryWord`s: each matches any of its forms; the word still being typed also
matches as a prefix. Snippets and highlights are computed here too, from the article's text, so
they are identical on both backends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})
MIN_PREFIX = 2  # a single letter being typed matches only itself, not every word it starts
_LONGEST = 60  # longer runs (hashes, base64) are cut: nobody types them as a search

# Words that say nothing about a problem; left out of suggestions and of all-words searches.
STOPWORDS = frozenset(
    """
    a al algo ante como con contra cual cuando de del desde donde el ella en entre era es esa
    ese eso esta este esto estoy ha hay la las le les lo los me mi mis muy nada ni no nos o os
    para pero por porque que se ser si sin sobre su sus también te tengo ti tu un una uno unos
    y ya yo puedo puede hacer funciona
    an and are as at be but by can cannot can't do does don't for from has have how i if in is
    it its me my no not of on or so that the their there this to was we what when where which
    who why will with you your
    """.split()
)


def fold(word: str) -> str:
    """Lower case, no accents: 'Conexión' -> 'conexion'."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_EXTRA))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return [w[:_LONGEST] for w in (fold(m) for m in _WORD.findall(text)) for w in _split(w) if w]


def _split(folded: str) -> list[str]:
    # Folding can leave characters that are not letters (e.g. from compatibility forms).
    return re.findall(r"[^\W_]+", folded)


@lru_cache(maxsize=50_000)
def forms(word: str) -> tuple[str, ...]:
    """A folded word, its Spanish stem and its English stem, without repeats."""
    stems = _stemmers()
    found = [word]
    if not word.isdigit():
        for stemmer in stems:
            stem = stemmer.stemWord(word)
            if stem and stem not in found:
                found.append(stem)
    return tuple(found)


@lru_cache(maxsize=1)
def _stemmers() -> tuple[object, ...]:
    import snowballstemmer

    return (snowballstemmer.stemmer("spanish"), snowballstemmer.stemmer("english"))


def index_text(text: str) -> str:
    """What the search index stores for a text: every word with its stems."""
    out: list[str] = []
    for word in words_of(text):
        out.extend(forms(word))
    return " ".join(out)


def index_tags(tags: Iterable[str]) -> str:
    return " ".join(index_text(tag) for tag in tags)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: it matches any of `forms` exactly, or starts `prefix` (the word the
    person is still typing), or both."""

    forms: tuple[str, ...]
    prefix: str | None = None


def parse(text: str, *, typing: bool = True, drop_stopwords: bool = True) -> list[QueryWord]:
    """The words of a query. With `typing`, the last word (when the text does not end in a space)
    is also a prefix. Stop words are dropped unless nothing else is left."""
    words = words_of(text)
    if not words:
        return []
    still_typing = typing and not text[-1:].isspace() and bool(_WORD.search(text[-1:]))
    items = []
    for index, word in enumerate(words):
        last = index == len(words) - 1
        prefix = word if (last and still_typing and len(word) >= MIN_PREFIX) else None
        items.append((word, QueryWord(forms(word), prefix)))
    if drop_stopwords:
        kept = [(w, q) for w, q in items if w not in STOPWORDS or q.prefix is not None]
        # A stop word being typed ("la" of "lan") only counts once it is long enough.
        kept = [(w, q) for w, q in kept if not (q.prefix is not None and w in STOPWORDS and len(w) < 4)]
        if kept:
            items = kept
    unique: dict[tuple[tuple[str, ...], str | None], QueryWord] = {}
    for _word, query_word in items:
        unique.setdefault((query_word.forms, query_word.prefix), query_word)
    return list(unique.values())


def fts5_query(words: Sequence[QueryWord], *, any_word: bool) -> str:
    """An FTS5 MATCH expression: forms quoted, the typed word as a prefix."""
    groups = []
    for word in words:
        options = [f'"{form}"' for form in word.forms]
        if word.prefix is not None:
            options.append(f'"{word.prefix}"*')
        groups.append("(" + " OR ".join(options) + ")")
    return (" OR " if any_word else " AND ").join(groups)


def tsquery(words: Sequence[QueryWord], *, any_word: bool) -> str:
    """A PostgreSQL tsquery ('simple' configuration) with the same meaning."""
    groups = []
    for word in words:
        options = list(word.forms)
        if word.prefix is not None:
            options.append(f"{word.prefix}:*")
        groups.append("(" + " | ".join(options) + ")")
    return (" | " if any_word else " & ").join(groups)


# ------------------------------------------------------------------ snippets and highlights

Span = tuple[int, int]
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINE_MARKS = re.compile(r"(^|\n)[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+\.[ \t]+)")
_MARKDOWN_INLINE_MARKS = re.compile(r"[*`~|]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """Markdown as one line of readable text, for snippets."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown.replace("```", " "))
    text = _MARKDOWN_INLINE_MARKS.sub("", _MARKDOWN_LINE_MARKS.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def highlights(text: str, words: Sequence[QueryWord], *, upto: int = 20_000) -> tuple[Span, ...]:
    """Where in `text` the query's words are (start, end), in order (within its first `upto`
    characters: a snippet never needs more)."""
    if not words:
        return ()
    wanted = frozenset(form for word in words for form in word.forms)
    prefixes = tuple(word.prefix for word in words if word.prefix)
    spans = []
    for match in _WORD.finditer(text, 0, upto):
        for word, word_forms in _analysed(match.group()):
            if word_forms & wanted or (prefixes and word.startswith(prefixes)):
                spans.append((match.start(), match.end()))
                break
    return tuple(spans)


@lru_cache(maxsize=100_000)
def _analysed(raw: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The folded parts of a word as written, each with its forms (cached: texts repeat words)."""
    return tuple((word, frozenset(forms(word))) for word in words_of(raw))


def snippet(text: str, words: Sequence[QueryWord], *, width: int = 150) -> tuple[str, tuple[Span, ...]]:
    """A piece of `text` around its first matched words (about `width` characters) and the
    highlighted spans in that piece."""
    plain = plain_text(text)
    spans = highlights(plain, words)
    if not spans:
        piece = plain[:width]
        if len(plain) > width:
            piece = piece[: piece.rfind(" ")] if " " in piece[width // 2 :] else piece
            piece += "…"
        return piece, ()
    best = _densest(spans, width)
    start = max(0, spans[best][0] - width // 4)
    if start > 0:
        space = plain.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(plain), start + width)
    if end < len(plain):
        space = plain.rfind(" ", start, end)
        end = space if space > spans[best][1] else end
    piece = plain[start:end]
    shift = 0
    if start > 0:
        piece, shift = "…" + piece, 1
    if end < len(plain):
        piece += "…"
    inside = tuple(
        (s - start + shift, min(e, end) - start + shift) for s, e in spans if s >= start and s < end
    )
    return piece, inside


def _densest(spans: Sequence[Span], width: int) -> int:
    """The index of the span that starts the window holding the most matches."""
    best, best_count = 0, 0
    for index, (start, _end) in enumerate(spans):
        count = sum(1 for s, _e in spans[index:] if s < start + width * 3 // 4)
        if count > best_count:
            best, best_count = index, count
    return best
