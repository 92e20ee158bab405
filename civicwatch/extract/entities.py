"""Who the article talks about: names, their aliases, and what descriptions point to.

Within one article "the Committee Against Torture (KPP)", "the KPP" and "the
group" are one organization; "Igor Kalyapin" and "Kalyapin" one person. The
small English model also mislabels names (a bare surname as ORG, a city as
PERSON, "Human Rights Watch" missed): labels seen on a full name earlier in
the article are propagated, and capitalised sequences ending in an
organization word are taken as organizations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from civicwatch.lexicons import Lexicon

_UPPER = "A-ZА-ЯЁ"
_JOINERS = "of|for|the|and|on|against|in|to|по|против|при|за|для|и|в"
_ACRONYM = re.compile(
    rf"((?:[{_UPPER}][\w'’.-]*\s+)(?:(?:{_JOINERS})\s+|[\w'’.-]+\s+){{0,6}}?[\w'’.-]+)"
    rf"\s+\(([{_UPPER}][{_UPPER}a-zа-яё]{{1,7}})\)"
)
# English names are capitalised word by word; their acronym may come from another language ("KPP").
# At most _MAX_NAME_WORDS words: an unbounded run made the search quadratic in a long run of capitalised
# words (29 s for a run of 10,000); no organisation's name before its acronym is that long.
_MAX_NAME_WORDS = 16
_ACRONYM_CAPS = re.compile(
    r"((?:[A-Z][\w'’.-]*\s+)(?:(?:of|for|the|and|on|against|in|to)\s+|[A-Z][\w'’.-]*\s+)"
    rf"{{0,{_MAX_NAME_WORDS - 2}}}[A-Z][\w'’.-]*)\s+\(([A-Z][A-Za-z]{{1,7}})\)"
)
_QUOTED_NAME = re.compile(r"[\"“«„]([A-Z][^\"”»“«]{1,60}?)[\"”»“]")


@dataclass
class Mention:
    name: str  # canonical name
    kind: str  # ORG, PERSON
    order: int  # sentence index, to find the most recent one
    state: bool = False


@dataclass
class ArticleContext:
    lexicon: Lexicon
    lemmatize: Callable[[str], str] | None = None  # for inflected languages: "Минюстом" -> "минюст"
    aliases: dict[str, str] = field(default_factory=dict)  # lower-case alias -> canonical name
    kinds: dict[str, str] = field(default_factory=dict)  # canonical name -> ORG / PERSON
    mentions: list[Mention] = field(default_factory=list)
    # answers of latest / with_noun / salient, by their arguments and the number of mentions then: each
    # scans every mention, and a long article asks the same question for many of its pronouns
    _answers: dict[tuple, str | None] = field(default_factory=dict, repr=False, compare=False)

    def scan_text(self, text: str) -> None:
        """Aliases the raw text defines: "Full Name (ACR)"."""
        for match in _ACRONYM.finditer(text):
            full, short = _trim_to_initials(_last_sentence(match.group(1)), match.group(2)), match.group(2)
            initials = "".join(w[0] for w in full.split() if w.lower() not in _JOINERS.split("|")).upper()
            if initials == short.upper():
                self._define(short, full)
        for match in _ACRONYM_CAPS.finditer(text):
            full, short = _last_sentence(match.group(1)), match.group(2)
            full = re.sub(r"^(The|the|A|An)\s+", "", full)
            words = [w for w in full.split() if w[0].isupper()]
            if short.lower() not in self.aliases and (
                short[0] in "".join(w[0] for w in words) or len(short) <= len(words) + 1
            ):
                self._define(short, full)

    def _define(self, short: str, full: str) -> None:
        self.aliases[short.lower()] = full
        self.kinds.setdefault(full, "ORG")

    def canonical(self, name: str) -> str:
        return self.aliases.get(name.lower(), name)

    def observe(self, order: int, name: str, kind: str) -> str:
        """Record a named mention; returns its canonical name."""
        name = self.canonical(name)
        if kind == "PERSON":
            full = self._full_person_name(name)
            name = full or name
            parts = name.split()
            if len(parts) > 1:
                self.aliases.setdefault(parts[-1].lower(), name)
        elif kind == "ORG" and name.lower() in self.aliases:
            name = self.aliases[name.lower()]
        known = self.kinds.get(name)
        if known == "PERSON":
            kind = "PERSON"  # a bare surname the model called ORG
        self.kinds.setdefault(name, kind)
        self.mentions.append(Mention(name, kind, order, self.is_state(name)))
        return name

    def _full_person_name(self, name: str) -> str | None:
        if " " in name:
            return None
        full = self.aliases.get(name.lower())
        return full if full and self.kinds.get(full) == "PERSON" else None

    def is_state(self, name: str) -> bool:
        words = {w.lower().strip("'’s") for w in re.findall(r"[\w'’]+", name)}
        if self.lemmatize is not None:
            words = {self.lemmatize(w) for w in words}
        return bool(words & self.lexicon.words["state_bodies"]) and not (
            words & {"against", "for", "watch", "defenders", "rights", "memorial", "torture"}
        )

    def names_as_organization(self, word: str) -> bool:
        """Whether some organization or person mention of the article contains this word."""
        return any(word in m.name.split() for m in self.mentions) or word.lower() in self.aliases

    def kind_of(self, name: str) -> str | None:
        return self.kinds.get(self.canonical(name))

    def latest(self, kind: str, before: int, include_state: bool = False) -> str | None:
        """The most recent mention of that kind before sentence ``before``, else in it."""
        key = ("latest", kind, before, include_state, len(self.mentions))
        if key not in self._answers:
            self._answers[key] = self._latest(kind, before, include_state)
        return self._answers[key]

    def _latest(self, kind: str, before: int, include_state: bool) -> str | None:
        for same_sentence in (False, True):
            for mention in reversed(self.mentions):
                earlier = mention.order < before or (same_sentence and mention.order == before)
                if earlier and mention.kind == kind and (include_state or not mention.state):
                    return mention.name
        return None

    def following(self, kind: str, after: int, within: int = 2) -> str | None:
        """The first mention of that kind in the ``within`` sentences after sentence ``after``: whom a lead's "a
        rights group" turns out to be once the article names it."""
        return next(
            (m.name for m in self.mentions if m.kind == kind and not m.state and after < m.order <= after + within),
            None,
        )

    def with_noun(self, word: str, before: int) -> str | None:
        """ "the union", "фонд": the latest organization whose name holds that noun."""
        key = ("with_noun", word, before, len(self.mentions))
        if key not in self._answers:
            self._answers[key] = self._with_noun(word, before)
        return self._answers[key]

    def _with_noun(self, word: str, before: int) -> str | None:
        for mention in reversed(self.mentions):
            if mention.kind == "ORG" and not mention.state and mention.order <= before:
                words = {self.lemmatize(w) if self.lemmatize else w for w in mention.name.lower().split()}
                if word in words:
                    return mention.name
        return None

    def salient(self, kind: str, include_state: bool = False, before: int | None = None) -> str | None:
        """The most mentioned name of that kind (up to sentence ``before``); ties go to the latest."""
        key = ("salient", kind, include_state, before, len(self.mentions))
        if key not in self._answers:
            self._answers[key] = self._salient(kind, include_state, before)
        return self._answers[key]

    def _salient(self, kind: str, include_state: bool, before: int | None) -> str | None:
        counts: dict[str, tuple[int, int]] = {}
        for mention in self.mentions:
            if before is not None and mention.order > before:
                continue
            if mention.kind == kind and (include_state or not mention.state):
                count, _ = counts.get(mention.name, (0, 0))
                counts[mention.name] = (count + 1, mention.order)
        return max(counts, key=counts.__getitem__) if counts else None


_SENTENCE_END = re.compile(r"(?<=[^\W\d_][a-zа-яё]{2}[.!?])\s+(?=\w)")  # not after "St." or "Dr."


def _last_sentence(words: str) -> str:
    """The words a name before its acronym may take: none of an earlier sentence ("on Monday. Reporters
    Without Borders (RSF)" names Reporters Without Borders)."""
    return _SENTENCE_END.split(words.strip())[-1]


def _trim_to_initials(full: str, short: str) -> str:
    """ "Микроавтобус Сводной мобильной группы (СМГ)": the name is the words the letters stand for."""
    words = full.split()
    content = [i for i, w in enumerate(words) if w.lower() not in _JOINERS.split("|")]
    if len(content) >= len(short):
        start = content[len(content) - len(short)]
        return " ".join(words[start:])
    return full
