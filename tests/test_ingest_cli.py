"""`civicwatch ingest`, `events`, `entity` and `db upgrade` with the real extractor, on both backends.

The crash test runs `civicwatch ingest` in a child process, kills it with SIGKILL once some articles
are stored, checks that the database holds only whole articles, and resumes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.store import connect, head_revision, session
from civicwatch.store.engine import DEFAULT_FILE_DOC
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.models import Article, Event, Mention

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
MERGE_TEXTS = ROOT / "tests" / "data" / "merge"

EN = (
    "Russia brands Memorial a foreign agent\n\n"
    "On July 8, 2015, Russia's Justice Ministry added the human rights group Memorial to its register "
    "of foreign agents in Moscow.\n"
)
RU = (
    "Минюст признал «Мемориал» иностранным агентом\n\n"
    "Министерство юстиции 8 июля 2015 года включило правозащитный центр «Мемориал» в реестр иностранных агентов.\n"
)


def run(*args: str | Path):
    # wide enough that help text and tables are not wrapped in the middle of a name
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})


def write_article(folder: Path, name: str, text: str, url: str | None = None, published: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    if url or published:
        (folder / f"{name}.meta.json").write_text(json.dumps({"url": url, "published": published}))
    return path


def table_counts(url: str) -> tuple[int, int, int]:
    engine = connect(url)
    with session(engine) as s:
        found = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Article, Event, Mention))
    engine.dispose()
    return found


def test_help_says_where_the_database_is() -> None:
    for command in (["ingest"], ["events"], ["entity"], ["db", "upgrade"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        flat = " ".join(result.output.split())
        assert "CIVICWATCH_DB" in flat and "~/.local/share/civicwatch/civicwatch.db" in flat, command
    assert "~/.local/share/civicwatch/civicwatch.db" in DEFAULT_FILE_DOC  # the help and the code agree
    assert "Example" in run("ingest", "--help").output


def test_ingest_then_query(tmp_path: Path, db_url: str) -> None:
    news = tmp_path / "news"
    write_article(news, "en", EN, url="https://example.org/en", published="2015-07-09")
    write_article(news, "ru", RU, url="https://example.org/ru", published="2015-07-09")
    result = run("ingest", news, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "2 inputs: 2 relevant, 2 stored (2 events: 1 new, 1 merged into stored events)" in result.stderr
    stored = table_counts(db_url)
    assert stored == (2, 1, 2)

    again = run("ingest", news, news / "en.txt", "--db", db_url)
    assert again.exit_code == 0
    assert "0 stored" in again.stderr and "3 already stored" in again.stderr
    assert table_counts(db_url) == stored

    listed = run("events", "--db", db_url, "--format", "json", "--entity", "Мемориал")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["count"] == 1 and len(data["data"]) == 1
    event = data["data"][0]
    assert (event["type"], event["subtype"], event["date"], event["sources"]) == (
        "designation",
        "foreign_agent",
        "2015-07-08",
        2,
    )
    assert {m["url"] for m in event["mentions"]} == {"https://example.org/en", "https://example.org/ru"}
    mention = event["mentions"][0]
    text = (news / "en.txt").read_text(encoding="utf-8")
    assert text[mention["evidence_start"] : mention["evidence_end"]] == mention["evidence"]

    rows = list(csv.DictReader(io.StringIO(run("events", "--db", db_url, "-f", "csv").stdout)))
    assert [(r["type"], r["sources"]) for r in rows] == [("designation", "2")]
    assert "designation/foreign_agent" in run("events", "--db", db_url).stdout
    assert json.loads(run("events", "--db", db_url, "-f", "json", "--type", "sanction").stdout) == {
        "data": [],
        "count": 0,
    }

    entity = run("entity", "Memorial", "--db", db_url)
    assert entity.exit_code == 0, entity.output
    # one entity, named in both languages (quotes and descriptors as the extractor reports them)
    assert re.search(r"«?Мемориал»? \(ru", entity.stdout) and "Memorial (en" in entity.stdout
    assert "registry status:" in entity.stdout and "designation/foreign_agent" in entity.stdout
    profile = json.loads(run("entity", "мемориал", "--db", db_url, "-f", "json").stdout)["data"][0]
    assert profile["key"] == "memorial" and profile["registry"] == []
    assert [item["roles"] for item in profile["timeline"]] == [["target"]]


def test_usage_and_database_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = run("events", "--db", missing)
    assert result.exit_code == 1 and "civicwatch ingest" in result.stderr and not missing.exists()
    assert run("events", "--db", missing, "--type", "raid").exit_code == 2
    assert run("events", "--db", missing, "--type", "sanction", "--subtype", "raid").exit_code == 2
    assert run("entity", "Nobody", "--db", missing).exit_code == 1
    bad = run("events", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert bad.exit_code == 1 and "cannot connect" in bad.stderr


def test_a_failed_file_fails_the_batch_but_not_the_others(tmp_path: Path, db_url: str) -> None:
    news = tmp_path / "news"
    write_article(news, "good", EN)
    (news / "empty.txt").write_text("")
    result = run("ingest", news, "--db", db_url)
    assert result.exit_code == 1
    assert "error:" in result.stderr and "empty.txt" in result.stderr
    assert table_counts(db_url)[0] == 1


def test_db_upgrade(db_url: str) -> None:
    head = head_revision()
    first = run("db", "upgrade", "--db", db_url)
    assert first.exit_code == 0 and f"none (new database) -> {head}" in first.stdout
    second = run("db", "upgrade", "--db", db_url)
    assert second.exit_code == 0 and f"already at schema revision {head}" in second.stdout


def _corpus(folder: Path, n: int = 40) -> list[Path]:
    """n distinct articles: the merge texts, then copies made distinct by a closing line."""
    sources = sorted(MERGE_TEXTS.glob("*.txt"))
    paths = []
    for i in range(n):
        source = sources[i % len(sources)]
        text = source.read_text(encoding="utf-8") + ("" if i < len(sources) else f"\n(Republished, copy {i}.)\n")
        paths.append(write_article(folder, f"{i:02d}-{source.stem}", text, published="2016-01-01"))
    return paths


def test_killed_ingest_leaves_whole_articles_and_resumes(tmp_path: Path, db_url: str) -> None:
    paths = _corpus(tmp_path / "news")
    connect(db_url).dispose()  # schema first, so the test can watch the tables
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "civicwatch.cli", "ingest", str(tmp_path / "news"), "--db", db_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while table_counts(db_url)[0] < 5:
            assert child.poll() is None, f"ingest ended before it could be killed: {child.stderr.read()!r}"
            assert time.monotonic() < deadline, "no article stored within 60 s"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL

    engine = connect(db_url)
    with session(engine) as s:
        stored_before = s.scalar(select(func.count()).select_from(Article))
        assert 5 <= stored_before < len(paths)  # killed mid-way
        assert count_consistency_problems(s) == []  # every stored article has all its mentions

    resumed = run("ingest", tmp_path / "news", "--db", db_url)
    assert resumed.exit_code == 0, resumed.output
    assert f"{stored_before} already stored" in resumed.stderr
    with session(engine) as s:
        sources = s.scalars(select(Article.source_path)).all()
        assert sorted(sources) == sorted(str(p) for p in paths)  # each article exactly once
        assert count_consistency_problems(s) == []
    engine.dispose()
