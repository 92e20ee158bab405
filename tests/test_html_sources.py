"""Articles from web pages and JSON Lines: metadata, encodings, bad markup, bad lines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from civicwatch.model import Article
from civicwatch.sources.files import SourceError
from civicwatch.sources.html import (
    NO_TEXT_REASON,
    article_from_html,
    decode_html,
    load_html_file,
    read_html_file,
)
from civicwatch.sources.jsonl import iter_jsonl_articles

WEB = Path(__file__).parent / "data" / "web"
EN_PAGE = WEB / "en-ngo-fined.html"
RU_PAGE = WEB / "ru-fund-closed.html"
BOILERPLATE_PAGE = WEB / "boilerplate-only.html"
BODY = (
    "<p>The Justice Ministry added the Vigil human rights group to its registry of foreign agents on Monday.</p>"
    "<p>The group said it would challenge the decision in court and keep working in the meantime.</p>"
)


def page(body: str = BODY, head: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


# ------------------------------------------------------------------------------------------------ html


def test_article_from_saved_page() -> None:
    article = article_from_html(EN_PAGE.read_bytes(), url="https://courier.example.org/?p=123")
    assert article.title == "Court fines rights group Vigil"
    assert article.author == "Jane Roe"
    assert article.published == date(2016, 3, 4)
    assert article.language == "en"
    assert article.url == "https://courier.example.org/2016/03/04/court-fines-vigil"  # canonical
    assert article.source == "https://courier.example.org/?p=123"


def test_text_keeps_paragraph_lines_and_drops_page_furniture() -> None:
    text = article_from_html(EN_PAGE.read_bytes()).text
    lines = text.splitlines()
    assert any(line.startswith("A district court in Northport fined") for line in lines)
    assert any(line.startswith("The Justice Ministry added Vigil") for line in lines)
    assert len(lines) >= 4
    for furniture in ("Most read", "Accept", "All rights reserved", "Advertise", "Sport"):
        assert furniture not in text


def test_russian_page_in_windows_1251_is_decoded_from_its_meta_charset() -> None:
    article = read_html_file(RU_PAGE)
    assert "внесённый Минюстом в реестр" in article.text
    assert article.title == "Фонд «Рассвет» прекратил работу"
    assert article.language == "ru"
    assert article.published == date(2015, 10, 30)
    assert article.source == str(RU_PAGE)


def test_decode_html_uses_utf8_then_the_declared_charset() -> None:
    data = RU_PAGE.read_bytes()
    assert decode_html(data)[1] == "cp1251"  # from the meta tag
    assert decode_html(data, charset="koi8-r")[1] == "koi8-r"  # an HTTP header outranks the meta tag
    assert decode_html(data, charset="no-such-codec")[1] == "cp1251"
    # Valid UTF-8 is UTF-8 even when labelled otherwise; latin-1 labels mean windows-1252 (WHATWG).
    assert decode_html("<p>Привет</p>".encode(), charset="iso-8859-1") == ("<p>Привет</p>", "utf-8")
    assert decode_html("<p>café “quoted”</p>".encode("cp1252"), charset="iso-8859-1")[1] == "cp1252"
    assert decode_html(b"\xef\xbb\xbf<p>x</p>") == ("<p>x</p>", "utf-8-sig")


def test_boilerplate_only_page_is_an_error_naming_the_source() -> None:
    with pytest.raises(SourceError) as caught:
        article_from_html(BOILERPLATE_PAGE.read_bytes(), url="https://x.example/", source="crawl/1.html")
    assert caught.value.reason == NO_TEXT_REASON
    assert caught.value.path == Path("crawl/1.html")


@pytest.mark.parametrize(
    "html",
    [
        page()[: len(page()) // 2 + 40],  # cut off mid-paragraph
        page()[:-30],  # cut off mid-tag
        page(BODY + "<div><p>Unclosed <b>bold <i>and <<<>>> </table></span>" + BODY.replace("</p>", "")),
        page(BODY + "<p>" * 500 + "</div>" * 300),
        "<p>" + BODY,  # no html, head or body at all
    ],
    ids=["truncated-text", "truncated-tag", "garbage-tags", "runaway-nesting", "fragment"],
)
def test_malformed_html_does_not_crash(html: str) -> None:
    try:
        article = article_from_html(html, url="https://x.example/a")
    except SourceError as exc:  # acceptable, but only with a reason
        assert exc.reason
        return
    assert "Justice Ministry" in article.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00", "binary data"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(0, 32)) * 4, "binary data"),
        (b"Just a plain text note, with no markup at all, about nothing in particular.", "not an HTML document"),
        (b'{"url": "https://x.example/a", "text": "a JSON object is not a page"}', "not an HTML document"),
        (b"   \n\t ", "empty page"),
        ("", "empty page"),
    ],
    ids=["png", "pdf", "plain-text", "json", "blank", "empty-str"],
)
def test_non_html_input_is_an_error(data: bytes | str, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        article_from_html(data, source="in.html")
    assert caught.value.reason.startswith(reason)


def test_stray_nul_bytes_in_a_real_page_are_tolerated() -> None:
    data = page().encode().replace(b"<p>The group", b"\x00<p>The group")
    assert "challenge the decision" in article_from_html(data).text


@pytest.mark.parametrize("published", ["2999-01-01", "1985-06-01"])
def test_implausible_dates_are_dropped(published: str) -> None:
    head = f'<meta property="article:published_time" content="{published}">'
    assert article_from_html(page(head=head)).published is None


def test_homepage_canonical_keeps_the_fetched_url() -> None:
    head = '<link rel="canonical" href="https://courier.example.org/">'
    article = article_from_html(page(head=head), url="https://courier.example.org/2016/03/vigil")
    assert article.url == "https://courier.example.org/2016/03/vigil"


def test_declared_language_contradicted_by_the_script_is_dropped() -> None:
    russian = "<p>Министерство юстиции внесло правозащитную группу в реестр иностранных агентов в понедельник.</p>"
    assert article_from_html(page(russian, lang="en")).language is None
    assert article_from_html(page(russian, lang="ru-RU")).language == "ru"
    assert article_from_html(page(lang="")).language is None


def test_unspaced_scripts_count_as_prose() -> None:
    chinese = "<p>益阳还引进各大电商等入驻村级便民服务点，构建互联网加农产品直销基地模式，为当地优质特产插上翅膀。</p>"
    assert "益阳" in article_from_html(page(chinese * 2, lang="zh")).text


def test_meta_file_overrides_url_and_date(tmp_path: Path) -> None:
    path = tmp_path / "vigil.html"
    path.write_bytes(EN_PAGE.read_bytes())
    (tmp_path / "vigil.meta.json").write_text(
        json.dumps({"url": "https://mirror.example/vigil", "published": "2016-03-05T08:00:00Z"})
    )
    article = read_html_file(path)
    assert article.url == "https://mirror.example/vigil"
    assert article.published == date(2016, 3, 5)
    assert article.author == "Jane Roe"


def test_broken_meta_file_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "vigil.html"
    path.write_bytes(EN_PAGE.read_bytes())
    (tmp_path / "vigil.meta.json").write_text("{not json")
    loaded = load_html_file(path)
    assert loaded.article.published == date(2016, 3, 4)
    assert loaded.meta_warning and "vigil.meta.json" in loaded.meta_warning
    assert loaded.encoding == "utf-8" and not loaded.decoded_from_legacy
    assert load_html_file(RU_PAGE).decoded_from_legacy


def test_unreadable_html_files(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_html_file(tmp_path / "missing.html")
    (tmp_path / "empty.html").write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read_html_file(tmp_path / "empty.html")


# ----------------------------------------------------------------------------------------------- jsonl


def write_lines(path: Path, lines: list[str | bytes]) -> Path:
    path.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n")
    return path


def test_jsonl_articles_from_text_and_html(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "batch.jsonl",
        [
            json.dumps({"url": "https://a.example/1", "title": "T1", "published": "2016-03-04", "text": "Body one."}),
            json.dumps({"url": "https://a.example/2", "published": "2016-03-05T10:00:00Z", "html": page()}),
            "",
            json.dumps({"text": "Текст.", "language": "ru", "author": "Иван Петров", "published": None}),
        ],
    )
    first, second, third = iter_jsonl_articles(path)
    assert first == Article(
        text="Body one.", published=date(2016, 3, 4), url="https://a.example/1", source=f"{path}:1", title="T1"
    )
    assert second.url == "https://a.example/2" and second.published == date(2016, 3, 5)
    assert "registry of foreign agents" in second.text and second.source == f"{path}:2"
    assert third.language == "ru" and third.author == "Иван Петров" and third.published is None


def test_bad_jsonl_lines_are_errors_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "batch.jsonl",
        [
            '{"url": "https://a.example/1", "text": "ok"',
            json.dumps({"url": "https://a.example/2", "title": "no body"}),
            json.dumps(["not", "an", "object"]),
            json.dumps({"text": "bad date", "published": "last Tuesday"}),
            json.dumps({"text": 42}),
            b'{"text": "caf\xe9"}',
            json.dumps({"html": page("<nav><a href='/'>Home</a></nav>")}),
            json.dumps({"text": "Still read."}),
        ],
    )
    items = list(iter_jsonl_articles(path))
    errors = [item for item in items if isinstance(item, SourceError)]
    assert [e.path for e in errors] == [path] * 7
    reasons = [e.reason for e in errors]
    assert reasons[0].startswith("line 1: invalid JSON")
    assert reasons[1] == "line 2: neither 'text' nor 'html' holds anything"
    assert reasons[2] == "line 3: expected a JSON object, got list"
    assert reasons[3] == "line 4: 'published' is not an ISO date: 'last Tuesday'"
    assert reasons[4] == "line 5: 'text' must be a string or null, not int"
    assert reasons[5].startswith("line 6: not UTF-8")
    assert reasons[6] == f"line 7: {NO_TEXT_REASON}"
    assert isinstance(items[-1], Article) and items[-1].text == "Still read."


def test_missing_jsonl_file_is_one_error(tmp_path: Path) -> None:
    (error,) = iter_jsonl_articles(tmp_path / "missing.jsonl")
    assert isinstance(error, SourceError) and "cannot read" in error.reason
