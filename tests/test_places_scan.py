"""The gazetteer's scan computes a word's key (a pymorphy lemma in Russian) only where a name can reach it,
and finds exactly what a scan that keys every word finds: checked on every article of ``../shared/eval``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_checks import SHARED, shared_or_skip

from civicwatch.extract.languages import get_language
from civicwatch.extract.places import _MAX_WORDS, _WORD, Gazetteer, Place, gazetteer

SPLITS = ("train", "dev", "merge-dev")


def full_scan(places: Gazetteer, text: str) -> list[tuple[Place, str]]:
    """The scan as it was: every word keyed, then the longest name at each capitalised word."""
    words = _WORD.findall(text)
    keys = [places.key(w) for w in words]
    found = []
    i = 0
    while i < len(words):
        if not words[i][:1].isupper():
            i += 1
            continue
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            place = places.index.get(tuple(keys[i : i + n]))
            if place is not None:
                if tuple(keys[i : i + n]) not in places.ambiguous:
                    found.append((place, " ".join(words[i : i + n])))
                i += n
                break
        else:
            i += 1
    return found


def texts(language: str) -> list[Path]:
    root = shared_or_skip(SHARED / "eval")
    files = [txt for split in SPLITS for txt in sorted((root / split).glob("*.txt")) if _language(txt) == language]
    assert files, f"no {language} articles under {root}"
    return files


def _language(txt: Path) -> str | None:
    gold = txt.with_name(txt.name[: -len(".txt")] + ".gold.json")
    return json.loads(gold.read_text(encoding="utf-8")).get("language") if gold.exists() else None


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_scan_finds_what_keying_every_word_finds(language):
    places = gazetteer(language, get_language(language).place_key)
    found_any = 0
    for txt in texts(language):
        text = txt.read_text(encoding="utf-8")
        found = places.scan(text)
        assert found == full_scan(places, text), txt.name
        found_any += bool(found)
    assert found_any >= 10  # the articles do name places: the comparison is not between two empty lists


def test_a_russian_scan_lemmatises_only_words_a_name_can_reach():
    lemmatize = get_language("ru").place_key
    asked: list[str] = []

    def key(word: str) -> str:
        asked.append(word)
        return lemmatize(word)

    reference = gazetteer("ru", lemmatize)
    places = Gazetteer([], key, set())
    places.index, places.prefixes, places.ambiguous = reference.index, reference.prefixes, reference.ambiguous
    asked.clear()
    found = places.scan("суд оштрафовал редакцию в Нижнем Новгороде, а полиция задержала активиста в Бишкеке")
    assert [(p.code, surface) for p, surface in found] == [("RU", "Нижнем Новгороде"), ("KG", "Бишкеке")]
    # the capitalised words, and the one word after a name that tells it ends there
    assert asked == ["Нижнем", "Новгороде", "а", "Бишкеке"]
    asked.clear()
    assert places.scan("все слова этого текста написаны со строчной буквы") == []
    assert asked == []
