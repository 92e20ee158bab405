"""Cheap sentence splitting, so that only sentences that can hold an event are parsed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from civicwatch.clean.boilerplate import Line

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
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’»)\]]*\s+(?=[\"“«‘'(\[]?[A-Z0-9А-ЯЁ])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    boilerplate: bool
    headline: bool  # a title-like line without a full stop


def split_sentences(lines: list[Line]) -> list[Sentence]:
    sentences = []
    for line in lines:
        headline = _looks_like_headline(line.text)
        for start, end in _split(line.text):
            sentences.append(
                Sentence(line.start + start, line.start + end, line.text[start:end], line.boilerplate, headline)
            )
    return sentences


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
# "Stockholm, January 16, 2024 — ". What it names is where and who reports, never an actor or a target.
_DATELINE = re.compile(
    r"""^\s*(?:
        [A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]{2,}(?:\s+[A-ZА-ЯЁ][A-ZА-ЯЁ'’.\-]+){0,3}
      | [A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]+)(?:,?\s+\d{4})?
      | [A-Z][a-z]+\.?\s+\d{1,2}(?:,\s*\d{4})?
    )
    (?:,\s*[^—–()\n]{1,40}?)?
    \s*(?:
        (?:\([^()\n]{1,80}\)\s*)?(?:—|–|--|:)\s+
      | \([^()\n]{0,80}\d[^()\n]{0,80}\)\s+  # "(UrduPoint News / Sputnik - 03rd June, 2021)": a dated credit
    )""",
    re.VERBOSE,
)


def dateline_end(text: str) -> int:
    """Where a sentence's leading dateline ends (0: it has none)."""
    match = _DATELINE.match(text)
    return match.end() if match else 0
