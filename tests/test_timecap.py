"""The per-article time cap: a call past its cap is stopped, reported as "timeout", and the batch goes on.

The cap itself (``civicwatch.pipeline.timecap``), then through ``extract_article`` with the real
extractor (stopped mid-article, it extracts the next article exactly as before), ``civicwatch
extract`` and ``civicwatch ingest`` (``--timeout``, the summary by reason), and the Spark executor's
row builder (a "timeout" error row; the Spark job itself is in test_spark.py).
"""

from __future__ import annotations

import re
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import SLOW
from test_cli import error_lines
from test_warc import http, record, write
from typer.testing import CliRunner

from civicwatch import cli
from civicwatch.cli import app
from civicwatch.model import Article
from civicwatch.pipeline import extract_article, process_article, timecap
from civicwatch.pipeline.timecap import TimedOut, call_with_cap
from civicwatch.spark.job import _summarise
from civicwatch.spark.worker import PartitionStats, WorkerSettings, warc_rows

runner = CliRunner()


def spin() -> None:
    while True:
        sum(range(1000))


def timed(call, seconds: float) -> tuple[str, float]:
    started = time.monotonic()
    try:
        call_with_cap(call, seconds)
    except TimedOut:
        return "timeout", time.monotonic() - started
    return "returned", time.monotonic() - started


@pytest.fixture(autouse=True)
def no_timer_left_behind():
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is handler


# ------------------------------------------------------------------------------------------- the cap


def test_a_call_within_its_cap_returns_its_value() -> None:
    assert call_with_cap(lambda: 42, 5.0) == 42
    assert call_with_cap(lambda: 42, None) == 42
    with pytest.raises(ZeroDivisionError):  # the call's own errors pass through
        call_with_cap(lambda: 1 / 0, 5.0)


def test_a_python_loop_is_stopped_at_its_cap() -> None:
    outcome, seconds = timed(spin, 0.3)
    assert outcome == "timeout" and 0.3 <= seconds < 2.0


def test_a_backtracking_regex_is_stopped() -> None:
    outcome, seconds = timed(lambda: re.match(r"(a+)+$", "a" * 40 + "!"), 0.3)  # ~2^40 steps uncapped
    assert outcome == "timeout" and seconds < 2.0


def test_except_exception_inside_the_call_cannot_swallow_it() -> None:
    def stubborn() -> None:
        while True:
            try:
                spin()
            except Exception:
                pass

    assert timed(stubborn, 0.3)[0] == "timeout"


def test_a_sleeping_call_is_woken() -> None:
    outcome, seconds = timed(lambda: time.sleep(30), 0.3)
    assert outcome == "timeout" and seconds < 2.0


def test_off_the_main_thread_the_call_runs_uncapped() -> None:
    found: list[object] = []

    def worker() -> None:
        found.append(timecap.preemptible())
        found.append(call_with_cap(lambda: time.sleep(0.2) or "done", 0.05))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert found == [False, "done"]
    assert timecap.preemptible()


def test_an_outer_timer_keeps_its_deadline_and_handler() -> None:
    """A hang detector armed before the cap (tests/fuzz_support.py has one) still fires on time."""
    fired: list[float] = []

    class OuterExpired(Exception):
        pass

    def outer(signum, frame) -> None:
        fired.append(time.monotonic())
        raise OuterExpired

    previous = signal.signal(signal.SIGALRM, outer)
    try:
        # outer deadline later than the call: re-armed with what is left of it afterwards
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        assert call_with_cap(lambda: "quick", 1.0) == "quick"
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 3.5 < left <= 5.0
        signal.setitimer(signal.ITIMER_REAL, 0)
        # outer deadline earlier than the cap: the outer handler runs at its time, inside the call
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(OuterExpired):
            call_with_cap(spin, 5.0)
        assert fired and fired[0] - started < 1.5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_command_line_default_is_the_pipeline_default() -> None:
    assert cli.DEFAULT_TIMEOUT == timecap.DEFAULT_TIMEOUT
    assert WorkerSettings().timeout == timecap.DEFAULT_TIMEOUT


# ------------------------------------------------------------------------------ the pipeline's guard


def slow_on_marker(article: Article):
    if SLOW in article.text:
        time.sleep(60)
    return []


def test_extract_article_reports_a_timeout_and_goes_on() -> None:
    started = time.monotonic()
    events, failure = extract_article(Article(text=f"{SLOW} text"), slow_on_marker, timeout=0.3)
    assert events == [] and failure is not None
    assert failure.kind == "timeout" and failure.reason.startswith("timeout (") and "0.3 s" in failure.reason
    assert time.monotonic() - started < 2.0
    assert extract_article(Article(text="an ordinary text"), slow_on_marker, timeout=0.3) == ([], None)
    # no cap at all: 0 or None
    assert extract_article(Article(text="x"), lambda a: [], timeout=0) == ([], None)


def test_the_real_extractor_stopped_mid_article_extracts_the_next_one_as_before() -> None:
    """The cap interrupts spaCy/natasha and the extractor anywhere: their state must survive it."""
    short = Article(
        text="On July 8, 2015, Russia's Justice Ministry added the human rights group Memorial to its register "
        "of foreign agents.",
        language="en",
    )
    russian = Article(
        text="Министерство юстиции 8 июля 2015 года включило правозащитный центр «Мемориал» в реестр "
        "иностранных агентов.",
        language="ru",
    )
    before = [[e.to_dict() for e in process_article(a)] for a in (short, russian)]
    assert all(before)
    for article in (short, russian):
        long_text = " ".join([article.text] * 50)  # several seconds uncapped
        for cap in (0.05, 0.2, 0.5):  # stopped at different places
            events, failure = extract_article(Article(text=long_text, language=article.language), timeout=cap)
            assert failure is not None and failure.kind == "timeout" and events == []
    after = [[e.to_dict() for e in extract_article(a)[0]] for a in (short, russian)]
    assert after == before


