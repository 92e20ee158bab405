"""What each language's news says and how: trigger words, word lists, frames and places, as data.

``data/<lang>/`` holds a language's knowledge: ``triggers.json`` (the words that anchor events),
``lexicon.json`` (word lists: state bodies, descriptions, list phrases, civic cues...),
``frames.json`` (how a trigger's syntax maps to roles) and ``places.json`` (a gazetteer).
The extractor reads all of it; the relevance prefilter (``clean``) reads the trigger words, so
this package sits below both. Adding a language starts here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Trigger:
    """A word that anchors an event, and how its sentence maps to roles."""

    type: str
    subtype: str  # a subtype, or '$list' / '$closure' / '$attack' decided from context
    frame: str
    lemmas: frozenset[str]
    pos: frozenset[str]
    needs: str = ""
    requires_word: frozenset[str] = frozenset()
    hold_needs: frozenset[str] = frozenset()
    requires_child: bool = False  # the required word must hang from the trigger ("call on")
    people_only: bool = False  # acts only on people ("beat" a journalist, not a rival team 2-1)


@dataclass
class Lexicon:
    language: str
    triggers: dict[tuple[str, str], list[Trigger]]
    lists: dict[str, list[str]]
    words: dict[str, frozenset[str]]
    civic_cues: tuple[str, ...]
    civic: re.Pattern[str]  # the civic cues: whole words, or stems where the cue ends in "*"
    screen: re.Pattern[str]
    countries: dict[str, dict[str, list[str]]]  # ISO code -> names, places (see places.py)
    foreign_voices: frozenset[str]
    org_suffixes: frozenset[str]
    # list subtype -> country -> who keeps that list, in this language's words: the actor of a listing or
    # delisting whose text names none ("was added to the foreign agents register" is the Justice Ministry's act)
    list_keepers: dict[str, dict[str, str]] = field(default_factory=dict)
    list_regexes: dict[str, str] = field(default_factory=dict)  # subtype -> regex, for inflected languages
    core_stems: tuple[str, ...] = ()  # stems of the triggers that stand on their own (the prefilter's)
    default_country: str | None = None  # the state most of this language's news concerns
    names_capitalised: bool = True  # every word of a name starts with a capital ("Committee Against Torture")
    list_pattern: re.Pattern[str] = field(init=False)
    subtype_patterns: dict[str, re.Pattern[str]] = field(init=False)

    def __post_init__(self) -> None:
        regexes = dict(self.list_regexes)
        for subtype, phrases in self.lists.items():
            if phrases and subtype not in regexes:
                ordered = sorted(phrases, key=len, reverse=True)
                regexes[subtype] = "|".join(re.escape(p) for p in ordered)
        self.subtype_patterns = {s: re.compile(rf"\b(?:{r})\b", re.I) for s, r in regexes.items()}
        self.list_pattern = re.compile("|".join(rf"\b(?:{r})\b" for r in regexes.values()), re.I)

    def triggers_for(self, lemma: str, pos: str) -> list[Trigger]:
        return self.triggers.get((lemma, pos), [])

    def names_reaction(self, lemma: str, lower: str, pos: str) -> bool:
        """Whether the word is a reaction's trigger ("condemn", "urge", "осудить"): who says it reacts."""
        return any(h.type == "reaction" for h in self.triggers_for_token(lemma, lower, pos))

    def triggers_for_token(self, lemma: str, lower: str, pos: str) -> list[Trigger]:
        """By lemma, else by the word's own form: the small model's lemmas slip ("fined" -> "fin")."""
        forms = [lemma, lower]
        if lower.endswith("ed"):  # "fined" -> "fine", "raided" -> "raid"; never "band" -> "ban"
            forms += [lower[:-1], lower[:-2]]
        elif lower.endswith("ing"):
            forms += [lower[:-3], lower[:-3] + "e"]
        elif lower.endswith("s") and not lower.endswith("ss"):
            forms.append(lower[:-1])
        for key in forms:
            found = self.triggers.get((key, pos))
            if found:
                return found
        return []

    def list_subtype(self, phrase: str) -> str | None:
        for subtype, pattern in self.subtype_patterns.items():
            if pattern.fullmatch(phrase):
                return subtype
        return None


def _data(language: str, name: str) -> dict:
    path = resources.files("civicwatch.lexicons").joinpath(f"data/{language}/{name}")
    return json.loads(path.read_text(encoding="utf-8"))


