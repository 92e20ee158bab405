"""Dates told against the article's previous date ("two days later", «в тот же день», "that year"),
read through the real parsers from hand-written articles."""

from __future__ import annotations

import pytest

from civicwatch.extract.reader import Reader


def _dates(language: str, text: str, published: str | None) -> list[list[str]]:
    analysis = Reader(language).analyze(text, published)
    return [[d.value for d in item.dates] for item in analysis.items]


def test_english_phrases_count_from_the_latest_date_stated() -> None:
    text = (
        "Police detained the journalist Ivan Petrov on 3 March. "
        "Two days later, a court charged him with extremism. "
        "The same day, police searched the office of his newspaper. "
        "A day earlier, the ministry had warned the newspaper."
    )
    assert _dates("en", text, "2024-03-20") == [["2024-03-03"], ["2024-03-05"], ["2024-03-05"], ["2024-03-04"]]


def test_a_month_of_the_same_year_takes_the_year_told_before() -> None:
    text = (
        "Police detained the journalist Ivan Petrov on 3 March 2023. "
        "In September of the same year, the ministry designated him a foreign agent."
    )
    assert _dates("en", text, "2025-01-10")[-1] == ["2023-09"]
    ru = (
        "Полиция задержала журналиста Ивана Петрова 3 марта 2022 года. "
        "В сентябре того же года Минюст признал его иноагентом."
    )
    assert _dates("ru", ru, "2025-01-10")[-1] == ["2022-09"]  # not the September before publication


def test_russian_phrases_count_from_the_latest_date_stated() -> None:
    text = (
        "Полиция задержала журналиста Ивана Петрова 3 марта 2023 года. "
        "Через два дня суд арестовал его. "
        "Днем ранее министерство вынесло газете предупреждение."
    )
    assert _dates("ru", text, "2024-03-20") == [["2023-03-03"], ["2023-03-05"], ["2023-03-04"]]


def test_a_month_earlier_or_later_gives_that_month() -> None:
    text = (
        "Police detained the journalist Ivan Petrov on 3 January 2023. "
        "Two months later, a court charged him with extremism. "
        "A month earlier, the ministry had warned his newspaper."
    )
    assert _dates("en", text, "2024-03-20") == [["2023-01-03"], ["2023-03"], ["2022-12"]]
    ru = (
        "Минюст внес журналиста Ивана Петрова в реестр иноагентов 29 сентября 2021 года. "
        "Его газету признали иноагентом месяцем ранее."
    )
    assert _dates("ru", ru, "2024-03-20")[-1] == ["2021-08"]


def test_weeks_count_as_seven_days_and_years_give_a_year() -> None:
    text = (
        "Police detained the journalist Ivan Petrov on 3 January 2023. "
        "A week later, a court charged him with extremism. "
        "Two years later the ministry designated his newspaper a foreign agent."
    )
    assert _dates("en", text, "2025-06-01") == [["2023-01-03"], ["2023-01-10"], ["2025"]]
    ru = (
        "Полиция задержала журналиста Ивана Петрова 3 января 2023 года. "
        "Через неделю суд арестовал его. "
        "Годом ранее Минюст признал его газету иноагентом."
    )
    assert _dates("ru", ru, "2025-06-01") == [["2023-01-03"], ["2023-01-10"], ["2022"]]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_with_no_date_before_it_a_phrase_stays_undated(language: str) -> None:
    text = {
        "en": "Two days later, a court charged the journalist Ivan Petrov with extremism.",
        "ru": "Через два дня суд арестовал журналиста Ивана Петрова.",
    }[language]
    assert _dates(language, text, "2024-03-20") == [[]]


def test_the_phrase_is_no_target() -> None:
    reader = Reader("ru")
    text = "Полиция задержала журналиста Ивана Петрова 3 марта. В тот же день полиция провела обыск в редакции."
    analysis = reader.analyze(text, "2024-03-20")
    names = {a.name for c in analysis.candidates for a in c.arguments}
    assert not any("день" in name for name in names)


def test_a_dotted_date_is_day_first_and_an_update_s_date_dates_its_act() -> None:
    from civicwatch.extract import extract

    text = "Update 16.07.2021: The police are searching the offices of the Legal Initiative rights group in Minsk."
    events = [e for e in extract(text, published="2021-07-20", language="en") if e.type == "prosecution"]
    assert events and {e.date for e in events} == {"2021-07-16"}
    assert all(not (e.extra or {}).get("date_source") for e in events)  # stated, not assumed
    assert _dates("en", "Police detained him on 07.06.2021 in Minsk.", "2021-07-20") == [["2021-06-07"]]


def test_with_no_publication_date_a_day_of_the_year_takes_the_year_told() -> None:
    text = (
        "Police detained the journalist Ivan Petrov on 3 March 2019. "
        "On 25 July a court charged him with extremism. "
        "The offices of his newspaper were attacked in August and December 2017."
    )
    assert _dates("en", text, None) == [["2019-03-03"], ["2019-07-25"], ["2017-08", "2017-12"]]
    assert _dates("en", "On 25 July a court charged Ivan Petrov with extremism.", None) == [["XXXX-07-25"]]
