"""Dates told against the article's previous date, not its publication: "two days later", "the same
day", «того же года».

An article tells its story in order, so such a phrase counts from the latest date stated before it
("a month earlier" gives that month, "a year later" that year),
in its sentence or an earlier one. The phrases are data (``lexicons/data/<lang>/relative_dates.json``);
a phrase with no full date before it stays undated, as it was before this module.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache

from civicwatch.extract.languages import DateSpan
from civicwatch.extract.parse import ParsedSentence
from civicwatch.lexicons import load_data

_FULL = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Phrase:
    regex: re.Pattern[str]
    days: int = 0  # the offset from the anchor's day (per counted day, with ``count``)
    count: bool = False  # the group "n" says how many days (or months)
    same_year: bool = False
    months: int = 0  # an offset in months from the anchor's month ("a month earlier"): a month, not a day
    years: int = 0  # an offset in years from the anchor's year ("a year later"): a year


@lru_cache(maxsize=8)
def phrases(language: str) -> tuple[tuple[Phrase, ...], dict[str, int]]:
    try:
        raw = load_data(language, "relative_dates.json")
    except FileNotFoundError:
        return (), {}
    found = tuple(
        Phrase(
            re.compile(entry["pattern"], re.IGNORECASE),
            int(entry.get("days", 0)),
            bool(entry.get("count", False)),
            entry.get("same") == "year",
            int(entry.get("months", 0)),
            int(entry.get("years", 0)),
        )
        for entry in raw["patterns"]
    )
    return found, {word.lower(): int(n) for word, n in raw.get("count_words", {}).items()}


@lru_cache(maxsize=8)
def any_phrase(language: str) -> re.Pattern[str]:
    """Whether a text holds any of the language's relative phrases: their patterns as one alternation."""
    patterns = [re.sub(r"\(\?P<\w+>", "(?:", phrase.regex.pattern) for phrase in phrases(language)[0]]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


@dataclass
class DateAnchor:
    """The latest day and year an article has stated, as its sentences are read in order."""

    language: str
    day: dt.date | None = None
    year: int | None = None

    def see(self, value: str) -> None:
        first = value.split("/")[0]
        full = _FULL.fullmatch(first)
        if full:
            try:
                self.day = dt.date(int(full[1]), int(full[2]), int(full[3]))
            except ValueError:
                return
            self.year = self.day.year
        elif _YEAR.match(first):
            self.year = int(first[:4])

    def read(self, sentence: ParsedSentence, found: list[DateSpan]) -> list[DateSpan]:
        """The sentence's dates, with those its relative phrases tell; the anchor moves past them all."""
        told = self._told(sentence, found)
        for span, _, _ in told:  # a time, not a name: never an actor or a target
            for token in sentence.tokens[span.start : span.end]:
                token.ent = token.ent or "DATE"
        spans = sorted([*found, *(span for span, _, _ in told)], key=lambda s: s.start)
        phrase_of = {id(span): (phrase, offset) for span, phrase, offset in told}
        result: list[DateSpan] = []
        for n, span in enumerate(spans):
            phrase, offset = phrase_of.get(id(span), (None, 0))
            later, _ = phrase_of.get(id(spans[n + 1]), (None, 0)) if n + 1 < len(spans) else (None, 0)
            if phrase is None and later is not None and later.same_year and spans[n + 1].start <= span.end + 1:
                if self.year is not None and _YEAR.match(span.value):  # "в сентябре того же года"
                    span = replace(span, value=f"{self.year}{span.value[4:]}")
            elif phrase is not None:
                adjacent = result and result[-1].end >= span.start - 1 and phrase.same_year
                resolved = None if adjacent else self._resolve(span, phrase, offset)
                if resolved is None:
                    continue
                span = resolved
            if span.value.startswith("XXXX"):
                span = self._with_year(span, spans[n + 1] if n + 1 < len(spans) else None)
            result.append(span)
            self.see(span.value)
        return result

    def _with_year(self, span: DateSpan, following: DateSpan | None) -> DateSpan:
        """A date with no year (an article with no publication date): the year of the date right after it
        ("in August and December 2013"), else the latest the article stated ("On 28 April 2014 ... On 25 July")."""
        if following is not None and following.start <= span.end + 2 and _YEAR.match(following.value):
            return replace(span, value=following.value[:4] + span.value[4:])
        return span if self.year is None else replace(span, value=f"{self.year:04d}{span.value[4:]}")

    def _told(self, sentence: ParsedSentence, found: list[DateSpan]) -> list[tuple[DateSpan, Phrase, int]]:
        """The relative phrases no date already covers: (their tokens, still undated; the phrase; its offset)."""
        if not any_phrase(self.language).search(sentence.text):
            return []  # most sentences: one scan instead of one per phrase
        patterns, counts = phrases(self.language)
        starts = [t.start for t in sentence.tokens]
        ends = [t.end for t in sentence.tokens]
        told: list[tuple[DateSpan, Phrase, int]] = []
        for phrase in patterns:
            for match in phrase.regex.finditer(sentence.text):
                first, last = bisect_left(starts, match.start()), bisect_right(ends, match.end())
                if first >= last or any(s.start < last and first < s.end for s in found):
                    continue
                offset = phrase.days or phrase.months or phrase.years
                if phrase.count:
                    word = match["n"].lower()
                    offset *= int(word) if word.isdigit() else counts.get(word, 0)
                told.append((DateSpan(first, last, ""), phrase, offset))
        return told

    def _resolve(self, span: DateSpan, phrase: Phrase, offset: int) -> DateSpan | None:
        """``offset``: the phrase's, in days, or in months or years for a phrase of months or years."""
        if phrase.same_year or phrase.years:
            return None if self.year is None else replace(span, value=str(self.year + offset))
        if self.day is None:
            return None
        if phrase.months:
            month = self.day.year * 12 + self.day.month - 1 + offset
            return replace(span, value=f"{month // 12:04d}-{month % 12 + 1:02d}")
        return replace(span, value=(self.day + dt.timedelta(days=offset)).isoformat())
