"""Cheap sentence splitting, so that only sentences that can hold an event are parsed.

A "sentence" of thousands of characters is no sentence: a table flattened into text, a list of
names, a page or a transcript without full stops. The longest of the 2,409 sentences of
``../shared/eval`` has 477 characters; past ``BROKEN_CHARS`` a sentence is broken text, cut here into
pieces of at most ``PIECE_CHARS`` (at a comma, semicolon, colon or dash, else at a space), and of an
article's broken text only the first ``BROKEN_BUDGET_CHARS`` are kept for reading: parsing and reading
every word of 10,000 words of run-on news costs seconds (spaCy or slovnet, then every trigger's
candidates), and such text is rarely where an article's news is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from civicwatch.clean.boilerplate import Line
from civicwatch.lexicons import Lexicon

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "gen",
    "lt",
    "col",
    "sen",
    "rep",
    "gov",
    "inc",
    "ltd",
    "co",
    "corp",
    "vs",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "prof",
    "jr",
    "sr",
    "art",
    "para",
    "approx",
}
BROKEN_CHARS = 2_000  # a longer "sentence" is broken text
PIECE_CHARS = 600  # broken text is read in pieces of at most this many characters
BROKEN_BUDGET_CHARS = 9_000  # and at most this much of it per article (about 1,500 words)
_CLAUSE_BREAK = re.compile(r"[;,:]\s+|\s+[-–—]\s+")
_SPACE = re.compile(r"\s+")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’»)\]]*\s+(?=[\"“«‘'(\[]?[A-Z0-9А-ЯЁ])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    boilerplate: bool
    headline: bool  # a title-like line without a full stop
    broken: bool = False  # a piece of broken text (a "sentence" longer than BROKEN_CHARS)


def split_sentences(lines: list[Line]) -> list[Sentence]:
    """The sentences of an article's lines; broken text in pieces, and no more of it than the budget."""
    sentences = []
    budget = BROKEN_BUDGET_CHARS
    for line in lines:
        headline = _looks_like_headline(line.text)
        for start, end in _split(line.text):
            if end - start <= BROKEN_CHARS:
                sentences.append(
                    Sentence(line.start + start, line.start + end, line.text[start:end], line.boilerplate, headline)
                )
                continue
            for low, high in pieces(line.text, start, end):
                if budget <= 0:
                    break
                budget -= high - low
                sentences.append(
                    Sentence(line.start + low, line.start + high, line.text[low:high], line.boilerplate, False, True)
                )
    return sentences


def pieces(text: str, start: int, end: int, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``size`` characters, each cut after the last comma, semicolon,
    colon or dash of its second half (else after its last space, else at ``size``); blank pieces left out."""
    found = []
    while start < end:
        stop = min(end, start + size)
        if stop < end:
            stop = _last_break(text, start + size // 2, stop) or stop
        if text[start:stop].strip():
            found.append((start, stop))
        start = stop
    return found


def _split(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        last = _last_word(text, start, match.start()).lower()
        # "U.S." or "Mr." or an initial ("V. Putin") does not end a sentence
        if last.rstrip(".") in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        end = match.start() + len(match.group().rstrip())
        spans.append((start, end))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if e > s]


def _last_break(text: str, low: int, high: int) -> int | None:
    """Where the last clause break (else the last run of spaces) in ``text[low:high]`` ends."""
    for pattern in (_CLAUSE_BREAK, _SPACE):
        cut = None
        for match in pattern.finditer(text, low, high):
            cut = match.end()
        if cut is not None:
            return cut
    return None


def _last_word(text: str, start: int, end: int) -> str:
    """The last word of ``text[start:end]`` without its closing marks, read from the end: a run of
    initials or abbreviations that end no sentence ("A. B. C. ...") must not rescan the text before it."""
    window = 64
    while True:
        low = max(start, end - window)
        words = text[low:end].rstrip('.!?"”’»)]').split()
        # the window holds the whole last word when it reaches ``start`` or a space before that word
        if low == start or len(words) > 1 or (words and text[low].isspace()):
            return words[-1] if words else ""
        window *= 2


def _looks_like_headline(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 16 or text.rstrip()[-1:] in '.!?:;,"”':
        return False
    # title case or sentence case alike: a short line without a full stop is a title
    return len(words) >= 3


# A wire story's dateline: "MOSCOW (AP) — ", "PHNOM PENH: ", "VIENNA, 13 August 2014 – ", "March 13 (UPI) -- ",
# "Stockholm, January 16, 2024 — ", and a dated update: "Update 16.07.2021: ". What it names is where and
# who reports, never an actor or a target; its date dates the sentence's act (``syntax.attach_dates``).
_DATELINE = re.compile(
    r"""^\s*(?:
        [A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]{2,}(?:\s+[A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]+){0,3}
      | [A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]+)(?:,?\s+\d{4})?
      | [A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?
      | [A-Z][a-z]+\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}  # "Update 16.07.2021: "
    )
    (?:,\s*[^—–()\n]{1,40}?)?
    \s*(?:
        (?:\([^()\n]{1,80}\)\s*)?(?:—|–|--|:|-(?=\s))\s+  # "June 9 (Interfax) - ", "MOSCOW - "
      | \([^()\n]{0,80}\d[^()\n]{0,80}\)\s+  # "(UrduPoint News / Sputnik - 03rd June, 2021)": a dated credit
    )""",
    re.VERBOSE,
)


def dateline_end(text: str) -> int:
    """Where a sentence's leading dateline ends (0: it has none)."""
    match = _DATELINE.match(text)
    return match.end() if match else 0


