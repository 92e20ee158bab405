"""Control and bidirectional characters never reach the store, whatever the input path.

Every reader is fed text holding a NUL, an escape sequence, a bell, C1 controls, a right-to-left override
and isolate, and Windows and old-Mac line ends: text files (and their meta file), HTML files, JSON lines
(text and html), WARC records, a Spark output read back, and an analyst's edits and notes. What is read
(and, through ``civicwatch ingest``, what is stored) holds none of them, and the words around them stay.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import fake_extract
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_warc import http, record, write
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.core.text import strip_controls
from civicwatch.model import Article
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.sources.extracted import article_from_row, event_from_row
from civicwatch.sources.inputs import InputOptions, iter_inputs
from civicwatch.store import connect
from civicwatch.store.models import Article as ArticleRow
from civicwatch.store.models import AuditLogEntry, Event
from civicwatch.store.review import edit_event, review_event

BAD = "\x00\x07\x1b\x7f\x80\x9b\u202e\u202a\u2066\u2069\u202c"  # NUL BEL ESC DEL C1 RLO LRE LRI PDI PDF
FILE_BAD = BAD.replace("\x00", "")  # a text, HTML or WARC file with a NUL byte is a binary file, refused whole
FORBIDDEN = set(BAD) | {"\r", "\x0b", "\x0c", "\x85"}
runner = CliRunner()


def hostile(words: str, bad: str = FILE_BAD) -> str:
    """``words`` with every kind of control character between them."""
    return words.replace(" ", f" {bad}", 1) + "\r\nSecond line.\rThird line.\x0bFourth line."


PROSE = (
    "The city court in Samara fined the independent newspaper Volga Voice two hundred thousand roubles on "
    "Monday for an article about the regional governor, its editor said. The paper will appeal the ruling."
)


def clean(text: str | None) -> bool:
    return text is None or not FORBIDDEN & set(text)


def read_one(path: Path) -> Article:
    loaded = list(iter_inputs([path], InputOptions()))
    assert len(loaded) == 1 and loaded[0].article is not None, [item.error for item in loaded]
    return loaded[0].article


def test_strip_controls_keeps_words_lines_and_marks() -> None:
    assert strip_controls("a\x00b\x1b[1mc\u202ed\r\ne\rf\x0bg\x85h\ti\u200fj") == "ab[1mcd\ne\nf\ng\nh\ti\u200fj"
    plain = "Обычный текст\nwith tabs\t."
    assert strip_controls(plain) is plain  # nothing to strip: no copy


def test_text_file_and_its_meta_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(hostile(PROSE), encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"url": f"https://example.org/{FILE_BAD}a"}), encoding="utf-8")
    article = read_one(path)
    assert clean(article.text) and clean(article.url)
    assert article.text.startswith("The city court") and "\nSecond line.\nThird line.\nFourth line." in article.text
    assert article.url == "https://example.org/a"


def test_html_file(tmp_path: Path) -> None:
    head = f"<head><title>Fine{FILE_BAD} for a paper</title></head>"
    page = f"<html>{head}<body><article><h1>Fine{FILE_BAD}</h1><p>{hostile(PROSE)}</p></article></body></html>"
    path = tmp_path / "a.html"
    path.write_text(page, encoding="utf-8")
    article = read_one(path)
    assert clean(article.text) and clean(article.title)
    assert "city court" in article.text and "Fine" in (article.title or "")


def test_json_lines_text_html_and_fields(tmp_path: Path) -> None:
    lines = [
        {
            "url": "https://example.org/1",
            "title": f"Fine{BAD}",
            "author": f"A. {BAD}Writer",
            "text": hostile(PROSE, BAD),
        },
        {
            "url": f"https://example.org/{BAD}2",
            "html": f"<html><body><article><p>{hostile(PROSE)}</p></article></body></html>",
        },
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    loaded = list(iter_inputs([path], InputOptions()))
    articles = [item.article for item in loaded]
    assert len(articles) == 2 and all(a is not None for a in articles), [item.error for item in loaded]
    for article in articles:
        assert article is not None and clean(article.text) and clean(article.title) and clean(article.author)
        assert clean(article.url) and "city court" in article.text
    assert articles[0] is not None and articles[0].author == "A. Writer"


def test_warc_record(tmp_path: Path) -> None:
    page = f"<html><body><article><h1>Fine{FILE_BAD}</h1><p>{hostile(PROSE)}</p></article></body></html>"
    path = write(tmp_path / "crawl.warc.gz", [record("https://example.org/w", http(page.encode()), number=1)])
    article = read_one(path)
    assert clean(article.text) and clean(article.title) and "city court" in article.text


def test_spark_output_read_back() -> None:
    article = article_from_row({"text": hostile(PROSE, BAD), "title": f"T{BAD}", "url": f"https://x.org/{BAD}"})
    assert clean(article.text) and clean(article.title) and clean(article.url)
    event = event_from_row(
        {
            "type": "sanction",
            "subtype": "fine",
            "status": "occurred",
            "targets": [f"Volga{BAD} Voice"],
            "evidence": f"fined{BAD}",
            "actor": f"court{BAD}",
            "location": f"Samara{BAD}",
        }
    )
    assert event.targets == ["Volga Voice"] and event.actor == "court" and event.location == "Samara"
    assert event.evidence == "fined"


def test_ingest_stores_none_of_them(tmp_path: Path, db_url: str, fake_extractor: None) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(hostile(PROSE), encoding="utf-8")
    (news / "b.jsonl").write_text(
        json.dumps({"url": "https://example.org/b", "title": f"B{FILE_BAD}", "text": hostile(PROSE + " Again.")})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(news), "--db", db_url, "--no-prefilter"])
    assert result.exit_code == 0, result.output
    engine = connect(db_url)
    with Session(engine) as session:
        articles = session.scalars(select(ArticleRow)).all()
        events = session.scalars(select(Event)).all()
    engine.dispose()
    assert len(articles) == 2 and events
    for row in articles:
        assert clean(row.text) and clean(row.title) and clean(row.url), row.id
    for row in events:
        assert all(clean(t) for t in row.targets) and clean(row.evidence), row.id


def test_an_analysts_edit_and_note(store_engine) -> None:
    text = "The court fined the Volga Voice newspaper on Monday."
    article = Article(text=text, url="https://example.org/e", published=date(2024, 5, 6), source="e.txt")
    [stored] = list(ingest_results(store_engine, [FileResult(Path("e.txt"), article, fake_extract(text))]))
    assert stored.status == "stored", stored.reason
    with Session(store_engine) as session:
        event_id = session.scalars(select(Event.id)).first()
        assert event_id is not None
        edit_event(session, event_id, None, {"actor": f"City{BAD} court", "targets": [f"Volga{BAD} Voice"]}, note=BAD)
        review_event(session, event_id, None, "confirm", note=f"checked{BAD} twice")
        session.commit()
        event = session.get(Event, event_id)
        assert event is not None and event.actor == "City court" and event.targets == ["Volga Voice"]
        notes = [row.note for row in session.scalars(select(AuditLogEntry))]
    assert "checked twice" in notes and all(clean(note) for note in notes)