# ------------------------------------------------------------------------------------ command lines


def test_extract_timeout_option_fails_the_slow_article_only(tmp_path: Path, fake_extractor: None) -> None:
    (tmp_path / "a.txt").write_text("The first article.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"The slow article. {SLOW}", encoding="utf-8")
    (tmp_path / "c.txt").write_text("The last article.", encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["extract", str(tmp_path), "--timeout", "0.5", "--format", "jsonl"])
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [
        f"error: {tmp_path / 'b.txt'}: timeout (extraction ran over the 0.5 s cap; see --timeout)"
    ]
    assert "3 files, 2 events, 1 failed (timeout: 1)" in result.stderr
    assert [line.split('"source": ')[1].split(",")[0] for line in result.stdout.splitlines()] == [
        f'"{tmp_path / "a.txt"}"',
        f'"{tmp_path / "c.txt"}"',
    ]


def test_ingest_timeout_and_failures_counted_by_the_readers_kinds(
    tmp_path: Path, db_url: str, fake_extractor: None
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("A first article about a court.", encoding="utf-8")
    (news / "b.txt").write_text(f"A slow article. {SLOW}", encoding="utf-8")
    (news / "empty.txt").write_text("", encoding="utf-8")
    (news / "batch.jsonl").write_text(
        '{"url": "https://example.org/1", "text": "A line article."}\n'
        "{not json\n"
        '{"url": "https://example.org/3", "text": "Another line article."}\n'
        "[1, 2]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(news), "--db", db_url, "--timeout", "0.5", "--no-prefilter"])
    assert result.exit_code == 1, result.output
    errors = error_lines(result.stderr)
    assert len(errors) == 4  # one line per bad input: source, position, reason
    assert f"error: {news / 'batch.jsonl'}: line 2: invalid JSON" in "\n".join(errors)
    assert f"error: {news / 'batch.jsonl'}: line 4: expected a JSON object, got list" in errors
    assert f"error: {news / 'b.txt'}: timeout (extraction ran over the 0.5 s cap; see --timeout)" in errors
    assert any(line.startswith(f"error: {news / 'empty.txt'}: ") for line in errors)
    summary = result.stderr.strip().splitlines()[-1]
    assert "3 stored" in summary and "4 failed" in summary
    assert "(empty-file: 1, invalid-json: 1, not-an-object: 1, timeout: 1)" in summary
    # the timed-out article was not stored: the next run tries it again; the others are not redone
    again = runner.invoke(app, ["ingest", str(news), "--db", db_url, "--timeout", "0.5", "--no-prefilter"])
    assert (
        "3 already stored" in again.stderr
        and "(empty-file: 1, invalid-json: 1, not-an-object: 1, timeout: 1)" in again.stderr
    )


def test_timeout_option_is_documented() -> None:
    for command in (["extract"], ["ingest"], ["watch"], ["spark", "extract"]):
        flat = " ".join(runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output.split())
        assert "--timeout" in flat and "SECONDS" in flat, command


# ------------------------------------------------------------------------------- the Spark executor


def test_spark_rows_give_a_timed_out_article_a_timeout_error_row(tmp_path: Path) -> None:
    page = "<html><body><article><p>{}</p></article></body></html>"
    text = "An article long enough to count as prose on this page, about a court and a newspaper. " * 4
    texts = (text, text + SLOW, "Another. " + text)
    warc = write(
        tmp_path / "crawl.warc",
        [record(f"https://example.org/{i}", http(page.format(t).encode()), number=i) for i, t in enumerate(texts, 1)],
    )
    stats = PartitionStats()
    settings = WorkerSettings(prefilter=False, extractor=slow_on_marker, timeout=0.3)
    rows = list(warc_rows(warc, str(warc), settings, stats))
    errors = [values for kind, values in rows if kind == "error"]
    assert [(e[3], e[4]) for e in errors] == [("https://example.org/2", "timeout")]
    assert errors[0][5].startswith("timeout (")
    assert [kind for kind, _ in rows].count("article") == 2
    assert stats.timeout_errors == 1 and stats.extract_errors == 0
    summary = _summarise([stats], 1.0)
    assert summary.errors == 1 and summary.errors_by_stage == {"timeout": 1}


def test_the_models_load_before_the_clock_starts() -> None:
    """The first article of a language must not pay the model load (seconds; more on a busy machine) inside
    its cap. In a fresh process: by the time the capped call starts, that language's reader is loaded."""
    import subprocess
    import sys

    script = """
from civicwatch.extract import extractor
from civicwatch.model import Article
from civicwatch import pipeline
seen = []
real = pipeline.call_with_cap
def spy(call, seconds):
    seen.append(sorted(extractor._READERS))
    return real(call, seconds)
pipeline.call_with_cap = spy
pipeline.extract_article(Article(text="Полиция задержала журналиста в Москве в понедельник."), timeout=600)
print(seen)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[['ru']]"
