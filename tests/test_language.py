"""Language detection and the per-language route of ``extract``."""

from __future__ import annotations

import importlib

import pytest

from civicwatch.extract import extract
from civicwatch.extract.language import SUPPORTED, detect_language

# ``civicwatch.extract`` the attribute is the function (civicwatch/__init__.py re-exports it): patch the modules.
EXTRACT_MODULE = importlib.import_module("civicwatch.extract")
EXTRACTOR_MODULE = importlib.import_module("civicwatch.extract.extractor")

ENGLISH = "The Justice Ministry added the Alpha Rights Centre to the register of foreign agents on Monday."
RUSSIAN = "Минюст внес фонд «Свобода слова» в реестр иностранных агентов в понедельник."
GERMAN = "Das Justizministerium hat den Verein Alpha am Montag in das Register der ausländischen Agenten eingetragen."
RUSSIAN_WITH_LATIN = "Amnesty International и Human Rights Watch осудили решение суда о ликвидации «Мемориала»."


@pytest.mark.parametrize(
    ("text", "expected"),
    [(ENGLISH, "en"), (RUSSIAN, "ru"), (GERMAN, "de"), (RUSSIAN_WITH_LATIN, "ru")],
)
def test_detects_the_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   \n\t ", "12345 67,89", "2015-07-09", "«» — … 100%"])
def test_text_without_letters_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_supported_languages() -> None:
    assert set(SUPPORTED) == {"en", "ru"}


class _Spy:
    """Stands in for get_extractor: records the language asked for, finds nothing."""

    def __init__(self) -> None:
        self.languages: list[str] = []

    def __call__(self, language: str = "en"):
        self.languages.append(language)
        return self

    def extract(self, text, published=None, url=None):
        return []


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> _Spy:
    spy = _Spy()
    monkeypatch.setattr(EXTRACTOR_MODULE, "get_extractor", spy)
    return spy


def test_detected_language_picks_the_extractor(spy: _Spy) -> None:
    extract(RUSSIAN)
    extract(ENGLISH)
    assert spy.languages == ["ru", "en"]


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "ru"), (RUSSIAN, "en"), (RUSSIAN, "ru")])
def test_language_argument_forces_the_route(spy: _Spy, text: str, language: str) -> None:
    extract(text, language=language)
    assert spy.languages == [language]


def test_language_argument_skips_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(text: str) -> str:
        raise AssertionError("detect_language was called although the language was given")

    monkeypatch.setattr(EXTRACT_MODULE, "detect_language", fail)
    events = extract(RUSSIAN, published="2015-07-09", language="ru")
    assert events
    assert all(e.extra.get("language") == "ru" for e in events)
    assert any(e.type == "designation" for e in events)


def test_detected_russian_events_are_tagged_ru() -> None:
    events = extract(RUSSIAN, published="2015-07-09")
    assert events and all(e.extra.get("language") == "ru" for e in events)


def test_unsupported_detected_language_gives_no_events(spy: _Spy) -> None:
    assert extract(GERMAN, published="2015-07-09") == []
    assert spy.languages == []


@pytest.mark.parametrize("language", ["de", "fr", "uk"])
def test_unsupported_forced_language_gives_no_events(spy: _Spy, language: str) -> None:
    assert extract(RUSSIAN, published="2015-07-09", language=language) == []
    assert spy.languages == []


def test_text_without_letters_falls_back_to_english(spy: _Spy) -> None:
    assert extract("12345 67,89") == []
    assert spy.languages == ["en"]


@pytest.mark.parametrize("language", [None, "en", "ru"])
def test_empty_text_gives_no_events(language: str | None) -> None:
    assert extract("", published="2015-07-09", language=language) == []
