"""Fuzzing every reader: nothing a page, a line or a register file holds may raise out of it or hang it.

Each test is one reader, fed mutations of real files from ../shared and of synthetic documents
(``fuzz_support``). The contract checked is the one the batch commands rely on: the reader returns its
records, and every bad record, row or file comes back as one error value with a one-line reason; only
the documented whole-file error may be raised. ``make test`` runs a few cases per reader;
``make fuzz`` runs 10,000 per reader (see the Makefile). Every input that ever broke a reader is kept in
tests/data/fuzz/ and replayed by ``test_the_regression_corpus``.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path

import pytest
from fuzz_support import (
    CORPUS,
    TOKENS,
    csv_slices,
    eval_texts,
    html_pages,
    json_slices,
    mutated,
    time_limit,
    warc_members,
    xlsx_seeds,
)
from hypothesis import given
from hypothesis import strategies as st

from civicwatch.model import Article
from civicwatch.registries import RegistryFormatError, RegistrySnapshot, read_registry_bytes
from civicwatch.registries.fara import natural_order, principal_is_person, registrant_is_person
from civicwatch.registries.names import split_organisation, split_person
from civicwatch.sources.feeds import FeedItem, parse_feed
from civicwatch.sources.fetch import FetchError
from civicwatch.sources.files import SourceError, load_article
from civicwatch.sources.html import article_from_html
from civicwatch.sources.jsonl import iter_jsonl_articles
from civicwatch.sources.warc import WarcPage, WarcStats, article_from_page, iter_warc_pages

# A planted pension number or birth date, as ``privacy`` defines them: eleven digits that are not part of a
# longer number, nor of a URL or an ASCII identifier ("/profile/77788899903" and "id77788899903" are kept).
CANARY = re.compile(
    r"(?<!\d)777-888-999 02(?!\d)|(?<![\dA-Za-z/=#@&?%+._])77788899903(?!\d)|дата рождения 14\.08\.1912"
)
CHARSETS = st.sampled_from([None, "utf-8", "cp1251", "koi8-r", "latin-1", "rot13", "idna", "utf-16", "bogus", ""])


def one_line_error(error: SourceError) -> None:
    assert error.reason and "\n" not in error.reason and error.kind and error.source


def read_file(tmp_path_factory, data: bytes, suffix: str) -> Path:
    path = tmp_path_factory.mktemp("case") / f"input{suffix}"
    path.write_bytes(data)
    return path


# --- articles ------------------------------------------------------------------------------------


@given(data=mutated(eval_texts()))
def test_fuzz_text_files(tmp_path_factory, data: bytes) -> None:
    path = read_file(tmp_path_factory, data, ".txt")
    with time_limit():
        try:
            loaded = load_article(path)
        except SourceError as error:
            one_line_error(error)
            return
    assert isinstance(loaded.article, Article) and loaded.article.text.strip()


@given(data=mutated(html_pages()), charset=CHARSETS)
def test_fuzz_html_pages(data: bytes, charset: str | None) -> None:
    with time_limit():
        try:
            article = article_from_html(data, url="https://example.org/a", charset=charset)
        except SourceError as error:
            one_line_error(error)
            return
    assert isinstance(article, Article) and article.text.strip()


@given(data=mutated(warc_members()) | mutated([b"".join(warc_members()[:3])], max_ops=4))
def test_fuzz_warc_archives(tmp_path_factory, data: bytes) -> None:
    path = read_file(tmp_path_factory, data, ".warc.gz")
    stats = WarcStats()
    with time_limit():
        items = list(itertools.islice(iter_warc_pages(path, stats), 50))
        for item in items:
            if isinstance(item, SourceError):
                one_line_error(item)
            else:
                assert isinstance(item, WarcPage)
                try:
                    article_from_page(item)
                except SourceError as error:
                    one_line_error(error)
    assert len(stats.failed) == sum(isinstance(item, SourceError) for item in items)


def _jsonl_lines() -> list[bytes]:
    import json

    lines = []
    for n, text in enumerate(eval_texts()):
        record = {"url": f"https://example.org/{n}", "published": "2024-05-01", "text": text.decode("utf-8", "replace")}
        lines.append(json.dumps(record, ensure_ascii=n % 2 == 0).encode())
    for page in html_pages()[:3]:
        lines.append(json.dumps({"url": "https://example.org/p", "html": page.decode("utf-8", "replace")}).encode())
    return lines


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@given(
    lines=st.lists(
        mutated(_jsonl_lines())
        | JSON_VALUES.map(lambda v: __import__("json").dumps(v).encode())
        | st.fixed_dictionaries(
            {"text": st.one_of(st.text(), JSON_VALUES), "published": st.one_of(st.text(max_size=30), JSON_VALUES)}
        ).map(lambda v: __import__("json").dumps(v).encode())
        | st.sampled_from(TOKENS),
        min_size=1,
        max_size=6,
    )
)
def test_fuzz_jsonl(tmp_path_factory, lines: list[bytes]) -> None:
    path = read_file(tmp_path_factory, b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n", ".jsonl")
    with time_limit():
        items = list(iter_jsonl_articles(path))
    expected = sum(1 for line in path.read_bytes().split(b"\n") if line.strip())
    assert len(items) == expected  # one article or one error per line: nothing lost, nothing stops the file
    for item in items:
        if isinstance(item, SourceError):
            one_line_error(item)
            assert item.position and item.position.startswith("line ")
        else:
            assert isinstance(item, Article) and item.text


FEEDS = [
    b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>
<item><title>One</title><link>https://example.org/1</link><guid>1</guid>
<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/2</link><description>&lt;p&gt;x&lt;/p&gt;</description></item></channel></rss>""",
    b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>E</title><link href="https://example.org/e"/><id>tag:e</id><updated>2024-05-06T10:00:00Z</updated></entry>
