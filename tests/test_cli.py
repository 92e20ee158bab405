"""The ``civicwatch`` command line, run in-process with typer's CliRunner."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import civicwatch
from civicwatch.cli import app

runner = CliRunner()

REAL_TEXT = "Russia's Justice Ministry added the Committee Against Torture to the register of foreign agents on Monday."
needs_extractor = pytest.mark.skipif(
    importlib.util.find_spec("civicwatch.extract.extractor") is None,
    reason="civicwatch/extract/extractor.py does not exist yet",
)


def run(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_help_teaches() -> None:
    result = run("extract", "--help")
    assert result.exit_code == 0
    for words in ("Example", "meta.json", "Exit codes", ".txt"):
        assert words in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert civicwatch.__version__ in result.stdout


def test_out_writes_one_file_per_input(tmp_path: Path, fake_extractor: None) -> None:
    src = tmp_path / "in"
    src.mkdir()
    write(src / "one.txt", "Some news.")
    write(src / "two.txt", "FAKE-NONE nothing happened.")
    result = run("extract", src, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(json.loads((tmp_path / "out" / "one.json").read_text())) == 1
    assert json.loads((tmp_path / "out" / "two.json").read_text()) == []
    assert "2 files, 1 event, 0 failed" in result.stderr


def test_bad_file_fails_batch_but_not_others(tmp_path: Path, fake_extractor: None) -> None:
    good = write(tmp_path / "good.txt", "Some news.")
    bad = write(tmp_path / "bad.txt", "")
    result = run("extract", bad, good, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "good.json").exists()
    assert not (tmp_path / "out" / "bad.json").exists()
    assert error_lines(result.stderr) == [f"error: {bad}: empty file"]
    assert "1 failed" in result.stderr


def test_extractor_exception_is_reported(tmp_path: Path, fake_extractor: None) -> None:
    boom = write(tmp_path / "boom.txt", "FAKE-RAISE")
    write(tmp_path / "fine.txt", "Some news.")
    result = run("extract", tmp_path, "--format", "jsonl")
    assert result.exit_code == 1
    [line] = error_lines(result.stderr)
    assert str(boom) in line and "fake extractor exploded" in line
    assert len(result.stdout.splitlines()) == 1


def test_folder_without_text_files(tmp_path: Path, fake_extractor: None) -> None:
    result = run("extract", tmp_path)
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"error: {tmp_path}: folder has no .txt files"]


def test_jsonl_lines_parse(tmp_path: Path, fake_extractor: None) -> None:
    write(tmp_path / "a.txt", "Some news.")
    write(tmp_path / "b.txt", "Other news.")
    result = run("extract", tmp_path, "--format", "jsonl")
    assert result.exit_code == 0
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(e["source"]).name for e in events] == ["a.txt", "b.txt"]
    assert all(e["type"] == "designation" for e in events)


def test_json_is_one_document(tmp_path: Path, fake_extractor: None) -> None:
    write(tmp_path / "a.txt", "Some news.")
    write(tmp_path / "b.txt", "FAKE-NONE")
    result = run("extract", tmp_path, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(Path(d["source"]).name, len(d["events"])) for d in data] == [("a.txt", 1), ("b.txt", 0)]


def test_table_output(tmp_path: Path, fake_extractor: None) -> None:
    write(tmp_path / "a.txt", "Some news [with brackets].")
    result = run("extract", tmp_path / "a.txt")
    assert result.exit_code == 0
    assert "designation/foreign_agent" in result.stdout
    assert "Fake Org" in result.stdout


def jsonl_events(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_published_and_url_options_override_meta(tmp_path: Path, fake_extractor: None) -> None:
    path = write(tmp_path / "a.txt", "Some news.")
    write(tmp_path / "a.meta.json", '{"url": "https://meta.example/", "published": "2020-01-01"}')
    [from_meta] = jsonl_events(run("extract", path, "--format", "jsonl"))
    assert (from_meta["date"], from_meta["url"]) == ("2020-01-01", "https://meta.example/")
    result = run("extract", path, "--format", "jsonl", "--published", "2024-03-04", "--url", "https://cli/")
    [from_cli] = jsonl_events(result)
    assert (from_cli["date"], from_cli["url"]) == ("2024-03-04", "https://cli/")


def test_bad_published_is_usage_error(tmp_path: Path) -> None:
    result = run("extract", write(tmp_path / "a.txt", "x"), "--published", "yesterday")
    assert result.exit_code == 2


def test_broken_meta_warns_and_goes_on(tmp_path: Path, fake_extractor: None) -> None:
    path = write(tmp_path / "a.txt", "Some news.")
    write(tmp_path / "a.meta.json", "{oops")
    result = run("extract", path, "--format", "jsonl")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "a.meta.json" in warnings[0]
    assert len(jsonl_events(result)) == 1


def test_legacy_encoding_notice(tmp_path: Path, fake_extractor: None) -> None:
    path = write(tmp_path / "ru.txt", "Суд оштрафовал редакцию газеты.", "cp1251")
    result = run("extract", path, "--format", "jsonl")
    assert result.exit_code == 0
    assert f"notice: {path}: not UTF-8, decoded as cp1251" in result.stderr.splitlines()
    assert "оштрафовал" in jsonl_events(result)[0]["evidence"]


@pytest.mark.parametrize(("flag", "expected"), [([], [False]), (["--include-boilerplate"], [False, True])])
def test_include_boilerplate(tmp_path: Path, fake_extractor: None, flag: list[str], expected: list) -> None:
    write(tmp_path / "a.txt", "Some news. FAKE-BOILERPLATE")
    shown = jsonl_events(run("extract", tmp_path, "--format", "jsonl", *flag))
    assert [e["boilerplate"] for e in shown] == expected
    run("extract", tmp_path, "--out", tmp_path / "out", *flag)
    written = json.loads((tmp_path / "out" / "a.json").read_text())
    assert [e["boilerplate"] for e in written] == expected


def test_same_name_in_two_folders_warns(tmp_path: Path, fake_extractor: None) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "a.txt", "Some news.")
    result = run("extract", tmp_path / "x", tmp_path / "y", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "written twice" in result.stderr


@needs_extractor
def test_real_extractor_finds_designation(tmp_path: Path) -> None:
    path = write(tmp_path / "cat.txt", REAL_TEXT)
    result = run("extract", path, "--format", "jsonl", "--published", "2024-03-06")
    assert result.exit_code == 0, result.stderr
    events = jsonl_events(result)
    designations = [e for e in events if e["type"] == "designation"]
    assert designations, events
    # Loose on purpose: "on Monday" should resolve near --published, however exactly.
    assert all(e["date"] is None or e["date"].startswith("2024") for e in designations)


@needs_extractor
def test_real_extractor_out_file(tmp_path: Path) -> None:
    write(tmp_path / "cat.txt", REAL_TEXT)
    write(tmp_path / "cat.meta.json", '{"url": null, "published": "2023-11-13"}')
    result = run("extract", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    events = json.loads((tmp_path / "out" / "cat.json").read_text())
    assert any(e["type"] == "designation" for e in events)
