"""Fuzz test of ``civicwatch.extract``: whatever the text, no exception and only well-formed events.

Inputs: random text (control characters, both scripts, punctuation), sentences of the real training
articles in ../shared/eval/train (read at test time, never copied here) mutated word by word, huge
sentences (thousands of words, with and without punctuation, long runs of capitalised words, quotes,
brackets, Cyrillic and Latin mixed), pronoun chains ("It said it ... it ..."), empty and blank input.
Each case runs with ``language`` given ("en", "ru") or left to detection.

Every event must have a type, subtype and status of the schema, at least one non-blank target and
evidence equal to ``text[evidence_start:evidence_end]``.

By default (``make test``) each test runs a fixed, derandomised handful of cases, a few hundred in all.
``make fuzz-extract`` sets ``CIVICWATCH_FUZZ_EXTRACT_CASES`` (10,000 by default), shares that many cases
out among the tests, records every failure instead of stopping at the first, and prints the cases,
failures, the slowest case and the peak memory of the run.
"""

from __future__ import annotations

import os
import random
import re
import resource
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import pytest
from extract_checks import SHARED, check_events, shared_or_skip, time_limit
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civicwatch import extract
from civicwatch.model import Event

TRAIN = SHARED / "eval" / "train"
CASES = int(os.environ.get("CIVICWATCH_FUZZ_EXTRACT_CASES") or 0)  # 0: the small default run
SURVEY = CASES > 0  # a long run: record every failure and go on
CASE_SECONDS = 60  # one case longer than this is a hang
# each test's share of a long run, and its number of cases in the default run
SHARES = {"random": (0.25, 60), "real": (0.38, 80), "pronouns": (0.15, 40), "blank": (0.10, 40)}
SHARES |= {"scripts": (0.10, 30), "huge": (0.02, 6)}
LANGUAGES = st.sampled_from([None, "en", "ru"])
PUBLISHED = st.sampled_from([None, "", "2022-10-28", date(2016, 3, 9)])

# characters that broke readers before: controls, zero-width and bidi marks, odd spaces, quotes, brackets
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u200b\u200d\u202e\u2066\ufeff\u2028\u2029\u00a0\u3000\r\t"
MARKS = "«»„“”\"'‘’()[]{}<>*—–-…;:,.!?/\\|#@%&"
TOKENS = [
    *CONTROLS,
    *MARKS,
    "\r\n", "\n\n", "  ", "U.S.", "Mr.", "A.", "(ABC)", "(КПП)", "*",
    "(признан иноагентом)", "(designated a foreign agent)",
    "it", "It", "they", "its", "он", "она", "они", "его", "их", "which", "который",
    "fined", "banned", "arrested", "designated", "blocked", "liquidated", "raided", "condemned",
    "оштрафовал", "запретил", "задержали", "признан", "заблокировал", "ликвидирован", "обыск", "осудили",
    "the court", "суд", "Minjust", "Минюст", "Memorial", "«Мемориал»", "Human Rights Watch", "Роскомнадзор",
    "12 March 2021", "12 марта 2021 года", "last week", "на прошлой неделе", "2,000,000 roubles", "10 000 рублей",
    "🙂", "e\u0301", "ﬁ", "Ⅻ", "٣", "\u0301",
]  # fmt: skip


@dataclass
class Stats:
    cases: int = 0
    slowest: float = 0.0
    slowest_case: str = ""
    failures: list[str] = field(default_factory=list)


STATS = Stats()


