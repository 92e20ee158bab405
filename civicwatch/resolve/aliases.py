"""Names that translation, not spelling, makes one: the curated alias table shipped with the package.

``identity`` brings the spellings of one name together (transliteration, inflection, quotes, legal
forms); it cannot know that "Justice Ministry" is «Минюст», that "Soldiers' Mothers of St Petersburg" is
«Солдатские матери Санкт-Петербурга» or that "TV Rain" is «Дождь». ``data/aliases.txt`` lists the
organisations, outlets, authorities and courts that recur in this domain, one entity a line, with every
name it is known by (English and Russian names, transliterations, acronyms, former names) and its parent
when it is part of a larger one (Memorial Human Rights Centre within the Memorial movement, a service of
RFE/RL within RFE/RL). Each entity has a canonical key, which becomes the stored entity's key.

A name finds its entity (``ShippedAliases.find``) by its keys, most specific first:

1. its full key is the full key of a listed name ("Memorial Human Rights Centre" -> memorial-hrc);
2. a name or acronym it carries in brackets is listed, or a quoted name that is the whole name but for a
   legal form ("ОФ «Клооп Медиа»");
3. its core key is the full key of a listed name ("human rights NGO Memorial" -> International Memorial),
   unless the name quotes a name inside a longer one ("Komi Human Rights Commission «Memorial»": another
   legal entity of the family, which the table does not list);
4. its core key is the core key of listed names of one entity only (an unlisted "Golos movement"), or,
   for a person, the surname and first initial are those of one listed person ("Нику Гварамию").

Two listed entities never meet: "International Memorial" and "Memorial Human Rights Centre" share the
core key "memorial" but resolve to two entities (``match_strength`` says NONE), the relation between them
kept as ``parent``. A full key listed under two entities is ambiguous and finds neither (the test suite
keeps the table free of them).

``AliasTable`` adds what one source says on top of it (an article's "Committee Against Torture (KPP)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from civicwatch.resolve.identity import EXACT, NONE, entity_key, match_strength, name_keys, name_variants

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_QUOTES = re.compile(r"[«»„“”\"]")
_POSSESSIVE = re.compile(r"^[^\W\d_][\w.\- ]*?['’]s\s+")  # "Navalny's ", "Lev Ponomarev’s "


# what English news writes after an outlet's name; the name before it is looked up again
_TRAILING = re.compile(
    r"\s+(?:news\s+)?(?:newspaper|outlet|website|site|portal|agency|radio station|radio|tv channel|channel"
    r"|television|broadcaster|magazine|weekly|daily)$",
    re.IGNORECASE,
)


def _literal(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.casefold()))


KINDS = ("organization", "media", "authority", "court", "person", "law")


@dataclass(frozen=True)
class Entry:
    """One curated entity: its canonical key, what it is, and every name it is known by."""

    key: str
    kind: str
    country: str | None
    names: tuple[str, ...]
    parent: str | None = None

    @property
    def name(self) -> str:
        """The display name: the first English name, else the first one."""
        return next((n for n in self.names if not _CYRILLIC.search(n)), self.names[0])

    def names_in(self, language: str) -> list[str]:
        """The names written in Russian (``ru``) or in Latin letters (``en``)."""
        return [n for n in self.names if bool(_CYRILLIC.search(n)) == (language == "ru")]


@dataclass
class ShippedAliases:
    """The curated table, indexed by the keys of its names."""

    entries: dict[str, Entry] = field(default_factory=dict)
    _full: dict[str, str] = field(default_factory=dict)  # full key of a listed name -> entry key
    _core: dict[str, set[str]] = field(default_factory=dict)  # core key of a listed name -> entry keys
    _people: dict[tuple[str, str | None], set[str]] = field(default_factory=dict)  # (surname, initial) -> entries
    _literal: dict[str, str] = field(default_factory=dict)  # names made of generic words only ("For Human Rights")
    ambiguous: dict[str, set[str]] = field(default_factory=dict)  # full keys listed under several entries

    def add(self, entry: Entry) -> None:
        if entry.key in self.entries:
            raise ValueError(f"aliases: {entry.key} is listed twice")
        self.entries[entry.key] = entry
        for name in entry.names:
            keys = name_keys(name)
            for key in {keys.full, *(keys.acronyms if _is_acronym(name) else ())} - {None}:
                owner = self._full.setdefault(key, entry.key)
                if owner != entry.key:
                    self.ambiguous.setdefault(key, {owner}).add(entry.key)
            if keys.core:
                self._core.setdefault(keys.core, set()).add(entry.key)
            if keys.full is None:  # no identity key: the words themselves
                self._literal.setdefault(_literal(name), entry.key)
            if entry.kind == "person" and keys.surname:  # "Ники Гварамия", a bare "Гварамия"
                self._people.setdefault((keys.surname, keys.initial), set()).add(entry.key)
                self._core.setdefault(keys.surname, set()).add(entry.key)
        self._full.setdefault(entry.key, entry.key)  # the canonical key names its entity too

    def find(self, name: str, kind: str | None = None, strict: bool = False) -> Entry | None:
        """The listed entity a name stands for (None when the table does not know it).

        In news a quoted name inside a longer one ("Komi Human Rights Commission «Memorial»") is another
        legal entity of that family: only its full key counts. ``strict`` is for a register entry's name,
        one legal entity each: its full key, acronyms and the quoted name its legal form and description
        wrap ("Интернет-издание «The Moscow Times»"), never the looser core keys of a name family.
        """
        if strict:
            return self._find_strict(name, kind)
        possessive = _POSSESSIVE.match(name)
        if possessive:  # "Ponomarev's For Human Rights": the movement, not its founder
            found = self.find(name[possessive.end() :], kind)
            if found is not None:
                return found
        if _literal(name) in self._literal:
            return self.entries[self._literal[_literal(name)]]
        keys = name_keys(name, kind)
        quoted = bool(_QUOTES.search(name))
        candidates = [keys.full, *sorted(keys.acronyms)]
        if keys.full == keys.core or not quoted:  # a bracketed full name, or a quote that is the whole name
            candidates += sorted(keys.alternates)
        if not quoted:
            candidates.append(keys.core)
        for key in candidates:
            if key and key in self._full and key not in self.ambiguous:
                return self.entries[self._full[key]]
        if quoted:
            return None
        trailing = _TRAILING.search(name)
        if trailing:  # "Moscow Times newspaper", "Ekho Moskvy radio station"
            return self.find(name[: trailing.start()], kind)
        owners = self._core.get(keys.core or "", set())
        if len(owners) != 1 and keys.person and keys.surname:
            owners = self._people.get((keys.surname, keys.initial), set())
        if len(owners) == 1:
            return self.entries[next(iter(owners))]
        return None

    def _find_strict(self, name: str, kind: str | None) -> Entry | None:
        """The full key of the name, then of the name without its leading words, up to its first quote
        ("Межрегиональная общественная организация Правозащитный Центр «Мемориал»" is found as
        "Правозащитный Центр «Мемориал»"; the words inside a quote are never dropped), then its acronyms."""
        words = name.split()
        for i, word in enumerate(words):
            key = name_keys(" ".join(words[i:]), kind).full
            if key and key in self._full and key not in self.ambiguous:
                return self.entries[self._full[key]]
            if _QUOTES.match(word):
                break
        for key in sorted(name_keys(name, kind).acronyms):
            if key in self._full and key not in self.ambiguous:
                return self.entries[self._full[key]]
        return None

    def key(self, name: str, kind: str | None = None, strict: bool = False) -> str | None:
        """The canonical key of the name's entity: the table's when it is listed, else ``entity_key``."""
        entry = self.find(name, kind, strict)
        return entry.key if entry else entity_key(name, kind)

    def related(self, a: str, b: str) -> bool:
        """Whether one of the two listed entities is the other's parent (or an ancestor of it)."""
        return a in self.ancestors(b) or b in self.ancestors(a)

    def ancestors(self, key: str) -> list[str]:
        out: list[str] = []
        entry = self.entries.get(key)
        while entry is not None and entry.parent and entry.parent not in out:
            out.append(entry.parent)
            entry = self.entries.get(entry.parent)
        return out

    def children(self, key: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.parent == key]

    def match_strength(self, a: str, b: str) -> float:
        """As ``identity.match_strength``, except that two names of one listed entity are EXACT and names
        of two listed entities are NONE (parent and child, or two legal entities of one name family)."""
        entry_a, entry_b = self.find(a), self.find(b)
        if entry_a and entry_b:
            return EXACT if entry_a.key == entry_b.key else NONE
        return match_strength(a, b)

    def variants(self, name: str) -> set[str]:
        """The name's own keys and, when it is listed, its entity's key and the full keys of its names."""
        own = name_variants(name)
        entry = self.find(name)
        if entry is None:
            return own
        return own | {entry.key} | {k for k, owner in self._full.items() if owner == entry.key}

    def __len__(self) -> int:
        return len(self.entries)


