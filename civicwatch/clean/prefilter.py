"""A relevance prefilter that runs before any NLP: drop pages that cannot hold a civic-space event.

A crawl is mostly sport, recipes and shopping; extracting a page with trafilatura
and parsing it with spaCy costs a hundred times more than looking at its words.
The prefilter reads a cheap text of the page (resiliparse) and scans it once with
an Aho-Corasick automaton that holds the keywords of every language at once.

Keywords are of three kinds:

- **strong**: the names of restrictive lists ("foreign agent", "иноагент",
  "undesirable organization"). Outside civic-space reporting they are almost
  never used, so one is enough.
- **trigger**: the words that anchor events in the extractor's lexicons, so the
  two cannot drift apart: English trigger lemmas (``lexicons/data/en/triggers.json``)
  in their inflected forms, Russian sentence-screen stems
  (``lexicons/data/ru/lexicon.json``), and the other list words ("undesirable",
  "extremist"). Left out: triggers the extractor accepts only beside a list or law
  word or a companion word ("add", "sign", "take", "call"), and forms whose everyday
  sense dominates ("fine", "suit", "closed"; Russian "значит", "указ").
- **anchor**: words for whom the schema is about: NGOs, rights groups, journalists,
  media outlets, activists, civil society, dissidents, the opposition.

Rule: a text passes when it holds a strong keyword, or a civic anchor with at least
``min_triggers`` (default 1) distinct triggers within ``window`` (default 500)
characters of it: an event needs a target and an act in the same passage, and a
page that never brings the two together has nothing for the extractor. Distinct
means by lemma or stem ("fined" and "fines" count once). The rule favours recall:
a page passed wrongly costs one extractor run, a page dropped loses its events for
good. ``bench/prefilter_eval.py`` measures both sides and the effect of the
parameters (two triggers pass fewer ordinary pages but drop short reports such as
"a court fined the newspaper").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import detect_encoding
from resiliparse.parse.html import HTMLTree

from civicwatch.lexicons import Lexicon, load_lexicon

STRONG, ANCHOR, TRIGGER = "strong", "anchor", "trigger"  # in order of precedence
DEFAULT_MIN_TRIGGERS = 1
# Characters on either side of an anchor that its triggers must lie in: a few sentences.
# Long pages (an essay, a live blog) name journalists in one place and a ban in another.
DEFAULT_WINDOW: int | None = 500

# Lower case; several words make a phrase. A trailing "*" makes a word a stem (a prefix);
# in a Russian phrase the first word's stem takes each case ending.
_STRONG = {
    "en": (
        "undesirable organization",
        "undesirable organizations",
        "undesirable organisation",
        "undesirable organisations",
        "undesirable foreign",
        "declared undesirable",
        "designated undesirable",
        "deemed undesirable",
    ),
    # "признать нежелательной" is the legal formula of the undesirable-organization list.
    "ru": ("иноагент*", "нежелательн* организац*", "нежелательн* неправительствен*", "признан* нежелательн*"),
}
_ANCHORS = {
    "en": (
        *("ngo", "ngos", "non governmental", "nongovernmental", "nonprofit", "nonprofits", "non profit"),
        *("civil society", "human rights", "rights group", "rights groups", "rights activist", "rights activists"),
        *("rights defender", "rights defenders", "activist", "activists", "dissident", "dissidents"),
        *("journalist", "journalists", "reporter", "reporters", "newspaper", "broadcaster", "independent media"),
        *("media outlet", "media outlets", "news outlet", "news outlets", "news site", "news website"),
        *("press freedom", "freedom of the press", "free press", "freedom of expression", "freedom of speech"),
        *("freedom of assembly", "rights watchdog", "election watchdog", "media watchdog", "election monitor"),
        *("election monitors", "opposition", "memorial"),
    ),
    "ru": (
        *("нко", "некоммерческ*", "неправительствен*", "правозащит*", "гражданского общества"),
        *("журналист*", "активист*", "оппозиц*", "оппозиционер*", "сми", "издани*", "редакци*", "мемориал*"),
        *("общественн* организац*", "общественн* движени*", "общественн* объединени*", "общественник*"),
        *("свобод* слова", "свобод* прессы", "свобод* собраний"),
    ),
}
# Forms and stems whose everyday sense dominates: "fine weather", "a suit", "closed on
# Sundays", "experts warn"; Russian stems that begin common words ("значит", "указ",
# "избиратель" for the "изби" of "избили", "иностранн" for foreign anything).
_EVERYDAY = {
    "en": frozenset(
        """fine bar bars search searches searching hold holds holding held charge charges charging sentence
        sentences suit suits suited close closes closed closing wind winds winding burn burns burned burning
        storm storms beat beats beating wound wounds trash egg eggs blast blasts slam slams protest protests
        silence request requests demand demands demanded caution audit audits penalty penalties warning
        warnings warn warns""".split()
    ),
    "ru": frozenset(
        """дело иск спис списк список указ закон законопроект провер проверк приня принял принят вывод вывел
        вывела вывело внес внёс включ объяв остан значит числит вступ перее треб требов попрос подпис подписал
        одобр одобрен одобрил поправк критик исключ вынес признал признан призв призыв закры закрыл закрыт
        стражу напа изби ранен атак атаков перечен перечень перечн иностранн""".split()
    ),
}
# A Russian stem also matches after these verb prefixes: "оштрафовали" holds "штраф".
_RU_PREFIXES = ("", "о", "за", "вы", "по", "раз", "рас", "пере", "при", "само")
# Case endings a stem takes in a phrase (adjectives and nouns; a few extra forms are harmless).
_RU_ENDINGS = (
    *("", "а", "я", "ы", "и", "е", "у", "ю", "о", "ой", "ей", "ом", "ем", "ам", "ям", "ами", "ями", "ах", "ях"),
    *("ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым", "им", "ую", "юю"),
    *("ых", "их", "ыми", "ими", "ная", "ной", "ное", "ные", "ных", "ным", "ными", "но", "ны"),
)

_NON_WORD = re.compile(r"[\W_]+")
_CHARSET_SNIFF_BYTES = 4096

Keyword = tuple[str, str, str]  # (pattern, kind, key); see Prefilter


@dataclass(frozen=True)
class Decision:
    """Whether a text passed, the distinct keywords found in it, and why, in words."""

    passed: bool
    hits: tuple[str, ...]  # "kind:key", e.g. "anchor:ngo", "trigger:liquidate"
    reason: str


class Prefilter:
    """One automaton over the keywords of several languages; ``score`` a text, ``passes`` for a yes/no."""

    def __init__(
        self,
        keywords: Iterable[Keyword],
        min_triggers: int = DEFAULT_MIN_TRIGGERS,
        window: int | None = DEFAULT_WINDOW,
    ) -> None:
        """``keywords``: (pattern, kind, key). A pattern is in ``normalize`` form: " word " for a whole
        word or phrase, " stem" for a prefix. ``key`` names what it counts as ("fined" -> "fine").
        ``window``: how many characters from an anchor its triggers may lie (None: anywhere)."""
        self.min_triggers = min_triggers
        self.window = window
        chosen: dict[str, tuple[str, str]] = {}
        for pattern, kind, key in keywords:
            # One meaning a pattern: "нежелательн" is a screen stem and a list stem, and
            # must not count as two triggers. The stronger kind wins, then the first key.
            if pattern not in chosen or _precedence(kind) < _precedence(chosen[pattern][0]):
                chosen[pattern] = (kind, key)
        self._automaton = ahocorasick.Automaton()
        for pattern, value in chosen.items():
            self._automaton.add_word(pattern, value)
        self._automaton.make_automaton()

    @classmethod
    def for_languages(
        cls,
        languages: Iterable[str] = ("en", "ru"),
        min_triggers: int = DEFAULT_MIN_TRIGGERS,
        window: int | None = DEFAULT_WINDOW,
    ) -> Prefilter:
        """The prefilter for texts in any of ``languages`` (one automaton; the text's language is not needed)."""
        keywords: list[Keyword] = []
        for language in languages:
            keywords += language_keywords(language)
        return cls(keywords, min_triggers=min_triggers, window=window)

    def score(self, text: str) -> Decision:
        found = list(self._automaton.iter(normalize(text)))  # (end offset, (kind, key))
        hits = tuple(sorted({f"{kind}:{key}" for _, (kind, key) in found}, key=_hit_order))
        strong = sorted({key for _, (kind, key) in found if kind == STRONG})
        if strong:
            return Decision(True, hits, f"restrictive-list keyword: {', '.join(strong)}")
        anchors = [end for end, (kind, _) in found if kind == ANCHOR]
        if not anchors:
            return Decision(False, hits, "no civic anchor (NGO, rights group, journalist, media, activist...)")
        triggers = [(end, key) for end, (kind, key) in found if kind == TRIGGER]
        best = 0
        for anchor in anchors:  # stop at the first anchor that suffices: long pages have hundreds
            best = max(best, len(self._triggers_near(anchor, triggers)))
            if best >= self.min_triggers:
                break
        counted = f"{best} distinct event trigger{'' if best == 1 else 's'}"
        if self.window is not None:
            counted += f" within {self.window} characters of a civic anchor"
        if best < self.min_triggers:
            return Decision(False, hits, f"{counted}, fewer than {self.min_triggers}")
        return Decision(True, hits, counted)

    def _triggers_near(self, anchor: int, triggers: list[tuple[int, str]]) -> set[str]:
        if self.window is None:
            return {key for _, key in triggers}
        return {key for end, key in triggers if abs(end - anchor) <= self.window}

    def passes(self, text: str) -> bool:
        return self.score(text).passed

    def score_html(self, html: bytes | str, charset: str | None = None) -> Decision:
        """``score`` of a page's ``cheap_text``."""
        return self.score(cheap_text(html, charset))


def _precedence(kind: str) -> int:
    return (STRONG, ANCHOR, TRIGGER).index(kind)


def _hit_order(hit: str) -> tuple[int, str]:
    kind, _, key = hit.partition(":")
    return _precedence(kind), key


def normalize(text: str) -> str:
    """Lower case, words separated by single spaces, a space at each end, ё as е.

    Hyphens and quotes become spaces, so "foreign-agent" and '"undesirable" organization'
    meet the same patterns as the plain phrases.
    """
    return " " + _NON_WORD.sub(" ", text.lower()).strip().replace("ё", "е") + " "


def cheap_text(html: bytes | str, charset: str | None = None) -> str:
    """The main-content text of a page by resiliparse: rougher than trafilatura, 10-100 times faster.

    ``charset``: what the HTTP header declared, if anything; else the page's meta tag or a guess.
    """
    if isinstance(html, bytes):
        encoding = charset or detect_encoding(html[:_CHARSET_SNIFF_BYTES], from_html_meta=True) or "utf-8"
        tree = HTMLTree.parse_from_bytes(html, encoding, errors="replace")
    else:
        tree = HTMLTree.parse(html)
    return extract_plain_text(tree, main_content=True)


# ------------------------------------------------------------------------------------------ keywords


def language_keywords(language: str) -> list[Keyword]:
    """The keywords of one language: its strong phrases, anchors and triggers."""
    lexicon = load_lexicon(language)
    everyday = _EVERYDAY.get(language, frozenset())
    keywords = [kw for word in _STRONG.get(language, ()) for kw in _phrase_keywords(word, STRONG)]
    keywords += [kw for word in _ANCHORS.get(language, ()) for kw in _phrase_keywords(word, ANCHOR)]
    if language == "ru":
        return keywords + _russian_triggers(lexicon, everyday)
    return keywords + _english_triggers(lexicon, everyday)


def _phrase_keywords(phrase: str, kind: str, key: str | None = None) -> list[Keyword]:
    return [(_pattern(form), kind, key or phrase.replace("*", "")) for form in phrase_forms(phrase)]


def _english_triggers(lexicon: Lexicon, everyday: frozenset[str]) -> list[Keyword]:
    keywords: list[Keyword] = []
    for subtype, phrases in lexicon.lists.items():
        kind = STRONG if subtype == "foreign_agent" else TRIGGER
        keywords += [(_pattern(phrase), kind, subtype) for phrase in phrases]
    for lemma in self_sufficient_lemmas(lexicon):
        keywords += [(_pattern(form), TRIGGER, lemma) for form in english_forms(lemma) - everyday]
    return keywords


def self_sufficient_lemmas(lexicon: Lexicon) -> set[str]:
    """Lemmas of the triggers that stand on their own.

    A trigger that ``needs`` a list or law word, or ``requires_word`` a companion, is an
    everyday verb ("add", "sign", "take", "call") that the extractor accepts only in
    that context; the prefilter cannot check it, so it leaves them out.
    """
    return {
        lemma
        for (lemma, _), triggers in lexicon.triggers.items()
        if any(not t.needs and not t.requires_word for t in triggers)
    }


def english_forms(lemma: str) -> set[str]:
    """Inflected forms of an English verb or noun: fine, fines, fined, fining; ban, banned, banning.

    Over-generating ("baned") is harmless: forms that are not words never match.
    """
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma):
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _russian_triggers(lexicon: Lexicon, everyday: frozenset[str]) -> list[Keyword]:
    stems = list(lexicon.core_stems)
    keywords: list[Keyword] = []
    for stem in stems:
        if stem not in everyday:
            key = min((s for s in stems if stem.startswith(s)), key=len)  # "закрыл" counts as "закры"
            keywords += [(_pattern(prefix + stem + "*"), TRIGGER, key) for prefix in _RU_PREFIXES]
    for subtype, regex in lexicon.list_regexes.items():
        kind = STRONG if subtype == "foreign_agent" else TRIGGER
        for phrase in regex_stems(regex):
            keywords += _phrase_keywords(phrase, kind, key=subtype)
    return keywords


def regex_stems(regex: str) -> list[str]:
    r"""Stem phrases of a simple list regex: "иностранн\w*\s+агент\w*|иноагент\w*" -> ["иностранн* агент*", ...].

    Alternatives with other regex syntax are left out.
    """
    stems = []
    for alternative in regex.split("|"):
        phrase = alternative.replace(r"\w*", "*").replace(r"\s+", " ").replace("s?", "*")
        if re.fullmatch(r"[\w*\- ]+", phrase):
            stems.append(phrase)
    return stems


def phrase_forms(phrase: str) -> list[str]:
    """Forms an automaton can hold: in "иностранн* агент*" the first stem takes each case ending
    ("иностранного агент*"); the last word keeps its "*"."""
    first, _, rest = phrase.partition(" ")
    if not rest or not first.endswith("*"):
        return [phrase]
    return [f"{first[:-1]}{ending} {rest}" for ending in _RU_ENDINGS]


def _pattern(word: str) -> str:
    """ " word " for a whole word or phrase, " stem" for a trailing-* stem, in ``normalize`` form."""
    if word.endswith("*"):
        return normalize(word[:-1]).rstrip(" ")
    return normalize(word)