</feed>""",
    b"""<?xml version="1.0" encoding="windows-1251"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://example.org/r"><title>R</title>
<link>https://example.org/r</link></item></rdf:RDF>""",
]


@given(data=mutated(FEEDS, max_ops=8), content_type=st.sampled_from([None, "application/rss+xml", "text/html", "x/y"]))
def test_fuzz_feeds(data: bytes, content_type: str | None) -> None:
    with time_limit():
        try:
            items = parse_feed(data, "https://example.org/feed", content_type)
        except FetchError as error:
            one_line_error(error)
            return
    for item in items:
        assert isinstance(item, FeedItem)
        assert item.link is None or item.link.startswith(("http://", "https://"))


# --- registers -----------------------------------------------------------------------------------


def read_register(data: bytes, name: str, kind: str) -> RegistrySnapshot | None:
    """The snapshot, or None for a file refused as a whole (RegistryFormatError, the one documented error)."""
    with time_limit():
        try:
            snapshot = read_registry_bytes(data, name, kind)
        except RegistryFormatError as error:
            assert str(error) and "\n" not in str(error).strip()
            return None
    ids = [entry.entry_id for entry in snapshot.entries]
    assert len(ids) == len(set(ids))
    for problem in snapshot.problems + snapshot.warnings:
        assert problem.line >= 1 and problem.reason
    for entry in snapshot.entries:  # a canary planted by a mutation never survives
        text = repr(entry)
        assert not CANARY.search(text), text
    return snapshot


def _xlsx_xml_mutations(seeds: list[bytes]):
    """Mutate the sheet XML inside a well-formed zip, so the XML reader (not the zip CRC) meets the damage."""

    @st.composite
    def build(draw) -> bytes:
        seed = draw(st.sampled_from(seeds))
        target = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"]))
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(seed)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == target:
                    content = draw(mutated([content], max_ops=4))
                sink.writestr(info.filename, content)
        return out.getvalue()

    return build()


