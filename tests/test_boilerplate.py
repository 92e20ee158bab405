"""Boilerplate marking: page furniture is marked, the article's own lines are not."""

from __future__ import annotations

from civicwatch.clean.boilerplate import mark_lines

FOOTER_PAGE = """Skip to main content
Menu
Rights Group Fined in Perm

The Committee for Civic Rights was fined 500,000 rubles on Tuesday, its lawyer said.
Photo: Ivan Petrov / Perm Daily
Volunteers of the Committee for Civic Rights at their office in Perm.
The group plans to appeal the ruling at a higher court next month.
The fine is the third against the group this year, according to its director.
Volunteers of the Committee for Civic Rights at their office in Perm.
Local officials declined to comment on the case when reached by phone.

A Message from Perm Daily:
We rely on readers like you to keep reporting.
Please consider a monthly donation to support our newsroom.
Perm Daily has been declared an "undesirable" organization by the Russian authorities.
Thank you.
"""

HEADER_PAGE = """Please support us
We are an independent newsroom and we need your help.
Donate today to keep our journalism free.

Court Orders Closure of Rights Group
A regional court on Friday ordered the closure of Sigma Watch, a small rights group.
Its director said the group would appeal the decision.
Supporters gathered outside the court building after the hearing.
The group had worked in the region for over twenty years.
Its lawyers called the ruling politically motivated and unfounded.
"""

ARTICLE_LINES = [
    "The Committee for Civic Rights was fined 500,000 rubles on Tuesday, its lawyer said.",
    "The group plans to appeal the ruling at a higher court next month.",
    "The fine is the third against the group this year, according to its director.",
    "Local officials declined to comment on the case when reached by phone.",
]


def _marks(text: str) -> list[tuple[str, bool]]:
    return [(line.text, line.boilerplate) for line in mark_lines(text)]


def _marked(text: str) -> set[str]:
    return {line.text for line in mark_lines(text) if line.boilerplate}


def test_navigation_lines_are_marked() -> None:
    marked = _marked(FOOTER_PAGE)
    assert "Skip to main content" in marked
    assert "Menu" in marked


def test_photo_credit_is_marked() -> None:
    assert "Photo: Ivan Petrov / Perm Daily" in _marked(FOOTER_PAGE)


def test_repeated_caption_is_marked() -> None:
    caption = "Volunteers of the Committee for Civic Rights at their office in Perm."
    flags = [flag for text, flag in _marks(FOOTER_PAGE) if text == caption]
    assert len(flags) == 2
    assert flags[-1] is True


def test_footer_donation_banner_is_marked_to_the_end() -> None:
    marked = _marked(FOOTER_PAGE)
    assert "A Message from Perm Daily:" in marked
    assert "We rely on readers like you to keep reporting." in marked
    assert "Please consider a monthly donation to support our newsroom." in marked
    assert "Thank you." in marked


def test_site_wide_undesirable_notice_is_marked() -> None:
    notice = 'Perm Daily has been declared an "undesirable" organization by the Russian authorities.'
    assert notice in _marked(FOOTER_PAGE)


def test_article_sentences_are_kept() -> None:
    marked = _marked(FOOTER_PAGE)
    for line in ARTICLE_LINES:
        assert line not in marked
    assert "Rights Group Fined in Perm" not in marked


def test_header_banner_is_marked_and_article_kept() -> None:
    marked = _marked(HEADER_PAGE)
    assert "Please support us" in marked
    assert "We are an independent newsroom and we need your help." in marked
    assert "Donate today to keep our journalism free." in marked
    article = [text for text, _ in _marks(HEADER_PAGE)][3:]
    assert article, "the article lines are still listed"
    for line in article:
        assert line not in marked


def test_quoted_first_person_in_article_is_kept() -> None:
    text = (
        "A court in Perm fined the Committee for Civic Rights on Tuesday.\n"
        '"We will appeal and we will keep working," said its director, Anna Volkova.\n'
        "The group has been fined three times this year.\n"
    )
    assert _marked(text) == set()


def test_offsets_slice_the_input() -> None:
    text = "  " + FOOTER_PAGE.replace("\n", "\n   ") + "\n\n"
    lines = mark_lines(text)
    assert len(lines) == len([raw for raw in text.splitlines() if raw.strip()])
    for line in lines:
        assert text[line.start : line.end] == line.text
        assert line.text == line.text.strip()


def test_plain_article_has_nothing_marked() -> None:
    text = "\n".join(ARTICLE_LINES)
    assert _marks(text) == [(line, False) for line in ARTICLE_LINES]
