"""The world gazetteer, ``data/<lang>/places.json``: every state under its ISO code, one state per name.

The files are read as the installed package ships them. Russian entries must be citation forms,
because the extractor looks Russian names up by pymorphy lemmas; the check leans on pymorphy's own
dictionary of place names (Geox), since its guesses for unknown foreign names say nothing either way.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from importlib import resources

import pymorphy3
import pytest

UN_MEMBERS = frozenset(
    """AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD CL
    CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW
    GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR
    MU MX FM MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC
    VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG UA AE GB
    TZ US UY UZ VU VE VN YE ZM ZW""".split()
)
OTHERS = frozenset({"XK", "TW", "HK", "MO", "PS", "EH"})  # Kosovo, Taiwan, Hong Kong, Macao, Palestine, W. Sahara
EXPECTED = UN_MEMBERS | OTHERS
GROUPS = ("names", "demonyms", "places")
LANGUAGES = ("en", "ru")
WORD = re.compile(r"[\w][\w'’.-]*[\w]|[\w]")  # how the extractor splits a name into words (places.py)
CYRILLIC = re.compile(r"[а-яё]", re.I)


@cache
def gazetteer(language: str) -> dict:
    path = resources.files("civicwatch.lexicons").joinpath(f"data/{language}/places.json")
    return json.loads(path.read_text(encoding="utf-8"))


def entries(language: str) -> list[tuple[str, str, str]]:
    """(code, group, name) for every name in the file."""
    countries = gazetteer(language)["countries"]
    return [(code, group, name) for code, entry in countries.items() for group in GROUPS for name in entry[group]]


def code_of(language: str, name: str) -> set[str]:
    return {code for code, _, n in entries(language) if n == name}


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def lemma(word: str) -> str:
    return morph().parse(word.lower())[0].normal_form


def known_place_is_nominative(word: str) -> bool:
    """False only for a form of a place pymorphy knows that is not its nominative ("Москве", "Бишкеке")."""
    places = [p for p in morph().parse(word) if p.is_known and "Geox" in p.tag]
    return not places or any(p.tag.case == "nomn" for p in places)


def test_the_nominative_check_tells_an_inflected_place_from_its_citation_form():
    for word in ("Москве", "Бишкеке", "Грозном", "Махачкалы", "Ростове-на-Дону", "Киеве"):
        assert not known_place_is_nominative(word), word
    for word in ("Москва", "Бишкек", "Грозный", "Махачкала", "Ростов-на-Дону", "Тбилиси"):
        assert known_place_is_nominative(word), word


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_is_there_under_its_iso_code(language):
    countries = gazetteer(language)["countries"]
    assert set(countries) <= EXPECTED, sorted(set(countries) - EXPECTED)
    assert len(countries) >= 190
    assert EXPECTED - set(countries) == set()
    assert set(gazetteer(language)) == {"_doc", "countries", "ambiguous"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_has_names_and_at_least_five_places(language):
    for code, entry in gazetteer(language)["countries"].items():
        assert set(entry) == set(GROUPS), code
        assert entry["names"], code
        assert len(entry["places"]) >= 5, code
        for group in GROUPS:
            assert all(name and name == name.strip() for name in entry[group]), (code, group)
            assert len(set(entry[group])) == len(entry[group]), (code, group)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_name_belongs_to_two_states(language):
    owners: dict[str, set[str]] = defaultdict(set)
    for code, _, name in entries(language):
        owners[name.casefold()].add(code)
    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}


def test_no_two_russian_states_share_a_name_once_lemmatised():
    # The extractor keys each word of a Russian name by its lemma, so "Турку" would collide with "турок".
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for code, _, name in entries("ru"):
        owners[tuple(lemma(w) for w in WORD.findall(name))].add(code)
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_and_places_start_with_a_capital(language):
    # Only a capitalised word can start a gazetteer match in running text.
    assert [name for _, group, name in entries(language) if group != "demonyms" and not name[0].isupper()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_ambiguous_names_are_names_in_the_same_file(language):
    ambiguous = gazetteer(language)["ambiguous"]
    names = {name for _, _, name in entries(language)}
    assert ambiguous and set(ambiguous) <= names, sorted(set(ambiguous) - names)


def test_russian_names_and_places_are_nominative():
    single = [
        (code, name)
        for code, group, name in entries("ru")
        if group != "demonyms" and len(WORD.findall(name)) == 1 and CYRILLIC.search(name)
    ]
    assert len(single) > 2000
    assert [(code, name) for code, name in single if not known_place_is_nominative(name)] == []
    assert not any("ё" in name for _, _, name in entries("ru"))  # written with е, as most news is


def test_russian_demonyms_are_citation_forms():
    for code, group, word in entries("ru"):
        if group != "demonyms":
            continue
        known = [p for p in morph().parse(word) if p.is_known]
        assert word == word.lower(), (code, word)
        assert not known or any(p.tag.case == "nomn" for p in known), (code, word)
        adjectives = [p for p in known if p.tag.POS == "ADJF"]
        if adjectives and known[0].tag.POS == "ADJF":
            assert adjectives[0].normal_form == word, (code, word)  # "российский", not "российские"


@pytest.mark.parametrize(
    "language, name, code, group",
    [
        ("en", "Grozny", "RU", "places"),
        ("en", "Bishkek", "KG", "places"),
        ("en", "Rostov-on-Don", "RU", "places"),
        ("en", "Kyiv", "UA", "places"),
        ("en", "Kiev", "UA", "places"),
        ("en", "Crimea", "UA", "places"),
        ("en", "Sevastopol", "UA", "places"),
        ("en", "Chisinau", "MD", "places"),
        ("en", "Kishinev", "MD", "places"),
        ("en", "Alma-Ata", "KZ", "places"),
        ("en", "Hong Kong", "HK", "names"),
        ("en", "Georgia", "GE", "names"),
        ("en", "Congo", "CG", "names"),
        ("en", "DR Congo", "CD", "names"),
        ("en", "Burma", "MM", "names"),
        ("en", "Ivory Coast", "CI", "names"),
        ("en", "Türkiye", "TR", "names"),
        ("en", "Czechia", "CZ", "names"),
        ("en", "Kyrgyz Republic", "KG", "names"),
        ("en", "U.S.", "US", "names"),
        ("en", "Great Britain", "GB", "names"),
        ("en", "Russians", "RU", "demonyms"),
        ("ru", "Махачкала", "RU", "places"),
        ("ru", "Бишкек", "KG", "places"),
        ("ru", "Вильнюс", "LT", "places"),
        ("ru", "Ростов-на-Дону", "RU", "places"),
        ("ru", "Нижний Новгород", "RU", "places"),
        ("ru", "Крым", "UA", "places"),
        ("ru", "Севастополь", "UA", "places"),
        ("ru", "Кыргызстан", "KG", "names"),
        ("ru", "Киргизия", "KG", "names"),
        ("ru", "Белоруссия", "BY", "names"),
        ("ru", "Беларусь", "BY", "names"),
        ("ru", "Гонконг", "HK", "names"),
        ("ru", "российский", "RU", "demonyms"),
        ("ru", "россияне", "RU", "demonyms"),
    ],
)
def test_spot_checks(language, name, code, group):
    assert code_of(language, name) == {code}
    assert name in gazetteer(language)["countries"][code][group]
