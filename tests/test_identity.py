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


# ------------------------------------------------------------------ romanisations of one Cyrillic name

ROMANISED_PEOPLE = [
    "Оюб Титиев",
    "Людмила Алексеева",
    "Юлия Навальная",
    "Михаил Ходорковский",
    "Евгений Пригожин",
    "Игорь Каляпин",
    "Наталья Эстемирова",
    "Сергей Ковалёв",
    "Анна Политковская",
    "Илья Яшин",
    "Владимир Кара-Мурза",
    "Григорий Мельконьянц",
    "Татьяна Глушкова",
    "Валентина Череватенко",
    "Юрий Щекочихин",
    "Майя Плисецкая",
    "Любовь Соболь",
]
# the schemes of passports, press agencies, libraries and maps (iuliia); the keys must not depend on the scheme
ROMANISATION_SCHEMES = [
    "WIKIPEDIA",
    "BGN_PCGN",
    "ICAO_DOC_9303",
    "MVD_310",
    "MVD_782",
    "GOST_52535",
    "YANDEX_MAPS",
    "ALA_LC",
    "BS_2979",
]


@pytest.mark.parametrize("scheme", ROMANISATION_SCHEMES)
@pytest.mark.parametrize("name", ROMANISED_PEOPLE)
def test_every_romanisation_meets_the_cyrillic_name(name: str, scheme: str) -> None:
    import iuliia

    latin = getattr(iuliia, scheme).translate(name)
    assert name_keys(latin, "PERSON").full == name_keys(name, "PERSON").full, (latin, name_keys(latin, "PERSON"))
    assert match_strength(latin, name) == EXACT


@pytest.mark.parametrize(
    ("a", "b", "strength"),
    [
        ("Оюб Титиев", "Oyub Titiyev", EXACT),
        ("Оюб Титиев", "Oyub Titiev", EXACT),
        ("Оюба Титиева", "Oyub Titiyev", EXACT),  # genitive: the surname, not a given name "Титиева"
        ("Оюб Титиев", "Titiev", SURNAME),
        ("Oyub Titiyev", "Титиев", SURNAME),
        ("Titiyev", "Титиев", EXACT),
        ("Alekseeva", "Алексеева", EXACT),  # "ee" is Russian too
        ("Navalnaia", "Навальная", EXACT),  # ICAO -aia
        ("Melkoniantc", "Мельконьянц", EXACT),  # GOST 52535 tc
        ("Čerkasov", "Черкасов", EXACT),  # UNGEGN háček
        ("Dmitrii Fedotov", "Дмитрий Федотов", EXACT),  # not the given name Федот
        ("Vladimir Kara-Murza", "Кара-Мурза", SURNAME),  # a hyphenated surname is one surname
    ],
)
def test_romanisation_details(a: str, b: str, strength: float) -> None:
    assert match_strength(a, b) == strength, (name_keys(a), name_keys(b))


# ------------------------------------------------------------------ quotes


QUOTE_STYLES = [("'", "'"), ("‘", "’"), ("«", "»"), ("„", "“"), ('"', '"'), ("“", "”"), ("‹", "›"), ("‚", "‘")]


@pytest.mark.parametrize("context", ["{} bill", "controversial {} bill", "{}", "Фонд {}", "the {} group"])
@pytest.mark.parametrize("inner", ["foreign agents", "Мемориал", "Golos"])
def test_the_quotation_style_never_changes_a_key(context: str, inner: str) -> None:
    keys = {name_keys(context.format(o + inner + c)) for o, c in QUOTE_STYLES}
    assert len(keys) == 1, keys


def test_straight_and_curly_quotes_give_one_key() -> None:
    assert entity_key("'foreign agents' bill") == entity_key("‘foreign agents’ bill") == "foreign-agents"
    assert match_strength("controversial ‘foreign agents’ bill", "'foreign agents' bill") == VARIANT
    assert match_strength("“foreign agents” bill", '"foreign agents" bill') == EXACT


def test_apostrophes_are_not_quotes() -> None:
    assert name_keys("Memorial's") == name_keys("Memorial")
    assert name_keys("Soldiers' Mothers of St. Petersburg") == name_keys("Soldiers’ Mothers of St. Petersburg")
    assert "solders" not in name_variants("Soldiers' Mothers of St. Petersburg")
    assert entity_key("'Memorial's office'") == entity_key("Memorial's office")


# ------------------------------------------------------------------ descriptions before and after a name