# -- which screened sentences are read in full ---------------------------------------------------------------
# A sentence passes the screen (``Lexicon.screen``: stems of the trigger words) and is parsed; the reader
# makes candidates only where a token's lemma, or its word form, is a trigger (``Lexicon.triggers_for_token``),
# and reads the main law only from civic-space sentences with a law noun. Every other screened sentence only
# lends its named people and organisations to the article's context, for which the backend's named entities
# suffice (``Backend.parse(texts, deep)``); the tagger and the parser, or slovnet's morphology and syntax,
# need not run on it.
_WORD = re.compile(r"\w+(?:[-‐]\w+)*")


class Lemmas(Protocol):
    def lemmas_of(self, word: str) -> Iterable[str]:
        """Every lemma the backend may give a token whose text is ``word`` (lower case), whatever its tag."""
        ...


class ReadingFilter:
    """Which sentences hold a word that may be a trigger (or, in a civic-space sentence, a law noun): the words
    of the lexicon, matched through every lemma the backend could give a word and the word-form fallbacks of
    ``Lexicon.triggers_for_token``. A superset: a sentence it leaves out has no trigger token."""

    def __init__(self, lexicon: Lexicon, backend: Lemmas) -> None:
        self.lexicon = lexicon
        self.backend = backend
        # a trigger lemma -> the companion words one of which it needs (empty: it stands on its own)
        self.triggers: dict[str, frozenset[str]] = {}
        alone: set[str] = set()
        for (lemma, _), entries in lexicon.triggers.items():
            for entry in entries:
                if not entry.requires_word:
                    alone.add(lemma)
                self.triggers[lemma] = self.triggers.get(lemma, frozenset()) | entry.requires_word
        for lemma in alone:
            self.triggers[lemma] = frozenset()
        self.law_nouns = lexicon.words.get("law_nouns", frozenset())
        self._keys: dict[str, frozenset[str]] = {}

    def keys(self, word: str) -> frozenset[str]:
        """The lemmas and word forms under which a token ``word`` may be looked up as a trigger."""
        keys = self._keys.get(word)
        if keys is None:
            found = {word, *self.backend.lemmas_of(word)}
            # Lexicon.triggers_for_token's fallbacks on the word form ("fined" -> "fine", "raids" -> "raid")
            if word.endswith("ed"):
                found |= {word[:-1], word[:-2]}
            elif word.endswith("ing"):
                found |= {word[:-3], word[:-3] + "e"}
            elif word.endswith("s") and not word.endswith("ss"):
                found.add(word[:-1])
            keys = frozenset(found)
            if len(self._keys) >= 100_000:
                self._keys.clear()
            self._keys[word] = keys
        return keys

    def deep(self, text: str, civic: bool) -> bool:
        """Whether the reader must read ``text`` in full: it may hold a trigger, or it is a civic-space
        sentence (``civic``) that may name a law."""
        words = set()
        for compound in _WORD.findall(text.lower()):
            words.add(compound)
            if "-" in compound or "‐" in compound:
                words.update(re.split(r"[-‐]", compound))
        for word in words:
            keys = self.keys(word)
            for key in keys:
                needs = self.triggers.get(key)
                if needs is not None and (not needs or needs & words):
                    return True
            if civic and keys & self.law_nouns:
                return True
        return False


_FILTERS: dict[int, ReadingFilter] = {}


def reading_filter(lexicon: Lexicon, backend: Lemmas) -> ReadingFilter:
    """The filter of a lexicon read through a backend, built once."""
    key = id(backend)
    if key not in _FILTERS or _FILTERS[key].lexicon is not lexicon:
        _FILTERS[key] = ReadingFilter(lexicon, backend)
    return _FILTERS[key]
