"""The curated alias table: names that translation makes one, legal entities that share a word kept apart."""

from __future__ import annotations

import pytest

from civicwatch.resolve import (
    EXACT,
    NONE,
    AliasTable,
    canonical_key,
    entity_key,
    resolved_strength,
    shipped_aliases,
)
from civicwatch.resolve.aliases import parse


def test_the_table_is_large_unambiguous_and_well_formed() -> None:
    table = shipped_aliases()
    assert len(table) >= 300
    assert table.ambiguous == {}  # no full key is listed under two entities
    kinds = {entry.kind for entry in table.entries.values()}
    assert {"organization", "media", "authority", "court"} <= kinds
    both = [e for e in table.entries.values() if e.names_in("en") and e.names_in("ru")]
    assert len(both) >= 250  # most entities have an English and a Russian name
    for entry in table.entries.values():
        assert entry.parent is None or entry.parent in table.entries


@pytest.mark.parametrize(
    ("english", "russian"),
    [
        ("Soldiers' Mothers of St Petersburg", "«Солдатские матери Санкт-Петербурга»"),
        ("Golos", "Голоса"),
        ("Justice Ministry", "Минюст"),
        ("Ministry of Justice", "Министерства юстиции РФ"),
        ("TV Rain", "телеканал «Дождь»"),
        ("Open Russia", "Открытой России"),
        ("Radio Liberty", "Радио Свобода"),
        ("Kloop Media Public Foundation", "ОФ «Клооп Медиа»"),
        ("Viasna", "Вясна"),
        ("Anti-Corruption Foundation", "ФБК"),
        ("Sakharov Center", "Сахаровского центра"),
        ("Tbilisi City Court", "Тбилисский городской суд"),
        ("Nika Gvaramia", "Нику Гварамию"),
        ("Moscow City Court", "Мосгорсуд"),
    ],
)
def test_english_and_russian_names_meet(english: str, russian: str) -> None:
    assert canonical_key(english) is not None
    assert canonical_key(english) == canonical_key(russian)
    assert resolved_strength(english, russian) == EXACT


def test_two_legal_entities_of_one_name_family_stay_apart_with_their_relation() -> None:
    table = shipped_aliases()
    international = canonical_key("International Memorial")
    centre = canonical_key("Memorial Human Rights Centre")
    assert international != centre
    assert canonical_key("Memorial") == canonical_key("«Мемориал»") == international
    assert canonical_key("Правозащитный центр «Мемориал»") == centre
    assert resolved_strength("International Memorial", "Memorial Human Rights Centre") == NONE
    assert table.entries[centre].parent == international
    assert centre in {child.key for child in table.children(international)}
    # the same two without the table: one name family
    assert entity_key("International Memorial") == entity_key("Memorial Human Rights Centre")


def test_names_the_table_does_not_know_keep_their_identity_keys() -> None:
    assert canonical_key("Committee for Human Rights and Freedoms") == entity_key(
        "Committee for Human Rights and Freedoms"
    )
    assert canonical_key("the group") is None
    assert canonical_key("Golos movement") == canonical_key("Golos")  # its core key is one entity's


def test_an_article_alias_table_resolves_through_the_shipped_one() -> None:
    aliases = AliasTable(shipped=shipped_aliases())
    aliases.add("Committee Against Torture (KPP)")
    assert aliases.key("КПП") == aliases.key("Комитет против пыток") == canonical_key("Committee Against Torture")
    assert aliases.match_strength("Justice Ministry", "Минюста") == EXACT
    assert aliases.match_strength("International Memorial", "Memorial Human Rights Centre") == NONE


def test_a_bad_line_is_reported_with_its_number() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse(["a | organization | RU | | A name", "b | organisation | RU | | Another"])
    with pytest.raises(ValueError, match="parent"):
        parse(["a | organization | RU | nowhere | A name"])
    with pytest.raises(ValueError, match="twice"):
        parse(["a | organization | RU | | A name", "a | organization | RU | | Another"])