DESCRIBED = [
    ("election monitoring group Golos", "Golos", VARIANT),
    ("election monitor Golos", "Голос", VARIANT),
    ("human rights NGO Memorial", "Memorial", VARIANT),
    ("Russian human rights group Memorial", "«Мемориал»", VARIANT),
    ("the independent news outlet Meduza", "Meduza", VARIANT),
    ("издание Медуза", "Медуза", VARIANT),
    ("издание Медуза", "Meduza", VARIANT),
    ("правозащитный центр «Мемориал»", "Memorial", VARIANT),
    ("prominent human rights NGOs Agora", "Agora", VARIANT),
    ("Kremlin critic Alexei Navalny", "Алексей Навальный", EXACT),  # descriptions of people go, like titles
    ("Levada Center director Lev Gudkov", "Лев Гудков", EXACT),
    ("Agora Inter-Regional Association of Human Rights Public Associations", "«Агора»", VARIANT),
    ("Agora Inter-Regional Association of Human Rights Public Associations", "Agora", VARIANT),
    ("Sakharov Centre for Human Rights", "Sakharov Center", VARIANT),
]

NOT_DESCRIBED = [
    ("supporters of Navalny", "Navalny"),  # a complement, not a description
    ("сторонники Навального", "Навальный"),  # a genitive, not an apposition
    ("Центр защиты прав ЛГБТ", "ЛГБТ"),
    ("Levada Center director Lev Gudkov", "Levada Center"),
    ("Human Rights Watch", "Human Rights Centre"),  # generic words alone never make a key
    ("Navalny for Human Rights", "Navalny"),  # a complement after the name
    ("Center for the Protection of Media Rights", "Center for the Protection of Media"),
    ("17 January Golos", "Golos"),  # a number is no description
]


@pytest.mark.parametrize(("a", "b", "strength"), DESCRIBED)
def test_descriptions_reduce_to_the_name(a: str, b: str, strength: float) -> None:
    assert match_strength(a, b) == strength, (name_keys(a), name_keys(b))
    assert match_strength(b, a) == strength


@pytest.mark.parametrize(("a", "b"), NOT_DESCRIBED)
def test_complements_are_not_descriptions(a: str, b: str) -> None:
    assert not same_entity(a, b), (name_keys(a), name_keys(b))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("election monitoring group Golos", "golos"),
        ("human rights NGO Memorial", "memorial"),
        ("the independent news outlet Meduza", "meduza"),
        ("издание Медуза", "meduza"),
        ("Agora Inter-Regional Association of Human Rights Public Associations", "agora"),
        ("Солдатские матери Санкт-Петербурга", "soldatski-mat-sankt-peterburg"),  # no description: a genitive
        ("Центр защиты прав СМИ", "center-zashita-pravo-smi"),
    ],
)
def test_described_entity_key(name: str, key: str) -> None:
    assert entity_key(name) == key


@pytest.mark.parametrize(
    "name", ["Human Rights Centre", "Inter-Regional Association of Human Rights Public Associations", "NGOs"]
)
def test_generic_descriptions_have_no_key(name: str) -> None:
    assert entity_key(name) is None


# ------------------------------------------------------------------ places


@pytest.mark.parametrize(
    "spellings",
    [
        ["Moscow", "Москва", "Москве", "в Москве", "Moskva", "Moscow, Russia"],
        ["Russia", "России", "Россия", "Russian Federation", "Российской Федерации", "Rossiya"],
        ["St. Petersburg", "Saint Petersburg", "Санкт-Петербурге", "Петербург", "Sankt-Peterburg"],
        ["Grozny", "Грозном", "Grozny, Chechnya", "the Chechen capital Grozny"],
        ["Chechnya", "Чечне", "Chechen Republic"],
        ["Ufa", "Уфе"],
    ],
)
def test_places_get_one_key(spellings: list[str]) -> None:
    keys = {entity_key(name, "PLACE") for name in spellings}
    assert len(keys) == 1 and None not in keys, {name: entity_key(name, "PLACE") for name in spellings}


def test_place_kinds_and_guards() -> None:
    assert entity_key("Москве", "LOC") == entity_key("Moscow", "GPE") == entity_key("Moscow", "location") == "moskva"
    for generic in ("the city", "область", "", "the Republic"):
        assert entity_key(generic, "PLACE") is None
    # other kinds keep the guards: a bare country or city is no organisation or person
    for name in ("Moscow", "Москва", "Russia", "России"):
        assert entity_key(name) is None
        assert entity_key(name, "ORG") is None
    assert not name_keys("Moscow", "PLACE").person


# ------------------------------------------------------------------ translations


def test_translated_names_meet_only_through_an_alias_table() -> None:
    english, russian = "Soldiers' Mothers of St. Petersburg", "Солдатские матери Санкт-Петербурга"
    assert not same_entity(english, russian)  # different words: no transliteration brings them together
    aliases = AliasTable()
    aliases.add(russian, english)
    assert aliases.same(english, "Солдатских матерей Санкт-Петербурга")
