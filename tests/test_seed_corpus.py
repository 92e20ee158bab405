"""The seed corpus shipped with the extractor (civicwatch/extract/seed): well-formed gold, and coverage.

Each item is ``NAME.txt`` + ``NAME.gold.json`` in the evaluation's gold format (shared/eval/SCHEMA.md):
evidence verbatim in the text, types, subtypes and statuses from the schema, targets that are entity keys,
EDTF dates. Coverage: every type at least 5 times per language, every subtype at least twice in English and
three times in Russian, and hard negatives (items with no events) in both languages. Every organisation, outlet
and person is invented and appears in one item only (real state bodies may recur).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

import civicwatch
from civicwatch.core.dates import date_range, is_valid_edtf
from civicwatch.model import EVENT_TYPES, STATUSES

SEED = Path(civicwatch.__file__).parent / "extract" / "seed"
LANGUAGES = ("en", "ru")
GOLD_KEYS = {"id", "source", "published", "language", "entities", "events", "optional_events"}
MIN_PER_TYPE = 5  # events of each type, per language
MIN_PER_SUBTYPE_EN = 2  # events of each subtype, in English
MIN_PER_SUBTYPE_RU = 3  # events of each subtype, in Russian
MAX_SENTENCES = 12  # items run from a short notice to an article of a dozen sentences
# real state bodies several items name as actors (every other entity belongs to one item)
STATE_BODIES = {"Минюст", "Генпрокуратура", "Росфинмониторинг", "Госдума", "Роскомнадзор"}
NAME = re.compile(r"^seed-(en|ru)-\d{3}$")


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _items() -> list[tuple[str, str, dict]]:
    items = []
    for text_path in sorted(SEED.glob("*.txt")):
        gold_path = text_path.with_name(text_path.stem + ".gold.json")
        gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.exists() else {}
        items.append((text_path.stem, text_path.read_text(encoding="utf-8"), gold))
    return items


ITEMS = _items()


def _first(value) -> str:
    """The preferred value of a field that may list acceptable ones (the trainer uses the first)."""
    return _as_list(value)[0]


def _events(language: str | None = None) -> list[dict]:
    return [e for _, _, gold in ITEMS if language in (None, gold["language"]) for e in gold["events"]]


def test_the_seed_corpus_is_there_in_both_languages():
    languages = Counter(gold.get("language") for _, _, gold in ITEMS)
    assert languages["en"] >= 70 and languages["ru"] >= 50, languages
    assert set(languages) == set(LANGUAGES)


def test_every_text_has_its_gold_file_and_every_gold_file_its_text():
    texts = {p.stem for p in SEED.glob("*.txt")}
    golds = {p.name[: -len(".gold.json")] for p in SEED.glob("*.gold.json")}
    assert texts == golds, texts ^ golds


@pytest.mark.parametrize(("name", "text", "gold"), ITEMS, ids=[name for name, _, _ in ITEMS])
def test_gold_file_is_well_formed(name: str, text: str, gold: dict):
    assert set(gold) == GOLD_KEYS
    assert NAME.match(name) and gold["id"] == name and gold["source"] == "seed"
    assert gold["language"] in LANGUAGES and name.startswith(f"seed-{gold['language']}-")
    published = date.fromisoformat(gold["published"]) if gold["published"] is not None else None
    assert 2 <= len(re.findall(r"[.!?](?=\s|$)", text)) <= MAX_SENTENCES, "an item is a news story of a few sentences"
    for key, entity in gold["entities"].items():
        assert set(entity) == {"name", "aliases"} and isinstance(entity["aliases"], list), key
        forms = [entity["name"], *entity["aliases"]]
        assert any(form.lower() in text.lower() for form in forms), f"{key} is not named in the text"
    for event in gold["events"] + gold["optional_events"]:
        _check_event(event, text, gold, published)
    for event in gold["optional_events"]:
        assert event.get("note"), "an optional event says why it is optional"


def _check_event(event: dict, text: str, gold: dict, published: date | None) -> None:
    assert event["type"] in EVENT_TYPES
    for subtype in _as_list(event["subtype"]):
        assert subtype in EVENT_TYPES[event["type"]], (event["type"], subtype)
    statuses = _as_list(event["status"])
    assert all(status in STATUSES for status in statuses), statuses
    assert event["evidence"] and event["evidence"] in text, event["evidence"]
    assert event["targets"] and all(key in gold["entities"] for key in event["targets"]), event["targets"]
    for actor in _as_list(event.get("actor")):
        assert actor is None or actor in gold["entities"] or actor.lower() in text.lower(), actor
    for location in _as_list(event.get("location")):
        assert location is None or isinstance(location, str) and location
    assert event.get("country") is None or re.fullmatch(r"[A-Z]{2}", event["country"]), event.get("country")
    for value in _as_list(event.get("date")):
        if value is None:
            continue
        assert is_valid_edtf(value), value
        span = date_range(value)
        if published and statuses == ["occurred"] and span:
            assert span[0] <= published, f"{value} is after publication for an act that occurred"


def test_hard_negatives_have_no_events_and_make_about_a_quarter_of_each_language():
    for language in LANGUAGES:
        items = [gold for _, _, gold in ITEMS if gold["language"] == language]
        negatives = [gold for gold in items if not gold["events"]]
        assert 0.15 <= len(negatives) / len(items) <= 0.35, (language, len(negatives), len(items))


OFFTOPIC = SEED / "offtopic"


def test_offtopic_pages_are_long_well_formed_and_hold_no_event():
    """seed/offtopic: pages of sport, markets, crime, reviews, politics, recipes, where trigger words keep their
    everyday sense. They teach the relevance model (an article about civic space or not), not the event models."""
    texts = sorted(OFFTOPIC.glob("*.txt"))
    languages = Counter()
    for text_path in texts:
        gold = json.loads(text_path.with_name(text_path.stem + ".gold.json").read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        assert NAME.match(text_path.stem) and gold["id"] == text_path.stem and set(gold) == GOLD_KEYS
        assert gold["events"] == [] and gold["optional_events"] == [] and gold["entities"] == {}
        assert len(re.findall(r"[.!?](?=\s|$)", text)) >= 6, "a page of several paragraphs"
        assert not (SEED / text_path.name).exists(), "a name is used once across the seed corpus"
        languages[gold["language"]] += 1
    assert languages["en"] >= 50 and languages["ru"] >= 20, languages


def test_every_type_and_subtype_is_covered():
    report = []
    for language in LANGUAGES:
        types = Counter(e["type"] for e in _events(language))
        subtypes = Counter(f"{e['type']}/{_first(e['subtype'])}" for e in _events(language))
        report.append(f"{language}: " + ", ".join(f"{t} {types[t]}" for t in EVENT_TYPES))
        report.append(f"{language}: " + ", ".join(f"{s} {n}" for s, n in sorted(subtypes.items())))
        assert all(types[t] >= MIN_PER_TYPE for t in EVENT_TYPES), report[-2]
        least = {"en": MIN_PER_SUBTYPE_EN, "ru": MIN_PER_SUBTYPE_RU}[language]
        missing = [f"{t}/{s}" for t, subs in EVENT_TYPES.items() for s in subs if subtypes[f"{t}/{s}"] < least]
        assert not missing, (language, missing)
    print("\n".join(report))


def test_every_status_is_taught():
    statuses = Counter(_first(e["status"]) for e in _events())
    assert all(statuses[status] >= 3 for status in STATUSES), statuses


def test_lists_of_targets_are_one_event():
    """ "three outlets: A, B and C" is one event naming them all (SCHEMA rule 2), in both languages."""
    for language in LANGUAGES:
        assert sum(len(e["targets"]) >= 3 for e in _events(language)) >= 3, language


def test_no_organisation_is_reused_across_items():
    seen: dict[str, str] = {}
    for name, _, gold in ITEMS:
        targeted = {key for e in gold["events"] + gold["optional_events"] for key in e["targets"]}
        for key in targeted:
            entity_name = gold["entities"][key]["name"]
            assert entity_name not in seen or seen[entity_name] == name, (entity_name, seen.get(entity_name), name)
            seen[entity_name] = name


def test_no_entity_is_shared_by_two_items():
    """Names of organisations, outlets, people and laws are not reused from item to item, in either batch."""
    seen: dict[str, str] = {}
    for name, _, gold in ITEMS:
        for entity in gold["entities"].values():
            key = entity["name"].lower()
            if entity["name"] in STATE_BODIES:
                continue
            assert key not in seen or seen[key] == name, (entity["name"], seen.get(key), name)
            seen[key] = name
