"""Sentence splitting: abbreviations and initials do not end a sentence; offsets hold; broken text
(a "sentence" of thousands of characters) is cut into pieces, and only so much of it is kept."""

from __future__ import annotations

import pytest

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.sentences import (
    BROKEN_BUDGET_CHARS,
    BROKEN_CHARS,
    PIECE_CHARS,
    dateline_end,
    split_sentences,
)


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


def _run_on(words: int) -> str:
    """A "sentence" of ``words`` words with a comma now and then and one full stop."""
    return " ".join(f"word{n}," if n % 7 == 6 else f"word{n}" for n in range(words)) + "."


def test_a_long_real_sentence_stays_whole() -> None:
    text = _run_on(250)  # about 1,900 characters: longer than any sentence of news, still one sentence
    assert len(text) <= BROKEN_CHARS
    (sentence,) = split_sentences(mark_lines(text))
    assert sentence.text == text and not sentence.broken


def test_broken_text_is_cut_into_pieces_at_commas() -> None:
    text = "Intro line.\n" + _run_on(1_000) + "\nThe group was fined on Tuesday."
    sentences = split_sentences(mark_lines(text))
    intro, pieces, last = sentences[0], sentences[1:-1], sentences[-1]
    assert (intro.text, last.text) == ("Intro line.", "The group was fined on Tuesday.")
    assert not intro.broken and not last.broken
    assert len(pieces) > 10 and all(p.broken and not p.headline for p in pieces)
    for piece in pieces:
        assert text[piece.start : piece.end] == piece.text
        assert len(piece.text) <= PIECE_CHARS
    for piece in pieces[:-1]:
        assert piece.text.endswith(", ")  # cut after a comma, not inside a word
    for before, after in zip(pieces, pieces[1:], strict=False):
        assert after.start == before.end  # nothing between the pieces is lost
    assert pieces[0].start == text.index("word0") and pieces[-1].text.endswith("word999.")


def test_broken_text_beyond_the_budget_is_not_kept_but_what_follows_it_is() -> None:
    text = _run_on(10_000) + "\n" + _run_on(3_000) + "\nThe group was fined on Tuesday. It will appeal."
    sentences = split_sentences(mark_lines(text))
    broken = [s for s in sentences if s.broken]
    assert BROKEN_BUDGET_CHARS <= sum(len(s.text) for s in broken) < BROKEN_BUDGET_CHARS + PIECE_CHARS
    assert broken[0].start == 0 and all(s.start < len(_run_on(10_000)) for s in broken)
    assert [s.text for s in sentences if not s.broken] == ["The group was fined on Tuesday.", "It will appeal."]


def test_broken_text_without_punctuation_is_cut_at_spaces() -> None:
    text = " ".join(f"w{n}" for n in range(2_000))
    pieces = split_sentences(mark_lines(text))
    assert all(p.broken for p in pieces)
    assert all(not p.text.startswith(" ") and p.text.split()[0].startswith("w") for p in pieces)
    assert "".join(p.text for p in pieces) == text[: pieces[-1].end]


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("KYIV (AP) — The police searched the office.", "The police"),
        ("PHNOM PENH: A newspaper said it would close.", "A newspaper"),
        ("OSLO, 4 May 2019 – The group was fined.", "The group"),
        ("June 3 (Reuters) -- A court jailed the editor.", "A court"),
        ("June 9 (Wire) - The association said it would appeal.", "The association"),
        ("MOSCOW - The president signed the law.", "The president"),
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
        "A Moscow-based group - the oldest of them - was closed.",
    ],
)
def test_a_sentence_without_a_dateline_keeps_its_start(text: str) -> None:
    assert dateline_end(text) == 0