def _is_acronym(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return 1 < len(letters) <= 6 and all(ch.isupper() for ch in letters)


def parse(lines: Iterable[str]) -> ShippedAliases:
    """Read the table: ``key | kind | country | parent | name; name; ...`` a line, ``#`` comments."""
    table = ShippedAliases()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != 5:
            raise ValueError(f"aliases line {number}: expected 5 cells separated by |, got {len(cells)}")
        key, kind, country, parent, names = cells
        if kind not in KINDS:
            raise ValueError(f"aliases line {number}: unknown kind {kind!r}")
        listed = tuple(dict.fromkeys(n.strip() for n in names.split(";") if n.strip()))
        if not listed:
            raise ValueError(f"aliases line {number}: {key} has no names")
        table.add(Entry(key, kind, country or None, listed, parent or None))
    for entry in table.entries.values():
        if entry.parent and entry.parent not in table.entries:
            raise ValueError(f"aliases: {entry.key}'s parent {entry.parent} is not listed")
    return table


@cache
def shipped_aliases() -> ShippedAliases:
    """The table shipped in ``civicwatch/resolve/data/aliases.txt`` (read once)."""
    text = files("civicwatch.resolve").joinpath("data/aliases.txt").read_text(encoding="utf-8")
    return parse(text.splitlines())


def canonical_key(name: str, kind: str | None = None, strict: bool = False) -> str | None:
    """The stored entity key of a name: the shipped table's entity when it lists the name, else
    ``identity.entity_key`` (``strict``: see ``ShippedAliases.find``)."""
    return shipped_aliases().key(name, kind, strict)


def listed_entry(name: str, strict: bool = False) -> Entry | None:
    """The shipped table's entity for a name, if it lists one."""
    return shipped_aliases().find(name, strict=strict)


def resolved_strength(a: str, b: str) -> float:
    """``match_strength`` through the shipped table (see ``ShippedAliases.match_strength``)."""
    return shipped_aliases().match_strength(a, b)


@dataclass
class AliasTable:
    """Names one source (an article, the database) says are the same: "КПП" -> "Комитет по предотвращению пыток".

    ``key`` resolves a name through the shipped table when one is given (``shipped_aliases()``), then
    through the aliases recorded here, and falls back to ``entity_key``.
    """

    shipped: ShippedAliases | None = None
    _canonical: dict[str, str] = field(default_factory=dict)  # any strong key -> entity key

    def add(self, name: str, alias: str | None = None) -> None:
        """Record that ``alias`` names ``name``; without an alias, the acronyms the name defines itself."""
        target = self.key(name)
        if target is None:
            return
        keys = name_keys(name)
        aliases = set(name_keys(alias).strong if alias is not None else keys.acronyms)
        aliases |= {k for k in (keys.full, keys.core) if k}  # the name's own spellings, if it was an alias itself
        for key in aliases - {target}:
            self._canonical.setdefault(key, target)

    def key(self, name: str) -> str | None:
        entry = self.shipped.find(name) if self.shipped is not None else None
        if entry is not None:
            return entry.key
        keys = name_keys(name)
        for key in (keys.core, keys.full, *sorted(keys.acronyms)):
            if key in self._canonical:
                return self._canonical[key]
        return keys.core

    def variants(self, name: str) -> set[str]:
        own = self.shipped.variants(name) if self.shipped is not None else name_variants(name)
        return own | {self._canonical[k] for k in own if k in self._canonical}

    def match_strength(self, a: str, b: str) -> float:
        """As ``match_strength``, with a name and its recorded alias counting as one entity (1.0)."""
        resolved_a, resolved_b = self.key(a), self.key(b)
        if resolved_a and resolved_a == resolved_b and (self._aliased(a) or self._aliased(b)):
            return EXACT
        if self.shipped is not None:
            return self.shipped.match_strength(a, b)
        return match_strength(a, b)

    def same(self, a: str, b: str) -> bool:
        return self.match_strength(a, b) > NONE

    def _aliased(self, name: str) -> bool:
        if self.shipped is not None and self.shipped.find(name) is not None:
            return True
        keys = name_keys(name)
        return any(k in self._canonical for k in (keys.core, keys.full, *keys.acronyms))

    def __len__(self) -> int:
        return len(self._canonical)
