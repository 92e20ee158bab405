"""The registry of languages the reader supports.

A language is a parser backend that fills the common view, its data files
(``data/<code>/``: lexicon, triggers, frames) and two small functions: where the dates
are in a sentence, and how a name is cited (Russian puts it in the nominative). Adding a
language is a module here that calls ``register`` plus its data folder.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from civicwatch.extract.parse import ParsedSentence, Token


class Backend(Protocol):
    def parse(self, texts: Iterable[str], deep: Sequence[bool] | None = None) -> Iterator[ParsedSentence]:
        """Each text in the common view; where ``deep`` is False, enough of it to cite the names it holds."""
        ...

    def lemmas_of(self, word: str) -> Iterable[str]:
        """Every lemma the backend may give a token whose text is ``word`` (lower case)."""
        ...


@dataclass(frozen=True)
class DateSpan:
    """A date expression in a parsed sentence: its tokens, EDTF value and the preposition before it."""

    start: int  # token range
    end: int
    value: str
    preposition: str | None = None


@dataclass
class Language:
    code: str
    backend: Callable[[], Backend]  # builds the parser (loads its models once)
    dates: Callable[[ParsedSentence, date | None], list[DateSpan]]
    name: Callable[[ParsedSentence, list[Token]], str]  # a name's citation form
    lemmatize: Callable[[str], str]  # a single word's lemma, for article-wide names
    place_key: Callable[[str], str]  # how a word is looked up in the gazetteer (places.py)
    cite: Callable[[str], str]  # a name found in raw text, in its citation form
    _parser: Backend | None = None

    @property
    def parser(self) -> Backend:
        if self._parser is None:
            self._parser = self.backend()
        return self._parser


_REGISTRY: dict[str, Language] = {}
_MODULES = {"en": "civicwatch.extract.languages.en", "ru": "civicwatch.extract.languages.ru"}


def register(language: Language) -> Language:
    _REGISTRY[language.code] = language
    return language


def get_language(code: str) -> Language:
    if code not in _REGISTRY and code in _MODULES:
        importlib.import_module(_MODULES[code])
    if code not in _REGISTRY:
        raise KeyError(f"no reader for language {code!r}")
    return _REGISTRY[code]


def supported() -> tuple[str, ...]:
    return tuple(sorted(set(_MODULES) | set(_REGISTRY)))