def _settings(name: str) -> settings:
    share, default = SHARES[name]
    return settings(
        max_examples=max(1, round(CASES * share)) if SURVEY else default,
        derandomize=not SURVEY,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def run_case(kind: str, text: str, language: str | None, published: date | str | None = None) -> list[Event]:
    """Extract and check one case; in a long run a failure is recorded and the run goes on."""
    STATS.cases += 1
    start = time.perf_counter()
    try:
        with time_limit(CASE_SECONDS):
            events = extract(text, published=published, language=language)
        check_events(text, events)
    except Exception as exc:
        if not SURVEY:
            raise
        STATS.failures.append(
            f"{kind} ({language}, {len(text)} chars): {type(exc).__name__}: {exc!s:.300} {text!r:.300}"
        )
        return []
    finally:
        seconds = time.perf_counter() - start
        if seconds > STATS.slowest:
            STATS.slowest, STATS.slowest_case = seconds, f"{kind}, {len(text.split())} words, language {language}"
    return events


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    """The run's figures at the end of the module; a long run fails here if any case failed."""
    for language in ("en", "ru"):  # the models load before the first case, so that no case is timed with them
        extract("warm up", language=language)
    extract("warm up the language detector")
    yield
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    lines = [
        f"extract fuzz: {STATS.cases} cases, {len(STATS.failures)} failures, slowest case {STATS.slowest:.2f} s "
        f"({STATS.slowest_case}), peak memory {peak:.0f} MiB (ru_maxrss of the test process)",
        *STATS.failures[:50],
    ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and SURVEY:
        with capture.global_and_fixture_disabled():  # printed whatever the capture mode
            reporter.write_line("")
            for line in lines:
                reporter.write_line(line)
    if SURVEY and STATS.failures:
        pytest.fail("\n".join(lines), pytrace=False)


# ------------------------------------------------------------------------------------------ inputs
@cache
def real_sentences() -> list[str]:
    """Sentences and lines of the training articles (read here, never copied into the repository)."""
    found: list[str] = []
    for path in sorted(TRAIN.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found += [s for s in re.split(r"(?<=[.!?»”])\s+", line) if s.strip()]
    return found


def _real_sentences_or_skip() -> list[str]:
    shared_or_skip(TRAIN)
    sentences = real_sentences()
    assert sentences, f"no sentences in {TRAIN}/*.txt"
    return sentences


@st.composite
def mutated(draw: st.DrawFn, pieces: list[str]) -> str:
    """One to four pieces joined, then changed word by word (inserted, deleted, repeated, swapped, cased)."""
    picks = draw(st.lists(st.integers(0, len(pieces) - 1), min_size=1, max_size=4))  # indices: a short repr
    text = draw(st.sampled_from(["\n", " ", "\n\n", ""])).join(pieces[n] for n in picks)
    words = re.split(r"(\s+)", text)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(("insert", "delete", "repeat", "swap", "upper", "lower", "strip", "cut", "glue")))
        at = draw(st.integers(0, max(len(words) - 1, 0)))
        if op == "insert":
            words.insert(at, draw(st.sampled_from(TOKENS)))
        elif op == "delete" and words:
            del words[at : at + draw(st.integers(1, 5))]
        elif op == "repeat" and words:
            words[at:at] = words[at : at + draw(st.integers(1, 6))] * draw(st.integers(2, 40))
        elif op == "swap" and len(words) > 1:
            other = draw(st.integers(0, len(words) - 1))
            words[at], words[other] = words[other], words[at]
        elif op in ("upper", "lower") and words:
            words[at] = words[at].upper() if op == "upper" else words[at].lower()
        elif op == "strip":  # punctuation out: one long sentence
            words = [re.sub(r"[^\w\s]", "", w) for w in words]
        elif op == "cut":
            words = words[:at]
        elif op == "glue":  # spaces out of a stretch
            words[at : at + 6] = ["".join(words[at : at + 6])]
    return "".join(words)


def _made_up(rng: random.Random, cyrillic: bool) -> str:
    letters = "абвгдежзиклмнопрстуфхя" if cyrillic else "abcdefghiklmnoprstuvy"
    return "".join(rng.choice(letters) for _ in range(rng.randint(2, 10)))


def huge_sentence(seed: int, words: int, punctuation: float, capitals: float, cyrillic: float, triggers: float) -> str:
    """Thousands of words in one sentence: runs of capitalised names, quotes, brackets, both scripts."""
    rng = random.Random(seed)
    pool = [t for t in TOKENS if len(t) > 2 and t.strip()]
    out: list[str] = []
    while len(out) < words:
        if rng.random() < triggers:
            out.append(rng.choice(pool))
            continue
        run = rng.randint(200, 2000) if rng.random() < 0.01 else rng.randint(1, 12)
        capital = rng.random() < capitals
        names = [_made_up(rng, rng.random() < cyrillic) for _ in range(run)]
        names = [n.capitalize() for n in names] if capital else names
        if rng.random() < punctuation:
            names[-1] += rng.choice([",", ";", ":", " —", ")", "»", '"', "(", "«", " (ABC)", "*", "."])
        if rng.random() < punctuation / 2:
            names[0] = rng.choice(["(", "«", '"', "[", "„"]) + names[0]
        out += names
    return " ".join(out[:words])


EN_CHAIN = ["It said it", "it", "They said they", "He said he", "its", "it was", "them", "which it"]
RU_CHAIN = ["Она заявила, что она", "оно", "Они сказали, что их", "он", "его", "её", "их", "которую она"]
EN_ACTS = ["fined", "banned", "was fined", "were detained", "blocked", "raided", "condemned", "was designated"]
RU_ACTS = ["оштрафовал", "запретил", "была оштрафована", "задержали", "заблокировал", "осудил", "признан иноагентом"]


@st.composite
def pronoun_chain(draw: st.DrawFn) -> tuple[str, str]:
    """ "The court fined Memorial. It said it ... it ...": many pronouns, few names, in either language."""
    language = draw(st.sampled_from(["en", "ru"]))
    chain, acts = (EN_CHAIN, EN_ACTS) if language == "en" else (RU_CHAIN, RU_ACTS)
    opening = draw(st.sampled_from(["", "The court fined Memorial. ", "Суд оштрафовал «Мемориал». ", "It. "]))
    sentences = []
    for _ in range(draw(st.integers(1, 30))):
        parts = draw(st.lists(st.tuples(st.sampled_from(chain), st.sampled_from(acts)), min_size=1, max_size=6))
        sentences.append(" ".join(f"{p} {a}" for p, a in parts) + draw(st.sampled_from([".", ",", "", " and", "?"])))
    return language, opening + " ".join(sentences)


# ------------------------------------------------------------------------------------------- tests
@_settings("random")
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=400), language=LANGUAGES, published=PUBLISHED)
@example(text="", language=None, published=None)
@example(text=" \n\t\r\n ", language="en", published=None)
@example(text="\x00" * 50, language="ru", published=None)
@example(text="IAr\U000a7d45\U0001785cØ", language="ru", published=None)  # a letter without a Unicode name
def test_random_text(text: str, language: str | None, published: date | str | None) -> None:
    run_case("random", text, language, published)


