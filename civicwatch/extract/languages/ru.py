"""Russian: natasha's parser, our own date scanner, names put in the nominative (pymorphy3)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from datetime import date
from functools import lru_cache

from civicwatch.extract.backends.natasha_backend import NatashaBackend, analysable, analyzer
from civicwatch.extract.dates_ru import find_dates
from civicwatch.extract.languages import DateSpan, Language, register
from civicwatch.extract.parse import ParsedSentence, Token

_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_MAX_WORD = 40  # longer "words" are not inflected (a run of letters in a broken page)


def dates(sentence: ParsedSentence, published: date | None) -> list[DateSpan]:
    starts = [t.start for t in sentence.tokens]
    ends = [t.end for t in sentence.tokens]
    found = []
    for mention in find_dates(sentence.text, published):
        first = bisect_left(starts, mention.start)
        last = bisect_right(ends, mention.end)
        if first < len(starts) and last > first:
            found.append(DateSpan(first, last, mention.value, mention.preposition))
    return found


@lru_cache(maxsize=50000)
def lemmatize(word: str) -> str:
    if len(word) > _MAX_WORD or not analysable(word):
        return word.lower()
    return analyzer().parse(word.lower())[0].normal_form


@lru_cache(maxsize=50000)
def to_nominative(word: str, case: str | None, number: str | None, gender: str | None = None) -> str:
    """ "Солдатских" -> "Солдатские": a word agreeing with a name's head, put in the nominative."""
    if len(word) > _MAX_WORD or not analysable(word):
        return word
    parses = analyzer().parse(word)
    wanted_number = {"Plur": "plur", "Sing": "sing"}.get(number or "")
    if any(
        p.tag.case == "nomn"
        and wanted_number in (None, p.tag.number)
        and (gender is None or p.tag.gender in (None, gender))
        for p in parses
    ):
        return word  # the tagger's case is a guess; a form that can be nominative stays
    wanted = _CASES.get(case or "")
    in_case = [p for p in parses if wanted and p.tag.case == wanted]
    parse = next((p for p in in_case if p.tag.number == wanted_number), in_case[0] if in_case else parses[0])
    if parse.tag.case in (None, "nomn"):
        return word
    wanted_number = parse.tag.number or wanted_number  # the form decides: "матерей" is plural
    grammemes = {"nomn"} | ({wanted_number} if wanted_number else set())
    if gender and wanted_number != "plur" and ("ADJF" in parse.tag or "Surn" in parse.tag):
        grammemes.add(gender)  # "немецкого фонда" -> "немецкий фонд", agreeing with the head
    inflected = parse.inflect(grammemes) or parse.inflect({"nomn"})
    if inflected is None:
        return word
    form = inflected.word
    if "ё" not in word.lower():
        form = form.replace("ё", "е")  # keep the article's spelling: most Russian text writes е
    if word[:1].isupper():
        form = form[:1].upper() + form[1:]
    if word.isupper():
        form = form.upper()
    return form


def nominative_phrase(text: str) -> str:
    """ "Комитета по предотвращению пыток" -> "Комитет по предотвращению пыток", from morphology alone."""
    words = text.split()
    for n, word in enumerate(words[:12]):
        parse = analyzer().parse(word)[0] if len(word) <= _MAX_WORD and analysable(word) else None
        if parse is not None and ("NOUN" in parse.tag or "Name" in parse.tag or "Surn" in parse.tag):
            case = next((k for k, v in _CASES.items() if v == parse.tag.case), None)
            number = "Plur" if parse.tag.number == "plur" else "Sing"
            head = to_nominative(word, case, number)
            before = [to_nominative(w, case, number) for w in words[:n]]
            return " ".join(before + [head] + words[n + 1 :])
    return text


@lru_cache(maxsize=50000)
def _gender(word: str, case: str | None = None) -> str | None:
    """The grammatical gender of a name's head word, read in the case the tagger gave it ("Марину" in the
    accusative is Марина, not Марин in the dative); cached: every candidate argument's name asks it."""
    if not analysable(word):
        return None
    parses = analyzer().parse(word)
    return next((p.tag.gender for p in parses if case and p.tag.case == case), parses[0].tag.gender)


# A footnote mark glued to a name: "ФБК3", "«Мемориал»1" (Russian outlets mark designated groups so); Cyrillic
# capitals or a closing quote and one digit, so "Москва 24" and Latin names ("TV5") keep theirs.
_FOOTNOTE = re.compile(r"(?<=[»”\"])\d\b|(?<=\b[А-ЯЁ]{2})\d\b|(?<=[А-ЯЁ]{3})\d\b")


def name(sentence: ParsedSentence, tokens: list[Token]) -> str:
    """The phrase in the nominative: its head and the words agreeing with it change, complements stay."""
    if not tokens:
        return ""
    ids = {t.i for t in tokens}
    head = next((t for t in tokens if t.head not in ids), tokens[0])
    agreeing = {head.i} | {
        c for c in head.children if sentence.tokens[c].dep in ("amod", "det", "flat:name", "flat") and c in ids
    }
    if any(sentence.tokens[c].dep.startswith("nummod") for c in head.children if c in ids):
        agreeing = set()  # "15 человек", "трёх журналистов": the number governs the noun's case
    gender = None
    if head.upos in ("NOUN", "PROPN") and len(head.text) <= _MAX_WORD:
        gender = _gender(head.text, _CASES.get(head.feats.get("Case", "")))
    out = ""
    previous: Token | None = None
    for token in tokens:
        text = token.text
        if token.i in agreeing and token.upos in ("NOUN", "PROPN", "ADJ", "DET") and token.feats.get("Case") != "Nom":
            agrees_in_gender = token.i != head.i and (token.upos in ("ADJ", "DET") or token.dep.startswith("flat"))
            # a person's first name: "Петра" is Пётр in the accusative, not the woman's name Петра
            agrees_in_gender = agrees_in_gender or (token.i == head.i and token.ent == "PER")
            text = to_nominative(
                text, token.feats.get("Case"), token.feats.get("Number"), gender if agrees_in_gender else None
            )
        if previous is not None and token.start > previous.end:
            out += " "
        out += text
        previous = token
    out = _FOOTNOTE.sub("", out.strip()).strip(",.;:—-– ")
    if out.count("«") != out.count("»"):
        out = out.replace("«", "").replace("»", "")
    if out.count('"') % 2:
        out = out.replace('"', "")
    if out.count("(") != out.count(")"):
        out = out.split("(")[0].strip() if out.count("(") > out.count(")") else out.replace(")", "")
    return out.strip()


RUSSIAN = register(Language("ru", NatashaBackend, dates, name, lemmatize, lemmatize, nominative_phrase))