XLSX_INPUTS = mutated(xlsx_seeds(), max_ops=3) | _xlsx_xml_mutations(xlsx_seeds()) if xlsx_seeds() else st.just(b"")
REGISTERS = {
    "minjust-xlsx": ("ru-foreign-agents", None),
    "camelot-csv": ("ru-foreign-agents", csv_slices("ru_minjust_foreign_agents_2022-12-01_camelot.csv")),
    "fz255-agents-json": ("ru-foreign-agents", json_slices("ru_minjust_foreign_agents_fz255_2024-10-01.json")),
    "fz255-undesirable-json": ("ru-undesirable", json_slices("ru_undesirable_orgs_fz255_2024-09-05.json")),
    "chekazoid-json": ("ru-undesirable", json_slices("ru_undesirable_orgs_chekazoid_2026-07-29.json")),
    "fara-registrants-csv": ("us-fara-registrants", csv_slices("us_fara_All_Registrants_2025-04-09.csv")),
    "fara-principals-csv": (
        "us-fara-principals",
        csv_slices("us_fara_All_ForeignPrincipals_2025-04-10_first6000lines.csv"),
    ),
    "fara-browse-csv": ("us-fara-principals", csv_slices("us_fara_browse_Active_Foreign_Principals_2025-04-11.csv")),
}


@given(data=XLSX_INPUTS)
def test_fuzz_register_minjust_xlsx(data: bytes) -> None:
    read_register(data, "ru_minjust_foreign_agents_2025-08-15.xlsx", "ru-foreign-agents")


def _register_test(name: str):
    kind, seeds = REGISTERS[name]

    @pytest.mark.skipif(not seeds, reason="register files not found in ../shared")
    @given(data=mutated(seeds or [b""], max_ops=8))
    def test(data: bytes) -> None:
        read_register(data, f"{name}_2024-01-01", kind)

    test.__name__ = f"test_fuzz_register_{name.replace('-', '_')}"
    return test


test_fuzz_register_camelot_csv = _register_test("camelot-csv")
test_fuzz_register_fz255_agents_json = _register_test("fz255-agents-json")
test_fuzz_register_fz255_undesirable_json = _register_test("fz255-undesirable-json")
test_fuzz_register_chekazoid_json = _register_test("chekazoid-json")
test_fuzz_register_fara_registrants_csv = _register_test("fara-registrants-csv")
test_fuzz_register_fara_principals_csv = _register_test("fara-principals-csv")
test_fuzz_register_fara_browse_csv = _register_test("fara-browse-csv")

NAME_ALPHABET = st.sampled_from(
    list("аБвГ ЁёaZ,;.-–()«»\"“”„'1209/&") + ["ООО ", "США", "Inc.", ", Jr.", "псевдоним - "]
)


@given(name=st.lists(NAME_ALPHABET, max_size=400).map("".join) | st.text(max_size=300))
def test_fuzz_register_names(name: str) -> None:
    with time_limit(5):
        for parse in (split_person, split_organisation):
            split = parse(name)
            assert isinstance(split.name, str) and all(isinstance(other, str) for other in split.other_names)
        assert registrant_is_person(name) in (True, False, None)
        assert principal_is_person(name) in (True, False, None)
        assert natural_order(name) is None or isinstance(natural_order(name), str)


# --- the regression corpus -----------------------------------------------------------------------

CORPUS_FILES = sorted(path for path in CORPUS.rglob("*") if path.is_file() and path.parent != CORPUS)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_regression_corpus(path: Path) -> None:
    """Every input that ever broke a reader, replayed through that reader (the folder names it)."""
    reader, data = path.parent.name, path.read_bytes()
    with time_limit():
        if reader == "text":
            try:
                load_article(path)
            except SourceError as error:
                one_line_error(error)
        elif reader == "html":
            try:
                article_from_html(data, charset=path.stem.split("charset-")[-1] if "charset-" in path.stem else None)
            except SourceError as error:
                one_line_error(error)
        elif reader == "jsonl":
            items = list(iter_jsonl_articles(path))
            assert len(items) == sum(1 for line in data.split(b"\n") if line.strip())
            assert any(isinstance(item, Article) for item in items)  # the good line after the bad ones is read
        elif reader == "warc":
            for item in iter_warc_pages(path):
                assert isinstance(item, WarcPage | SourceError)
        elif reader == "feeds":
            try:
                parse_feed(data, "https://example.org/feed")
            except FetchError as error:
                one_line_error(error)
        elif reader == "names":
            text = data.decode("utf-8")
            split_person(text), split_organisation(text), registrant_is_person(text), natural_order(text)
        else:  # registers/<kind>--<name>
            kind = path.name.split("--")[0]
            read_register(data, path.name, kind)
