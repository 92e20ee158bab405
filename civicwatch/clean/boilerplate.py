"""Tell the article's own lines from the page furniture around it.

Navigation, captions, donation banners and site-wide legal notices ("X has
been declared an undesirable organization") are kept in the text, so offsets
stay valid, but marked: events found only there are flagged ``boilerplate``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Line:
    start: int  # character offsets in the input text
    end: int
    text: str
    boilerplate: bool
    reason: str | None = None


@lru_cache(maxsize=4)
def _patterns(language: str) -> dict[str, list[re.Pattern[str]]]:
    raw = json.loads(resources.files("civicwatch.clean").joinpath(f"data/boilerplate_{language}.json").read_text())
    return {key: [re.compile(p, re.IGNORECASE) for p in raw[key]] for key in ("line", "block_start", "self_voice")}


def split_lines(text: str) -> list[tuple[int, int, str]]:
    """Non-empty lines with their offsets (stripped of surrounding blanks)."""
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + raw.index(stripped)
            lines.append((start, start + len(stripped), stripped))
    return lines


def mark_lines(text: str, language: str = "en") -> list[Line]:
    """Every non-empty line of ``text``, marked boilerplate or not."""
    patterns = _patterns(language)
    raw_lines = split_lines(text)
    reasons: list[str | None] = [None] * len(raw_lines)
    seen: set[str] = set()
    for i, (_, _, line) in enumerate(raw_lines):
        if any(p.search(line) for p in patterns["line"]):
            reasons[i] = "page furniture"
        elif line in seen and len(line) > 20:
            reasons[i] = "repeated line (caption)"
        seen.add(line)
    _mark_banners(text, raw_lines, reasons, patterns)
    return [Line(s, e, t, r is not None, r) for (s, e, t), r in zip(raw_lines, reasons, strict=True)]


def _mark_banners(
    text: str,
    raw_lines: list[tuple[int, int, str]],
    reasons: list[str | None],
    patterns: dict[str, list[re.Pattern[str]]],
) -> None:
    """A banner runs to the end when it is a footer, to the next blank line when a header."""
    length = max(len(text), 1)
    i = 0
    while i < len(raw_lines):
        start, _, line = raw_lines[i]
        if not any(p.search(line) for p in patterns["block_start"]):
            i += 1
            continue
        footer = start / length > 0.4
        j = i
        while j < len(raw_lines):
            if j > i and not footer and _blank_line_between(text, raw_lines[j - 1][1], raw_lines[j][0]):
                break
            if j > i and not footer and not _self_voiced(raw_lines[j][2], patterns):
                break
            reasons[j] = reasons[j] or "banner"
            j += 1
        i = j


def _blank_line_between(text: str, end: int, start: int) -> bool:
    return text.count("\n", end, start) > 1


def _self_voiced(line: str, patterns: dict[str, list[re.Pattern[str]]]) -> bool:
    return len(line.split()) <= 4 or any(p.search(line) for p in patterns["self_voice"])
