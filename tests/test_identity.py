"""Entity identity: spellings, inflections, legal names and acronyms share keys; generic words never do."""

from __future__ import annotations

import time

import pytest

from civicwatch.resolve import (
    EXACT,
    NEAR,
    NONE,
    SURNAME,
    VARIANT,
    AliasTable,
    entity_key,
    match_strength,
    name_keys,
    name_variants,
    same_entity,
)

SAME = [
    # Cyrillic and its romanisations
    ("Khodorkovsky", "Ходорковский"),
    ("Khodorkovskiy", "Ходорковский"),
    ("Khodorkovskii", "Khodorkovsky"),
    ("Hodorkovskij", "Khodorkovsky"),
    ("Ходорковского", "Khodorkovsky"),
    ("Shcherbakov", "Scherbakov"),
    ("Lev Ponomaryov", "Лев Пономарёв"),
    ("Lyudmila Alexeyeva", "Людмила Алексеева"),
    ("Yevgeny Prigozhin", "Евгения Пригожина"),
    ("Dmitry Muratov", "Дмитрий Муратов"),
    ("Sakharov Centre", "Sakharov Center"),
    ("Мemorial", "Memorial"),  # a Cyrillic М in a Latin word
    # inflected Russian
    ("Солдатских матерей Санкт-Петербурга", "Солдатские матери Санкт-Петербурга"),
    ("Открытой России", "Открытая Россия"),
    ("Комитета по предотвращению пыток", "Комитет по предотвращению пыток"),
    ("Михаила Ходорковского", "Mikhail Khodorkovsky"),
    ("Анна Политковская", "Anna Politkovskaya"),
    ("Юлия Навальная", "Yulia Navalnaya"),
    ("Левада-Центра", "Levada Center"),
    # romanised Russian, inflected or not
    ("Otkrytaya Rossiya", "Открытой России"),
    ("Soldatskiye Materi Sankt-Peterburga", "Солдатских матерей Санкт-Петербурга"),
    ("Ekho Moskvy", "Эхо Москвы"),
    ("Tsentr Sova", "Центр «Сова»"),
    # acronyms
    ("Committee Against Torture (KPP)", "КПП"),
    ("Committee Against Torture (KPP)", "KPP"),
    ("ЮКОС", "Yukos"),
    # the quoted name inside a legal name
    ("Автономная некоммерческая организация «Центр защиты прав СМИ»", "Центр защиты прав СМИ"),
    ("АНО «Центр защиты прав СМИ»", "Центр защиты прав СМИ"),
    ("Международное общество «Мемориал»", "«Мемориал»"),
    ("Международное общество «Мемориал»", "Memorial"),
    ("Международное общество «Мемориал»", "Memorial International"),
    ("«Мемориал»", "Memorial"),
    ("Memorial", "Memorial International"),
    ("International Memorial", "Memorial"),
    ("Межрегиональная общественная организация «Правозащитный центр «Мемориал»»", "Правозащитный центр «Мемориал»"),
    ("Фонд некоммерческих программ Дмитрия Зимина «Династия»", "Династия"),
    ("Фонд некоммерческих программ Дмитрия Зимина «Династия»", "Dynasty Foundation"),
    ("Династия", "Dynasty Foundation"),
    ("Фонд «Династия»", "Династия"),
    ("Регионального общественного движения «Солдатские матери Санкт-Петербурга»", "Солдатские матери Санкт-Петербурга"),
    # people: a full name and its bare surname, the register's order
    ("Mikhail Khodorkovsky", "Ходорковский"),
    ("Ходорковский Михаил Борисович", "Mikhail Khodorkovsky"),
    ("President Vladimir Putin", "Владимир Путин"),
    # decided: one name family; the full key keeps the legal entities apart (match_strength 0.8, not 1.0)
    ("Memorial", "Memorial Human Rights Centre"),
    ("Memorial's", "Memorial"),
]

DIFFERENT = [
    ("Russia", "Open Russia"),
    ("фонд", "Фонд «Династия»"),
    ("Group", "Group of Seven"),
    ("Center", "Levada Center"),
    ("the group", "Group of Seven"),
    ("Foundation", "Dynasty Foundation"),
    ("организация", "Общественная организация «Мемориал»"),
    ("Mikhail Khodorkovsky", "Pavel Khodorkovsky"),
    ("Igor Kalyapin", "Igor Kalyagin"),
    ("КП", "КПП"),
    ("Open Russia", "Russian Federation"),
    ("Committee Against Torture", "Human Rights Watch"),
    ("Human Rights Watch", "Watch"),
    ("", ""),
]

GENERIC = [
    "",
    "   ",
    "Russia",
    "Россия",
    "Center",
    "Centre",
    "Group",
    "Foundation",
    "организация",
    "фонд",
    "Фонда",
    "the group",
    "The groups",
    "International Foundation",
    "Межрегиональная общественная организация",
    "НКО",
    "Watch",
    "Rus",  # under four letters
    "«»",
]

KEYS = [
    ("Memorial", "memorial"),
    ("Международное общество «Мемориал»", "memorial"),
    ("Khodorkovsky", "hodorkovski"),
    ("Ходорковского", "hodorkovski"),
    ("Солдатских матерей Санкт-Петербурга", "soldatski-mat-sankt-peterburg"),
    ("Открытой России", "otkriti-rosi"),
    ("КПП", "kpp"),
    ("Levada Center", "levada"),
    ("Dynasty Foundation", "dinasti"),
    ("Центр защиты прав СМИ", "center-zashita-pravo-smi"),
    ("Mikhail Khodorkovsky", "mihail-hodorkovski"),
    ("Ходорковский Михаил Борисович", "mihail-hodorkovski"),
]

