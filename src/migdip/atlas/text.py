"""Tokenising text for the Atlas's full-text index (the same rule for records and queries)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "with",
        "which",
        "who",
        "will",
        "would",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents: 'Türkiye' -> 'turkiye'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    return [t for t in _WORD.findall(fold(text)) if t not in STOPWORDS]


def term_counts(*texts: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokens(text))
    return counts
