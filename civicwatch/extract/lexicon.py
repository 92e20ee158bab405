"""Per-language lexicons and trigger tables, loaded from ``data/<lang>/``."""

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
    screen: re.Pattern[str]
    place_country: dict[str, str]  # place or demonym -> ISO code
    country_names: frozenset[str]  # names of states and their demonyms (not specific places)
    foreign_voices: frozenset[str]
    org_suffixes: frozenset[str]
    list_regexes: dict[str, str] = field(default_factory=dict)  # subtype -> regex, for inflected languages
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
    path = resources.files("civicwatch.extract").joinpath(f"data/{language}/{name}")
    return json.loads(path.read_text(encoding="utf-8"))


def _screen(raw: dict, triggers: dict[tuple[str, str], list[Trigger]]) -> re.Pattern[str]:
    """Words a sentence must contain to be parsed: a hand list of stems for inflected languages,
    else the trigger lemmas' stems ("designat" for designate, designated, designation)."""
    if "screen" in raw:
        return re.compile("|".join(re.escape(s) for s in raw["screen"]), re.I)
    stems = {lemma[:-1] if lemma.endswith("e") and len(lemma) > 4 else lemma for lemma, _ in triggers}
    stems |= set(raw.get("screen_extra", []))
    alternatives = "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})", re.I)


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
    place_country: dict[str, str] = {}
    country_names: set[str] = set()
    for code, entry in raw["countries"].items():
        for name in entry["names"]:
            place_country[name] = code
            country_names.add(name)
        for name in entry["places"]:
            place_country[name] = code
    words = {
        key: frozenset(w.lower() for w in raw[key])
        for key in (
            "list_nouns",
            "never_targets",
            "law_nouns",
            "generic_targets",
            "descriptions",
            "people_groups",
            "state_bodies",
            "courts",
            "process_nouns",
            "speech_verbs",
            "negations",
        )
    }
    screen = _screen(raw, triggers)
    return Lexicon(
        language=language,
        triggers=triggers,
        lists=raw["lists"],
        words=words,
        civic_cues=tuple(raw["civic_cues"]),
        screen=screen,
        place_country=place_country,
        country_names=frozenset(country_names),
        foreign_voices=frozenset(raw.get("foreign_voices", [])),
        org_suffixes=frozenset(raw.get("org_suffixes", [])),
        list_regexes=raw.get("list_patterns", {}),
    )