STRENGTH = [
    ("Memorial", "«Мемориал»", EXACT),
    ("Центр защиты прав СМИ", "АНО «Центр защиты прав СМИ»", EXACT),
    ("Mikhail Khodorkovsky", "Михаила Ходорковского", EXACT),
    ("Ходорковский Михаил Борисович", "Mikhail Khodorkovsky", EXACT),
    ("Memorial", "Memorial International", VARIANT),
    ("Memorial", "Memorial Human Rights Centre", VARIANT),
    ("Международное общество «Мемориал»", "Правозащитный центр «Мемориал»", VARIANT),
    ("Committee Against Torture (KPP)", "КПП", VARIANT),
    ("Фонд некоммерческих программ Дмитрия Зимина «Династия»", "Dynasty Foundation", VARIANT),
    ("Committee Against Torture", "Committee Against Torure", NEAR),
    ("Mikhail Khodorkovsky", "Ходорковского", SURNAME),
    ("M. Khodorkovsky", "Mikhail Khodorkovsky", SURNAME),
    ("Mikhail Khodorkovsky", "Pavel Khodorkovsky", NONE),
    ("Igor Kalyapin", "Igor Kalyagin", NONE),
    ("Russia", "Open Russia", NONE),
    ("Center", "Levada Center", NONE),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_entity(a: str, b: str) -> None:
    assert same_entity(a, b), (name_keys(a), name_keys(b))
    assert same_entity(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_entities(a: str, b: str) -> None:
    assert not same_entity(a, b), (name_keys(a), name_keys(b))
    assert not same_entity(b, a)


@pytest.mark.parametrize("name", GENERIC)
def test_generic_names_have_no_key(name: str) -> None:
    assert entity_key(name) is None
    assert name_variants(name) == set()


@pytest.mark.parametrize(("name", "key"), KEYS)
def test_entity_key(name: str, key: str) -> None:
    assert entity_key(name) == key


@pytest.mark.parametrize(("a", "b", "strength"), STRENGTH)
def test_match_strength(a: str, b: str, strength: float) -> None:
    assert match_strength(a, b) == strength
    assert match_strength(b, a) == strength


def test_keys_are_ascii_slugs() -> None:
    for a, b in SAME:
        for key in name_variants(a) | name_variants(b):
            assert key.isascii() and key == key.lower() and " " not in key, key


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        ("Committee Against Torture (KPP)", {"comite-against-torture", "kpp"}),
        ("Memorial International", {"memorial-international", "memorial"}),
        ("Международное общество «Мемориал»", {"mezhdunarodni-obshestvo-memorial", "memorial"}),
        ("Mikhail Khodorkovsky", {"mihail-hodorkovski", "hodorkovski"}),  # the surname variant
        ("Open Russia", {"open-rusi"}),  # no surname variant: not a person
        ("Group of Seven", {"group-of-seven"}),  # "seven" alone is not a name
    ],
)
def test_name_variants(name: str, variants: set[str]) -> None:
    assert name_variants(name) == variants


def test_kind_decides_what_is_a_person() -> None:
    assert name_keys("Hugh Williamson").surname is None  # nothing says it is a person
    assert name_keys("Hugh Williamson", kind="PERSON").surname == "viliamson"
    assert name_keys("Mikhail Khodorkovsky", kind="ORG").surname is None
    assert not name_keys("Novaya Gazeta").person


def test_alias_table_resolves_an_acronym_definition() -> None:
    aliases = AliasTable()
    aliases.add("Комитет по предотвращению пыток", "КПП")
    assert aliases.key("КПП") == entity_key("Комитета по предотвращению пыток")
    assert aliases.match_strength("КПП", "Комитета по предотвращению пыток") == EXACT
    assert aliases.same("КПП", "Комитет по предотвращению пыток")
    assert entity_key("Комитет по предотвращению пыток") in aliases.variants("КПП")
    assert not same_entity("КПП", "Комитет по предотвращению пыток")  # only the table knows
    assert aliases.key("Memorial") == "memorial"  # other names fall through


def test_alias_table_learns_a_names_own_acronym() -> None:
    aliases = AliasTable()
    aliases.add("Committee Against Torture (KPP)")
    assert aliases.key("KPP") == entity_key("Committee Against Torture")
    assert aliases.key("КПП") == entity_key("Committee Against Torture")


def test_alias_table_ignores_generic_names() -> None:
    aliases = AliasTable()
    aliases.add("the group", "KPP")
    aliases.add("Memorial", "the group")
    assert len(aliases) == 0
    assert aliases.key("KPP") == "kpp"


def test_ten_thousand_calls_are_fast() -> None:
    names = [f"{first} {last}" for first in ("Igor", "Лев", "Anna", "Павел") for last in ("Kalyapin", "Орлова")]
    names += [name for pair in SAME for name in pair]
    calls = (names * (10_000 // len(names) + 1))[:10_000]
    start = time.perf_counter()
    for name in calls:
        entity_key(name)
    assert time.perf_counter() - start < 1.0  # about 10 ms warm; generous for slow CI
