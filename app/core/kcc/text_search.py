"""Search text for the knowledge base: normalising, light Dutch stemming, trigrams, scoring.

Both databases only find candidates (SQLite FTS5, PostgreSQL full-text and pg_trgm); the final
order comes from `score` here, so a query gives the same top hit on either database.
Everything works on normalised words: lower case, no accents, only a-z and 0-9. Search input
can hold anything (quotes, FTS operators, control characters); after `query_words` it is plain
words, safe to pass to any search syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

MAX_QUERY_CHARS = 200  # a search box, not a document: longer input is cut, not refused
MAX_QUERY_WORDS = 8

_NON_WORD = re.compile(r"[^a-z0-9]+")

# Common Dutch inflection endings, longest first. Light on purpose: it only has to bring
# "verhuizing"/"verhuizen", "paspoorten"/"paspoort", "verlenging"/"verlengen" together.
_SUFFIXES = ("ingen", "ing", "en", "es", "s", "e")
_MIN_STEM = 4

# Words that say nothing about a product; they neither help nor hurt a match.
STOPWORDS = frozenset(
    {"de", "het", "een", "en", "van", "voor", "mijn", "ik", "wil", "aan", "bij", "op", "in", "met", "of", "te"}
)


def normalize(text: str) -> str:
    """Lower case, accents removed, every run of other characters one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", plain.lower()).strip()


def words(text: str) -> list[str]:
    return normalize(text).split()


def query_words(query: str) -> list[str]:
    """The words of a search box: at most MAX_QUERY_WORDS, stopwords dropped (unless only those)."""
    found = normalize(query[:MAX_QUERY_CHARS]).split()
    meaningful = [w for w in found if w not in STOPWORDS]
    return (meaningful or found)[:MAX_QUERY_WORDS]


def stem(word: str) -> str:
    """A light Dutch stem: one inflection ending off, final z/v as s/f (verhuiz- → verhuis)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # "bewijzz" never happens, but "stemm(en)" → "stem"
    if word.endswith("z"):
        word = word[:-1] + "s"
    elif word.endswith("v"):
        word = word[:-1] + "f"
    return word


@lru_cache(maxsize=16384)
def trigrams(word: str) -> frozenset[str]:
    """Trigrams with two spaces before and one after, as PostgreSQL's pg_trgm counts them."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def plain_trigrams(word: str) -> list[str]:
    """Trigrams inside the word only (what SQLite's FTS5 trigram tokenizer indexes)."""
    return [word[i : i + 3] for i in range(len(word) - 2)]


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


@dataclass(frozen=True)
class SearchDocument:
    """What the ranking looks at: the product name, curated keywords and body text, normalised.

    `phrases` are the keywords whole ("id kaart", "rijbewijs verlengen"): a query that is one of
    them is what a redacteur meant this article for.
    """

    name: tuple[str, ...]
    keywords: tuple[str, ...]
    body: tuple[str, ...]
    is_curated: bool
    phrases: tuple[str, ...] = ()

    @classmethod
    def build(cls, name: str, keywords: Iterable[str], body: str, *, is_curated: bool) -> SearchDocument:
        phrases = tuple(p for p in (normalize(k) for k in keywords) if p)
        return cls(
            tuple(words(name)),
            tuple(w for p in phrases for w in p.split()),
            tuple(dict.fromkeys(words(body))),
            is_curated,
            phrases,
        )


_FIELD_WEIGHT = (1.0, 0.9, 0.45)  # name, keywords, body
_CURATED_BONUS = 0.15  # the front-office products are what a desk asks for most
_FIRST_WORD_BONUS = 0.05
_COVERAGE_BONUS = 0.1
_PHRASE_BONUS = 0.2


@lru_cache(maxsize=65536)
def word_match(query_word: str, doc_word: str) -> float:
    """How well one typed word matches one document word, 0..1."""
    if query_word == doc_word:
        return 1.0
    if doc_word.startswith(query_word):
        # Search as you type: "pasp" is on its way to "paspoort".
        return 0.75 + 0.2 * len(query_word) / len(doc_word)
    qs, ds = stem(query_word), stem(doc_word)
    if qs == ds:
        return 0.95
    if len(qs) >= 4 and qs in doc_word:
        # Compound words: "verhuis" in "verhuismelding", "uittreksel" in "brpuittreksel".
        return 0.8
    if len(query_word) < 3:
        return 0.0
    best = similarity(query_word, doc_word)
    if len(doc_word) > len(query_word) + 1:
        # A typo while still typing: compare with the start of the longer word.
        best = max(best, similarity(query_word, doc_word[: len(query_word) + 1]) * 0.9)
    return best * 0.8 if best >= 0.4 else 0.0


def _best(query_word: str, fields: Sequence[tuple[str, ...]]) -> tuple[float, bool, bool]:
    """Best weighted match of one query word: (value, in the first name word, in the name)."""
    best = 0.0
    first = False
    named = False
    for index, (weight, field) in enumerate(zip(_FIELD_WEIGHT, fields, strict=True)):
        for position, doc_word in enumerate(field):
            value = weight * word_match(query_word, doc_word)
            if value > best:
                best = value
                named = index == 0
                first = named and position == 0
    return best, first, named


def score(query: Sequence[str], doc: SearchDocument) -> float:
    """Relevance of a document for the query words; 0 when no word matches at all."""
    if not query:
        return 0.0
    fields = (doc.name, doc.keywords, doc.body)
    total = 0.0
    bonus = 0.0
    in_name = 0
    for word in query:
        value, first, named = _best(word, fields)
        total += value
        in_name += named
        if first:
            bonus = _FIRST_WORD_BONUS
    if total == 0.0:
        return 0.0
    # Of two names that both match, the one the query covers more is the more specific one:
    # "paspoort" → "Paspoort aanvragen" before "Paspoort/ID-kaart ophalen".
    coverage = min(in_name, len(doc.name)) / len(doc.name) if doc.name else 0.0
    result = total / len(query) + bonus + _COVERAGE_BONUS * coverage
    typed = " ".join(query)
    if typed in doc.phrases:
        result += _PHRASE_BONUS
    elif len(typed) >= 4 and any(p.startswith(typed) for p in doc.phrases):
        result += _PHRASE_BONUS / 2  # still typing it
    if doc.is_curated:
        result += _CURATED_BONUS
    return result


MIN_SCORE = 0.3
