"""Laws as entities: a law event's target is the act itself, known by a canonical key.

Reports name one law in many ways ("the foreign agent law", "the 2012 NGO law", «закон об иноагентах»,
"121-FZ") and the extractor's target is often only "the new law". ``data/laws.txt`` lists the acts that
recur in this domain with patterns in every language; ``law_key`` reads a law event's target names and
evidence and gives the act's key:

* a law number written out ("121-FZ", "255-ФЗ") decides;
* otherwise the acts of the event's country whose patterns match; of several (Russia's foreign agent laws
  of 2012 and 2022), the newest one signed by the event's year, or the one whose year the text names
  ("the 2012 law"); without a year to decide, only a single match counts;
* ``article_law_keys`` gives a law event the article names no act for the act of its other law events,
  when they name exactly one for its country ("Aliyev signed the new law on 8 February" in an article
  about the media law).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_NUMBER = re.compile(r"\b(\d{1,4})-?(?:fz|фз)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Law:
    key: str
    country: str
    year: int
    name: str
    patterns: tuple[re.Pattern[str], ...]

    @property
    def number(self) -> str | None:
        match = re.match(r"(\d+)-FZ", self.name)
        return match[1] if match else None


def parse(lines: Iterable[str]) -> list[Law]:
    """Read the table: ``key | country | year | name | pattern; pattern; ...`` a line (cells separated by
    " | " with spaces), ``#`` comments."""
    out = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split(" | ")]  # patterns use a bare | for alternatives
        if len(cells) != 5 or not cells[2].isdigit():
            raise ValueError(f"laws line {number}: expected key | country | year | name | patterns")
        key, country, year, name, patterns = cells
        compiled = tuple(re.compile(p.strip(), re.IGNORECASE) for p in patterns.split(";") if p.strip())
        out.append(Law(key, country, int(year), name, compiled))
    return out


@cache
def shipped_laws() -> tuple[Law, ...]:
    text = files("civicwatch.resolve").joinpath("data/laws.txt").read_text(encoding="utf-8")
    return tuple(parse(text.splitlines()))


def law_by_key(key: str) -> Law | None:
    return next((law for law in shipped_laws() if law.key == key), None)


def law_key(texts: Iterable[str | None], country: str | None, year: int | None = None) -> str | None:
    """The key of the act a law event is about (see the module doc); None when the texts name none."""
    text = " ".join(t for t in texts if t)
    laws = [law for law in shipped_laws() if country is None or law.country == country]
    numbers = {m[1] for m in _NUMBER.finditer(text)}
    numbered = [law for law in laws if law.number in numbers]
    if len(numbered) == 1:
        return numbered[0].key
    matching = [law for law in laws if any(p.search(text) for p in law.patterns)]
    if len(matching) <= 1:
        return matching[0].key if matching else None
    named_years = {int(y) for y in _YEAR.findall(text)}
    by_named_year = [law for law in matching if law.year in named_years]
    if len(by_named_year) == 1:
        return by_named_year[0].key
    if year is None:
        return None
    in_force = [law for law in matching if law.year <= year]
    newest = max((law.year for law in in_force), default=None)
    chosen = [law for law in in_force if law.year == newest]
    return chosen[0].key if len(chosen) == 1 else None


def article_law_keys(events: list[tuple[str | None, str | None]]) -> list[str | None]:
    """Each law event's key, ``(key or None, country)`` in, with the unnamed ones given the act the
    article's other law events of that country name, when they name exactly one."""
    named: dict[str | None, set[str]] = {}
    for key, country in events:
        if key:
            named.setdefault(country, set()).add(key)
    out = []
    for key, country in events:
        only = named.get(country, set())
        out.append(key or (next(iter(only)) if len(only) == 1 else None))
    return out
