"""Every article reader fails per record, never per batch: one error value (source, position, reason, kind) each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from civicwatch.sources import jsonl
from civicwatch.sources.feeds import parse_feed
from civicwatch.sources.files import SourceError, decode_bytes, load_article, reason_kind
from civicwatch.sources.html import article_from_html, decode_html
from civicwatch.sources.inputs import InputOptions, InputStats, iter_inputs
from civicwatch.sources.jsonl import iter_jsonl_articles

PROSE = "The regional court fined the independent newspaper for a report on the protest in the city centre."
RUSSIAN = "Суд оштрафовал независимую газету за репортаж о протесте в центре города на прошлой неделе."


def _good_line(n: int) -> bytes:
    return json.dumps({"url": f"https://example.org/{n}", "text": f"{PROSE} ({n})"}).encode() + b"\n"


def test_a_jsonl_file_goes_on_after_lines_that_broke_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        _good_line(1),
        b"[" * 100_000 + b"\n",  # RecursionError in json before
        b'{"text": "x", "n": ' + b"7" * 5_000 + b"}\n",  # ValueError: more than 4,300 digits
        b'{"text": "\xff\xfe"}\n',
        b'{"html": "<p>\\u202e' + b"a" * 50 + b'</p>"}\n',
        _good_line(6),
    ]
    path.write_bytes(b"".join(lines))
    items = list(iter_jsonl_articles(path))
    assert [type(item).__name__ for item in items] == ["Article"] + ["SourceError"] * 4 + ["Article"]
    errors = [item for item in items if isinstance(item, SourceError)]
    assert [e.position for e in errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert [e.kind for e in errors] == ["invalid-json", "invalid-json", "not-utf8", "not-an-html-document"]
    assert all(e.source == str(path) and e.reason.startswith(e.position + ": ") for e in errors)
    assert "nested too deeply" in errors[0].reason and "4300 digits" in errors[1].reason
    assert all("\n" not in e.reason and len(e.reason) <= 500 for e in errors)
    assert items[-1].url == "https://example.org/6"


def test_an_overlong_jsonl_line_is_skipped_without_being_held(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(jsonl, "_CHUNK", 64)
    path = tmp_path / "long.jsonl"
    path.write_bytes(_good_line(1) + b'{"text": "' + b"a" * 5000 + b'"}\n' + _good_line(3))
    items = list(iter_jsonl_articles(path))
    assert isinstance(items[1], SourceError) and items[1].kind == "line-too-long" and items[1].position == "line 2"
    assert [item.url for item in (items[0], items[2])] == ["https://example.org/1", "https://example.org/3"]


def test_a_reader_bug_on_one_line_costs_that_line(tmp_path: Path, monkeypatch) -> None:
    real = jsonl.article_from_record

    def flaky(record: dict, source: str | None = None):
        if record.get("url", "").endswith("/2"):
            raise KeyError("boom")
        return real(record, source=source)

    monkeypatch.setattr(jsonl, "article_from_record", flaky)
    path = tmp_path / "flaky.jsonl"
    path.write_bytes(_good_line(1) + _good_line(2) + _good_line(3))
    items = list(iter_jsonl_articles(path))
    assert isinstance(items[1], SourceError) and items[1].kind == "reader-failed"
    assert "KeyError" in items[1].reason and items[1].position == "line 2"
    assert items[2].url == "https://example.org/3"


@pytest.mark.parametrize("stray", [b"\x98", b"\x98\x98 \x98"])
def test_cp1251_text_with_an_undefined_byte_is_decoded_not_raised(tmp_path: Path, stray: bytes) -> None:
    text, encoding = decode_bytes("Привет".encode("cp1251") + stray)  # raised UnicodeDecodeError before
    assert text.strip() and encoding in ("cp1251", "koi8-r", "latin-1")
    if stray == b"\x98":  # the detector's pick: cp1251, with the undefined byte replaced
        assert (text, encoding) == ("Привет\ufffd", "cp1251")
    path = tmp_path / "legacy.txt"
    path.write_bytes(RUSSIAN.encode("cp1251") + stray)
    assert load_article(path).article.text.strip()
    page = f"<html><body><article><p>{RUSSIAN}</p></article></body></html>".encode("cp1251") + stray
    assert "газету" in article_from_html(page).text


@pytest.mark.parametrize("label", ["rot13", "base64", "hex", "idna", "punycode", "zlib"])
def test_a_declared_charset_that_is_no_text_encoding_is_ignored(label: str) -> None:
    page = f'<html><head><meta charset="{label}"></head><body><p>{RUSSIAN}</p></body></html>'.encode("cp1251")
    text, encoding = decode_html(page, label)
    assert encoding == "cp1251" and "газету" in text


def test_a_broken_meta_file_never_costs_its_article(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(PROSE, encoding="utf-8")
    for meta in (b"[" * 100_000, b'{"published": ' + b"9" * 5000 + b"}"):
        (tmp_path / "a.meta.json").write_bytes(meta)
        loaded = load_article(path)
        assert loaded.article.text == PROSE and "unreadable meta file" in loaded.meta_warning


def test_one_unreadable_feed_item_costs_that_item() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
        <item><title>a</title><link>http://[::1</link></item>
        <item><title>b</title><link>https://example.org/b</link><pubDate>Mon, 99 Foo 99999 99:99:99</pubDate></item>
        </channel></rss>"""
    items = parse_feed(feed, "https://example.org/feed")
    assert [item.link for item in items] == [None, "https://example.org/b"]
    assert all(item.error is None for item in items)


