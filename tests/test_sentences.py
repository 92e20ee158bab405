"""Sentence splitting: abbreviations and initials do not end a sentence; offsets hold."""

from __future__ import annotations

import pytest

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.sentences import dateline_end, split_sentences


def _split(text: str) -> list[str]:
    return [s.text for s in split_sentences(mark_lines(text))]


def test_us_does_not_end_a_sentence() -> None:
    text = "The U.S. State Department criticised the fine. The ministry did not respond."
    assert _split(text) == [
        "The U.S. State Department criticised the fine.",
        "The ministry did not respond.",
    ]


def test_title_does_not_end_a_sentence() -> None:
    assert _split("Mr. Smith said the group would appeal.") == ["Mr. Smith said the group would appeal."]


def test_initial_does_not_end_a_sentence() -> None:
    text = "The law was signed by V. Putin in 2012. It took effect in November."
    assert _split(text) == [
        "The law was signed by V. Putin in 2012.",
        "It took effect in November.",
    ]


def test_normal_sentences_are_split() -> None:
    text = 'The group was fined. It will appeal! Will it win? "No," a lawyer said.'
    assert _split(text) == [
        "The group was fined.",
        "It will appeal!",
        "Will it win?",
        '"No," a lawyer said.',
    ]


def test_lines_are_separate_sentences() -> None:
    assert _split("The group was fined\nIts director resigned.") == [
        "The group was fined",
        "Its director resigned.",
    ]


def test_offsets_slice_the_original_text() -> None:
    text = (
        "  Rights Group Fined\n\n"
        "The U.S. embassy spoke out. Mr. Ivanov, a lawyer, disagreed.\n"
        "   On Monday V. Petrov said the group would close.  \n"
    )
    sentences = split_sentences(mark_lines(text))
    assert len(sentences) == 4
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_short_title_case_line_is_a_headline() -> None:
    text = "Court Fines Rights Group in Perm\nA court in Perm fined the group on Tuesday."
    headline, body = split_sentences(mark_lines(text))
    assert headline.headline is True
    assert body.headline is False


def test_boilerplate_flag_follows_the_line() -> None:
    text = "Skip to main content\nThe group was fined on Tuesday."
    nav, body = split_sentences(mark_lines(text))
    assert nav.boilerplate is True
    assert body.boilerplate is False


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("KYIV (AP) — The police searched the office.", "The police"),
        ("PHNOM PENH: A newspaper said it would close.", "A newspaper"),
        ("OSLO, 4 May 2019 – The group was fined.", "The group"),
        ("June 3 (Reuters) -- A court jailed the editor.", "A court"),
        ("Tbilisi, March 7, 2024 — Police detained two reporters.", "Police"),
        ("MINSK (Wire Service / Agency - 12th May, 2021) The site was blocked.", "The site"),
        ("МИНСК, 5 мая — Власти заблокировали сайт.", "Власти"),
    ],
)
def test_a_dateline_is_found(text: str, rest: str) -> None:
    assert text[dateline_end(text) :].startswith(rest)


@pytest.mark.parametrize(
    "text",
    [
        "NGO Memorial — the oldest group — was closed.",
        "OSCE (the security body) condemned the raid.",
        "ADC Memorial on Friday became the first group to close.",
        "Amnesty International: the verdict is unjust.",
    ],
)
def test_a_sentence_without_a_dateline_keeps_its_start(text: str) -> None:
    assert dateline_end(text) == 0
