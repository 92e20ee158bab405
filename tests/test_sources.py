"""Reading articles from files: encodings, bad input, meta files, folders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from civicwatch.pipeline import process_paths
from civicwatch.sources.files import (
    MAX_BYTES,
    SourceError,
    iter_text_files,
    load_article,
    load_text,
    read_article,
    read_meta,
)

RUSSIAN = (
    "Министерство юстиции России внесло Комитет против пыток в реестр иностранных агентов. "
    "Правозащитники назвали это решение политическим."
)
RUSSIAN_SHORT = "Суд оштрафовал редакцию газеты."
FRENCH = "Le ministère a désigné l'association « agent étranger » ; ses dirigeants contestent la décision."
GERMAN = "Die Behörde erklärte die Stiftung für unerwünscht. Über Gründe wurde nichts gesagt."


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (RUSSIAN, "utf-8", "utf-8"),
        (FRENCH, "utf-8", "utf-8"),
        (RUSSIAN, "utf-8-sig", "utf-8-sig"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8-r", "koi8-r"),
        (RUSSIAN_SHORT, "cp1251", "cp1251"),
        (RUSSIAN_SHORT, "koi8-r", "koi8-r"),
        (FRENCH, "latin-1", "latin-1"),
        (GERMAN, "latin-1", "latin-1"),
    ],
)
def test_load_text_decodes(tmp_path: Path, text: str, encoding: str, expected: str) -> None:
    path = write(tmp_path / "a.txt", text, encoding)
    assert load_text(path) == (text, expected)


def test_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Hello", "utf-8-sig")
    assert read_article(path).text == "Hello"


def test_legacy_encoding_gives_notice(tmp_path: Path, fake_extractor: None) -> None:
    write(tmp_path / "ru.txt", RUSSIAN, "koi8-r")
    write(tmp_path / "en.txt", "Plain English.")
    results = {r.path.name: r for r in process_paths([tmp_path])}
    assert "koi8-r" in results["ru.txt"].notice
    assert results["ru.txt"].article.text == RUSSIAN
    assert results["en.txt"].notice is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (bytes(range(1, 32)) * 10, "binary"),
    ],
)
def test_unusable_files(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.txt", data)
    with pytest.raises(SourceError) as info:
        read_article(path)
    assert info.value.path == path
    assert reason in info.value.reason
    assert str(info.value).startswith(f"{path}: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_article(tmp_path / "nope.txt")


def test_oversized_file(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"a" * (MAX_BYTES + 1))
    with pytest.raises(SourceError, match="too large"):
        read_article(path)


def test_file_at_size_limit_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"word " * (MAX_BYTES // 5))
    assert len(read_article(path).text) == MAX_BYTES


def test_article_fields_from_meta(tmp_path: Path) -> None:
    path = write(tmp_path / "news.txt", "Text.")
    write(tmp_path / "news.meta.json", '{"url": "https://example.org/a", "published": "2021-04-26"}')
    article = read_article(path)
    assert article.url == "https://example.org/a"
    assert article.published == date(2021, 4, 26)
    assert article.source == str(path)


def test_arguments_override_meta(tmp_path: Path) -> None:
    path = write(tmp_path / "news.txt", "Text.")
    write(tmp_path / "news.meta.json", '{"url": "https://example.org/a", "published": "2021-04-26"}')
    article = read_article(path, published=date(2024, 1, 2), url="https://other.org/")
    assert (article.published, article.url) == (date(2024, 1, 2), "https://other.org/")


def test_meta_nulls_and_absence(tmp_path: Path) -> None:
    path = write(tmp_path / "news.txt", "Text.")
    assert read_meta(path) == {}
    write(tmp_path / "news.meta.json", '{"url": null, "published": null}')
    assert read_meta(path) == {"url": None, "published": None}


@pytest.mark.parametrize(
    "meta",
    ["{not json", "[1, 2]", '{"published": "last Tuesday"}', '{"url": 42}'],
)
def test_broken_meta_is_a_warning(tmp_path: Path, meta: str) -> None:
    path = write(tmp_path / "news.txt", "Text.")
    write(tmp_path / "news.meta.json", meta)
    loaded = load_article(path)
    assert loaded.article.text == "Text."
    assert loaded.article.published is None
    assert loaded.meta_warning.startswith(str(tmp_path / "news.meta.json"))


def test_folder_expansion(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "a.meta.json", "notes.md"):
        write(tmp_path / name, "x")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "c.txt", "x")
    single = write(tmp_path / "sub" / "single.md", "x")
    names = [p.name for p in iter_text_files([tmp_path, single])]
    assert names == ["a.txt", "b.txt", "single.md"]


def test_folder_without_text_files(tmp_path: Path, fake_extractor: None) -> None:
    with pytest.raises(SourceError, match="no .txt files"):
        list(iter_text_files([tmp_path]))
    [result] = process_paths([tmp_path])
    assert result.path == tmp_path
    assert "no .txt files" in result.error


def test_batch_survives_bad_files(tmp_path: Path, fake_extractor: None) -> None:
    write(tmp_path / "a.txt", "")
    write(tmp_path / "b.txt", "FAKE-RAISE")
    write(tmp_path / "c.txt", "Good text.")
    results = list(process_paths([tmp_path, tmp_path / "missing.txt"]))
    assert [r.path.name for r in results] == ["a.txt", "b.txt", "c.txt", "missing.txt"]
    assert [r.ok for r in results] == [False, False, True, False]
    assert "fake extractor exploded" in results[1].error
    assert len(results[2].events) == 1