@_settings("real")
@given(data=st.data(), language=LANGUAGES, published=PUBLISHED)
def test_mutated_real_sentences(data: st.DataObject, language: str | None, published: date | str | None) -> None:
    text = data.draw(mutated(_real_sentences_or_skip()))
    run_case("real", text, language, published)


@_settings("pronouns")
@given(chain=pronoun_chain(), detect=st.booleans())
@example(chain=("en", "It said it " * 400), detect=False)
def test_pronoun_chains(chain: tuple[str, str], detect: bool) -> None:
    language, text = chain
    run_case("pronouns", text, None if detect else language)


@_settings("blank")
@given(
    pieces=st.lists(st.one_of(st.sampled_from(CONTROLS + " \n"), st.sampled_from(TOKENS)), max_size=60),
    language=LANGUAGES,
)
@example(pieces=[], language="en")
@example(pieces=[" "], language="ru")
@example(pieces=["\n"] * 30, language=None)
def test_control_characters_and_blank_input(pieces: list[str], language: str | None) -> None:
    text = "".join(pieces)
    events = run_case("blank", text, language)
    if not text.strip():
        assert events == []


@_settings("scripts")
@given(
    words=st.lists(
        st.one_of(st.sampled_from(TOKENS), st.text("abcxyzABCXYZабвэюяАБВЭЮЯ.,«»()-", min_size=1, max_size=12)),
        max_size=120,
    ),
    language=LANGUAGES,
)
def test_mixed_scripts(words: list[str], language: str | None) -> None:
    run_case("scripts", " ".join(words), language)


@_settings("huge")
@given(
    seed=st.integers(0, 2**32 - 1),
    words=st.integers(1000, 10_000) if SURVEY else st.integers(1000, 3000),
    punctuation=st.sampled_from([0.0, 0.05, 0.3]),
    capitals=st.sampled_from([0.1, 0.5, 1.0]),
    cyrillic=st.sampled_from([0.0, 0.5, 1.0]),
    triggers=st.sampled_from([0.0, 0.05, 0.3]),
    language=LANGUAGES,
)
def test_huge_sentences(
    seed: int, words: int, punctuation: float, capitals: float, cyrillic: float, triggers: float, language: str | None
) -> None:
    text = huge_sentence(seed, words, punctuation, capitals, cyrillic, triggers)
    run_case(f"huge_sentence{(seed, words, punctuation, capitals, cyrillic, triggers)}", text, language)


def test_the_checks_catch_malformed_events() -> None:
    """check_events is the oracle of every case above: it must reject what it is meant to reject."""
    text = "The court fined Memorial."
    good = Event("sanction", "fine", "occurred", ["Memorial"], text, evidence_start=0, evidence_end=len(text))
    check_events(text, [good])
    broken: list[Callable[[Event], None]] = [
        lambda e: setattr(e, "targets", []),
        lambda e: setattr(e, "targets", ["  "]),
        lambda e: setattr(e, "evidence_start", 4),
        lambda e: setattr(e, "evidence_end", len(text) + 5),
        lambda e: setattr(e, "subtype", "raid"),
        lambda e: setattr(e, "status", "maybe"),
    ]
    for breaks in broken:
        event = Event("sanction", "fine", "occurred", ["Memorial"], text, evidence_start=0, evidence_end=len(text))
        breaks(event)
        with pytest.raises(AssertionError):
            check_events(text, [event])
