"""A huge sentence costs time linear in its length: the guards against a return to quadratic work.

One 10,000-word sentence per language and shape (made up from the lexicon's own words, by
bench/bench_long_sentence.py, which measures the time and memory) must finish, with well-formed
events; 60 s is a hang guard only (a few seconds here). The parts that were quadratic before get
inputs where quadratic work would take minutes and linear work milliseconds.
"""

from __future__ import annotations

import importlib.util
import random
import time
from pathlib import Path
from types import ModuleType

import pytest
from extract_checks import check_events, time_limit

from civicwatch import extract
from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.entities import ArticleContext
from civicwatch.extract.extractor import get_extractor
from civicwatch.extract.sentences import BROKEN_BUDGET_CHARS, PIECE_CHARS, split_sentences
from civicwatch.lexicons import load_lexicon

REPO = Path(__file__).resolve().parents[1]
HANG_SECONDS = 60


def _bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "civicwatch_bench_long_sentence", REPO / "bench" / "bench_long_sentence.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_module()


@pytest.mark.parametrize("shape", ["dense", "names"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_10000_word_sentence_finishes(language: str, shape: str) -> None:
    text = BENCH.sentence(language, shape, 10_000)
    assert len(text.split()) == 10_000 and text.count(".") <= 2  # one sentence (a made-up name may hold a dot)
    with time_limit(HANG_SECONDS):
        events = extract(text, language=language)
    check_events(text, events)
    if shape == "dense":  # trigger words, bodies and names in every few words: events are found
        assert events


_NEWS = {
    "en": ("A court in Moscow fined the human rights group Memorial on Tuesday.", "fined"),
    "ru": ("Суд в Москве оштрафовал правозащитную организацию «Мемориал» во вторник.", "оштрафовал"),
}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_only_the_budget_of_broken_text_is_read_and_the_news_after_it_is(language: str) -> None:
    """Of a 10,000-word broken "sentence" only the first BROKEN_BUDGET_CHARS are parsed and read; an
    ordinary sentence after it is read as in any article, with its trigger as a candidate."""
    broken = BENCH.sentence(language, "dense", 10_000)
    news, trigger = _NEWS[language]
    text = broken + "\n\n" + news
    analysis = get_extractor(language).analyze(text)
    pieces = [item for item in analysis.items if item.sentence.broken]
    assert pieces and all(item.sentence.end <= BROKEN_BUDGET_CHARS + PIECE_CHARS for item in pieces)
    assert sum(len(item.sentence.text) for item in pieces) <= BROKEN_BUDGET_CHARS + PIECE_CHARS
    (last,) = [n for n, item in enumerate(analysis.items) if item.sentence.text == news]
    assert not analysis.items[last].sentence.broken
    triggers = [analysis.items[c.item].parsed.tokens[c.trigger].text for c in analysis.candidates if c.item == last]
    assert trigger in triggers


def _cpu_seconds(work) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def test_acronym_search_is_linear_in_a_run_of_capitalised_words() -> None:
    """ "Aaa Bbb Ccc ... (ABC)": 20,000 capitalised words took minutes with an unbounded name pattern."""
    rng = random.Random(0)
    run = " ".join("".join(rng.choice("abcdefgh") for _ in range(6)).capitalize() for _ in range(20_000))
    context = ArticleContext(load_lexicon("en"))
    assert _cpu_seconds(lambda: context.scan_text(run + " (ABC) and more")) < 5  # 0.1 s linear
    assert context.aliases.get("abc")  # the name before the acronym is still found


def test_sentence_splitting_is_linear_in_a_run_of_initials() -> None:
    """ "A. Smith, B. Jones, ...": no initial ends a sentence, and each used to rescan the run before it."""
    text = " ".join(f"{chr(65 + n % 26)}. Name{n}," for n in range(20_000)) + " end."
    lines = mark_lines(text, "en")
    spent = _cpu_seconds(lambda: split_sentences(lines))
    assert spent < 5  # 0.05 s linear, minutes quadratic
    pieces = split_sentences(lines)
    assert pieces[0].start == 0 and all(p.broken for p in pieces)  # one broken "sentence", read in pieces