def _stems(raw: dict, triggers: dict[tuple[str, str], list[Trigger]], core: bool) -> list[str]:
    """The stems of the trigger lemmas ("designat" for designate, designated, designation; "штраф" for
    штрафовать, штрафовали), plus the lexicon's own ``screen`` stems for forms a stem misses (irregular
    verbs: "held", "пришли"). ``core``: only triggers that stand on their own (no companion word needed)."""
    cut = raw.get("screen_cut", 1)  # letters an inflection may change at the end of a lemma
    minimum = raw.get("screen_min", 4)
    endings = raw.get("screen_endings", [])  # an infinitive's ending, which its other forms drop ("уехать", "уехал")
    stems = set()
    for (lemma, _), entries in triggers.items():
        if " " in lemma or (core and not any(not t.needs and not t.requires_word for t in entries)):
            continue
        stem = lemma[: max(minimum, len(lemma) - cut)] if len(lemma) > minimum else lemma
        ending = next((e for e in endings if lemma.endswith(e) and len(lemma) - len(e) >= 3), None)
        stems.add(min(stem, lemma[: -len(ending)], key=len) if ending else stem)
    stems |= {s.lower() for s in raw.get("screen", [])}
    if not core:
        stems |= {s.lower() for s in raw.get("screen_extra", [])}
    return sorted(stems, key=lambda s: (-len(s), s))


def _screen(stems: list[str]) -> re.Pattern[str]:
    """Words a sentence must contain to be parsed: any of the stems, at the start of a word."""
    return re.compile(rf"(?<!\w){_shared_prefixes([(s, '') for s in stems])}", re.I)


def _cues(cues: list[str]) -> re.Pattern[str]:
    """Words that say a passage is about civic space: "ngo" is a whole word, "journalis*" a stem."""
    parts = [(c[:-1], "") if c.endswith("*") else (c, r"(?!\w)") for c in cues]
    return re.compile(rf"(?<!\w){_shared_prefixes(parts)}", re.I)


def _shared_prefixes(words: list[tuple[str, str]]) -> str:
    """A pattern that matches where any of the words (each followed by its own pattern, e.g. "" or a word's end)
    starts, written as a tree of their shared beginnings ("sanction(?:s|ed)" rather than "sanctions|sanctioned"):
    Python's ``re`` tries an alternation's branches one by one at every position, so hundreds of stems in a
    flat list cost hundreds of tries per character. It says whether, and where, some word matches; the one it
    matches there may be shorter than the longest that would (which the screen and the cues never ask)."""
    tree: dict = {}
    for word, end in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node.setdefault(None, set()).add(end)

    def pattern(node: dict) -> str:
        ends = node.get(None, set())
        if "" in ends:
            return ""  # a word ends here with nothing more to check: whatever follows, it matched
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items(), key=_by_char) if char]
        branches += sorted(ends)
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree) if tree else "(?!)"


def _by_char(item: tuple) -> str:
    return item[0] or ""


# not word lists
_NOT_WORDS = {"screen", "screen_extra", "screen_endings", "org_suffixes", "civic_cues", "foreign_voices"}


@lru_cache(maxsize=4)
def load_lexicon(language: str = "en") -> Lexicon:
    raw = _data(language, "lexicon.json")
    triggers: dict[tuple[str, str], list[Trigger]] = {}
    for entry in _data(language, "triggers.json")["triggers"]:
        trigger = Trigger(
            type=entry["type"],
            subtype=entry["subtype"],
            frame=entry["frame"],
            lemmas=frozenset(entry["lemmas"]),
            pos=frozenset(entry["pos"]),
            needs=entry.get("needs", ""),
            requires_word=frozenset(w.lower() for w in entry.get("requires_word", [])),
            hold_needs=frozenset(entry.get("hold_needs", [])),
            requires_child=entry.get("requires_child", False),
            people_only=entry.get("people_only", False),
        )
        for lemma in trigger.lemmas:
            for pos in trigger.pos:
                triggers.setdefault((lemma, pos), []).append(trigger)
    # every list of words in the lexicon, lower case, by its key ("state_bodies", "negators"...)
    words = {
        key: frozenset(w.lower() for w in value)
        for key, value in raw.items()
        if isinstance(value, list) and key not in _NOT_WORDS and all(isinstance(w, str) for w in value)
    }
    screen = _screen(_stems(raw, triggers, core=False))
    return Lexicon(
        language=language,
        triggers=triggers,
        lists=raw["lists"],
        words=words,
        civic_cues=tuple(raw["civic_cues"]),
        civic=_cues(raw["civic_cues"]),
        screen=screen,
        core_stems=tuple(_stems(raw, triggers, core=True)),
        countries=raw["countries"],
        default_country=raw.get("default_country"),
        names_capitalised=raw.get("names_capitalised", True),
        foreign_voices=frozenset(raw.get("foreign_voices", [])),
        org_suffixes=frozenset(raw.get("org_suffixes", [])),
        list_regexes=raw.get("list_patterns", {}),
        list_keepers=raw.get("list_keepers", {}),
    )


def load_data(language: str, name: str) -> dict:
    """One of a language's data files (``data/<language>/<name>``), parsed."""
    return _data(language, name)
