"""Countries and places by name: which state an article concerns, and whether a name is a place.

The gazetteer is data: ``data/<lang>/places.json`` (every country: names, demonyms, major
places) merged with the lexicon's own ``countries``. Names are matched word by word on a
key the language chooses: the word itself for English (so "US" is not "us"), the lemma for
Russian (so "в Москве" finds "Москва"). Only capitalised words can start a match, and a word's key
is computed only where a match can reach it: lemmatising every word of a Russian article cost more
than the rest of the scan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from civicwatch.lexicons import load_lexicon

_WORD = re.compile(r"\w[\w'’.-]*\w|\w")
_MAX_WORDS = 6
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class Place:
    code: str
    country: bool  # the name of a state or its people, not a city or region


class Gazetteer:
    def __init__(
        self, sources: list[dict[str, dict[str, list[str]]]], key: Callable[[str], str], ambiguous: set[str]
    ) -> None:
        self.key = lambda word: key(word.translate(_APOSTROPHES))
        self.index: dict[tuple[str, ...], Place] = {}
        self.ambiguous = {tuple(self.key(w) for w in _WORD.findall(name)) for name in ambiguous}
        for entries in sources:  # an earlier source wins
            known = set(self.index)
            for code, entry in entries.items():
                for group in ("names", "demonyms", "places"):
                    for name in entry.get(group, []):
                        words = tuple(self.key(w) for w in _WORD.findall(name))
                        if words and words not in known and words not in self.index:
                            self.index[words] = Place(code, group != "places")
        # every name's first words: a match that has left them cannot become a name
        self.prefixes = {words[:n] for words in self.index for n in range(1, len(words) + 1)}

    def lookup(self, name: str) -> Place | None:
        words = tuple(self.key(w) for w in _WORD.findall(name))
        return self.index.get(words) if words else None

    def scan(self, text: str) -> list[tuple[Place, str]]:
        """Every gazetteer name in the text, longest first at each position (of at most ``_MAX_WORDS`` words)."""
        words = _WORD.findall(text)
        keys: dict[int, str] = {}  # the keys computed so far, by word position
        found = []
        i = 0
        while i < len(words):
            if not words[i][:1].isupper():
                i += 1
                continue
            length = 0  # of the longest name starting at i
            prefix: tuple[str, ...] = ()
            for j in range(i, min(i + _MAX_WORDS, len(words))):
                if j not in keys:
                    keys[j] = self.key(words[j])
                prefix += (keys[j],)
                if prefix not in self.prefixes:
                    break
                if prefix in self.index:
                    length = j - i + 1
            if not length:
                i += 1
                continue
            name = prefix[:length]
            if name not in self.ambiguous:
                found.append((self.index[name], " ".join(words[i : i + length])))
            i += length
        return found


@lru_cache(maxsize=4)
def gazetteer(language: str, key: Callable[[str], str]) -> Gazetteer:
    """places.json first; the lexicon's own ``countries`` add what it lacks ("Kremlin" -> RU)."""
    lexicon = load_lexicon(language)
    sources: list[dict[str, dict[str, list[str]]]] = []
    ambiguous: set[str] = set()
    path = resources.files("civicwatch.lexicons").joinpath(f"data/{language}/places.json")
    if path.is_file():
        raw = json.loads(path.read_text(encoding="utf-8"))
        sources.append(raw.get("countries", {}))
        ambiguous = set(raw.get("ambiguous", []))
    sources.append(lexicon.countries)
    return Gazetteer(sources, key, ambiguous)
