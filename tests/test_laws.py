"""Laws as entities: one act, whatever a report calls it."""

from __future__ import annotations

import pytest

from civicwatch.resolve.laws import article_law_keys, law_by_key, law_key, parse, shipped_laws


@pytest.mark.parametrize(
    ("texts", "country", "year", "key"),
    [
        (["the foreign agent law"], "RU", 2013, "ru-121-fz-2012"),
        (["закон об иноагентах"], "RU", 2014, "ru-121-fz-2012"),
        (["the foreign agent law"], "RU", 2023, "ru-255-fz-2022"),  # the act in force by then
        (["the 2012 NGO law"], "RU", None, "ru-121-fz-2012"),  # the year the text names
        (["Federal Law No. 255-FZ"], "RU", None, "ru-255-fz-2022"),  # a number decides
        (["закон «О медиа»"], "AZ", 2022, "az-media-law-2022"),
        (["the foreign agents law"], "GE", 2024, "ge-foreign-influence-2024"),  # Georgia's, not Russia's
        (["the foreign agent law"], "RU", None, None),  # 2012 or 2022: nothing to decide by
        (["the new law"], "RU", 2020, None),
    ],
)
def test_a_law_is_known_by_its_canonical_key(texts: list[str], country: str, year: int | None, key: str | None) -> None:
    assert law_key(texts, country, year) == key


def test_an_unnamed_law_takes_the_act_its_article_names() -> None:
    assert article_law_keys([(None, "AZ"), ("az-media-law-2022", "AZ"), (None, "RU")]) == [
        "az-media-law-2022",
        "az-media-law-2022",
        None,
    ]
    assert article_law_keys([(None, "RU"), ("ru-121-fz-2012", "RU"), ("ru-255-fz-2022", "RU")])[0] is None


def test_the_table_is_well_formed() -> None:
    laws = shipped_laws()
    assert len({law.key for law in laws}) == len(laws) >= 25
    assert law_by_key("ru-121-fz-2012").name.startswith("121-FZ of 2012")
    with pytest.raises(ValueError, match="line 1"):
        parse(["ru-x | RU | year | A law | pattern"])