def test_a_prefilter_bug_on_one_input_costs_that_input(tmp_path: Path) -> None:
    class Exploding:
        def score(self, text: str):
            if "boom" in text:
                raise RuntimeError("prefilter bug")
            return type("Decision", (), {"passed": True, "reason": None})()

    (tmp_path / "a.txt").write_text(PROSE + " boom", encoding="utf-8")
    (tmp_path / "b.txt").write_text(PROSE, encoding="utf-8")
    stats = InputStats()
    loaded = list(iter_inputs([tmp_path], InputOptions(prefilter=Exploding())))
    for item in loaded:
        stats.count(item)
    assert loaded[0].error_kind == "reader-failed" and "RuntimeError" in loaded[0].error
    assert loaded[1].article is not None
    assert stats.failed == {"reader-failed": 1}


def test_failures_are_counted_by_reason(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"{bad\n{bad\n[1]\n" + _good_line(4))
    (tmp_path / "empty.txt").write_bytes(b"")
    stats = InputStats()
    for item in iter_inputs([path, tmp_path / "empty.txt", tmp_path / "missing.txt"], InputOptions()):
        stats.count(item)
    assert stats.failed == {"invalid-json": 2, "not-an-object": 1, "empty-file": 1, "no-such-file": 1}


def test_reason_kinds_are_short_labels() -> None:
    assert reason_kind("line 3: invalid JSON (Expecting value at column 1)", "line 3") == "invalid-json"
    assert reason_kind("binary file (contains NUL bytes)") == "binary-file"
    assert SourceError("x", "file too large (9.0 MB, limit 5.0 MB)").kind == "file-too-large"
    assert SourceError("x", "a\nb\x00c").reason == "a b c"


@pytest.mark.parametrize("content", [b"[" * 100_000, b'{"version": ' + b"9" * 5000 + b"}"])
def test_a_feed_state_file_that_breaks_the_json_reader_is_an_error_not_a_crash(tmp_path: Path, content: bytes) -> None:
    from civicwatch.sources.feeds import FeedState

    path = tmp_path / "feed-state.json"
    path.write_bytes(content)
    with pytest.raises(SourceError, match="unreadable feed state"):
        FeedState(path)
