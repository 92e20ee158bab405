"""Every kind of input, one stream of articles: text and HTML files, JSON lines, WARC archives,
article URLs and RSS/Atom feeds.

Pages pass the relevance prefilter on cheaply extracted text before the expensive main-text
extraction (trafilatura) and long before the NLP: most pages of a feed or an archive are not about
civic space. Nothing here raises for one bad input: each yields a ``Loaded`` with its reason and
``error_kind``, a short label of the reason ("invalid-json", "no-text", "reader-failed") to count
failures by.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civicwatch.clean.prefilter import Prefilter
from civicwatch.model import Article, Event
from civicwatch.sources import extracted
from civicwatch.sources.feeds import parse_feed
from civicwatch.sources.fetch import Fetcher, FetchError, FetchResult
from civicwatch.sources.files import SourceError, failure, load_article
from civicwatch.sources.html import HTML_SUFFIXES, article_from_html, load_html_file
from civicwatch.sources.jsonl import iter_jsonl_articles
from civicwatch.sources.warc import WARC_SUFFIXES, WarcStats, iter_warc_pages

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")


@dataclass
class Loaded:
    """One input turned into an article, or the reason it was not."""

    origin: str  # a file path, FILE@OFFSET inside an archive, FILE:LINE, or a URL
    article: Article | None = None
    error: str | None = None  # why it could not be read
    error_kind: str | None = None  # a short label of the reason (SourceError.kind), for counts by reason
    relevant: bool = True  # the prefilter's verdict; irrelevant pages are not extracted
    why: str | None = None  # the prefilter's reason
    notice: str | None = None
    warning: str | None = None
    record_id: str | None = None  # the WARC-Record-ID of an archived page
    events: list[Event] | None = None  # events extracted already (a Spark job's output); None: extract them


@dataclass
class InputOptions:
    published: date | None = None
    url: str | None = None
    language: str | None = None
    prefilter: Prefilter | None = None  # None: every page goes to extraction
    fetcher: Fetcher | None = None  # needed for URLs and feeds


@dataclass
class InputStats:
    seen: int = 0
    relevant: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # reason kind -> count

    def count(self, loaded: Loaded) -> None:
        self.seen += 1
        if loaded.error:
            kind = loaded.error_kind or loaded.error.split(" (")[0].split(":")[0].strip()
            self.failed[kind] = self.failed.get(kind, 0) + 1
        elif loaded.relevant:
            self.relevant += 1


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def iter_inputs(inputs: Iterable[str | Path], options: InputOptions) -> Iterator[Loaded]:
    """Each article the inputs hold, in order: folders are read one level deep."""
    for raw in inputs:
        value = str(raw)
        if is_url(value):
            yield from _guarded(value, _from_url(value, options))
            continue
        path = Path(value)
        if path.is_dir() and is_spark_output(path):
            yield from _guarded(value, iter_spark_output(path))
        elif path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and _kind(p) is not None)
            if not files:
                yield Loaded(
                    str(path), error="no .txt, .html, .jsonl or .warc files in this folder", error_kind="no-input"
                )
            for file in files:
                yield from _guarded(str(file), _from_file(file, options))
        else:
            yield from _guarded(value, _from_file(path, options))


def failed(error: SourceError, origin: str | None = None) -> Loaded:
    """The ``Loaded`` that reports a reader's error."""
    return Loaded(origin or error.source, error=error.reason, error_kind=error.kind)


def _guarded(origin: str, items: Iterator[Loaded]) -> Iterator[Loaded]:
    """The last line of defence: a reader bug ends that one input with an error, never the batch."""
    try:
        yield from items
    except Exception as exc:
        yield failed(failure(origin, exc))


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for kind, suffixes in (("warc", WARC_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES)):
        if name.endswith(tuple(suffixes)):
            return kind
    return "text" if name.endswith(TEXT_SUFFIXES) else None


def _from_file(path: Path, options: InputOptions) -> Iterator[Loaded]:
    if not path.exists():
        yield Loaded(str(path), error="no such file", error_kind="no-such-file")
        return
    kind = _kind(path) or "text"
    if kind == "warc":
        yield from iter_warc_inputs(path, options)
    elif kind == "jsonl":
        for item in iter_jsonl_articles(path):
            if isinstance(item, SourceError):
                yield failed(item)
            else:
                yield _screened(item.source or str(path), item, options)
    else:
        yield _from_single_file(path, kind, options)


def iter_warc_inputs(path: Path, options: InputOptions, stats: WarcStats | None = None) -> Iterator[Loaded]:
    """Each page of a web archive, screened and (when relevant) turned into an article; damage as errors.

    The one per-page path for archives: ``ingest`` and the Spark executors both read WARCs through it.
    """
    for page in iter_warc_pages(path, stats):
        if isinstance(page, SourceError):
            yield failed(page)
        else:
            loaded = _from_page(page.html, page.url, page.charset, page.source, options)
            loaded.record_id = page.record_id
            yield loaded


def is_spark_output(path: Path) -> bool:
    """Whether a folder is the output of ``civicwatch spark extract`` (articles and events extracted)."""
    return extracted.is_output_dir(path)


def iter_spark_output(path: Path) -> Iterator[Loaded]:
    """The articles of a ``civicwatch spark extract`` output folder, each with its events (not extracted again)."""
    for article, events, origin in extracted.iter_articles(path):
        yield Loaded(origin, article, events=events)


def _from_single_file(path: Path, kind: str, options: InputOptions) -> Loaded:
    try:
        if kind == "html":
            loaded = load_html_file(path)
        else:
            loaded = load_article(path, published=options.published, url=options.url)
    except SourceError as exc:
        return failed(exc, str(path))
    article = loaded.article
    if kind == "html":
        article.published = options.published or article.published
        article.url = options.url or article.url
    result = _screened(str(path), article, options)
    result.warning = loaded.meta_warning
    if loaded.decoded_from_legacy:
        result.notice = f"not UTF-8, decoded as {loaded.encoding}"
    return result


def _from_page(html: bytes, url: str | None, charset: str | None, origin: str, options: InputOptions) -> Loaded:
    """A web page: screened on cheap text first, main text extracted only when relevant."""
    try:
        if options.prefilter is not None:
            decision = options.prefilter.score_html(html, charset)
            if not decision.passed:
                return Loaded(origin, relevant=False, why=decision.reason)
        article = article_from_html(html, url=url, source=origin, charset=charset)
    except SourceError as exc:
        return failed(exc, origin)
    except Exception as exc:  # the prefilter's failure on one page costs that page
        return failed(failure(origin, exc), origin)
    return _with_options(Loaded(origin, article), options)


def _screened(origin: str, article: Article, options: InputOptions) -> Loaded:
    if options.prefilter is not None:
        try:
            decision = options.prefilter.score(article.text)
        except Exception as exc:  # the prefilter's failure on one text costs that text
            return failed(failure(origin, exc), origin)
        if not decision.passed:
            return Loaded(origin, relevant=False, why=decision.reason)
    return _with_options(Loaded(origin, article), options)


def _with_options(loaded: Loaded, options: InputOptions) -> Loaded:
    if loaded.article is not None and options.language:
        loaded.article.language = options.language
    return loaded


def _from_url(url: str, options: InputOptions) -> Iterator[Loaded]:
    """An article page, or a feed whose items' links are fetched in turn."""
    if options.fetcher is None:
        yield Loaded(url, error="fetching URLs needs a fetcher", error_kind="no-fetcher")
        return
    try:
        response = options.fetcher.fetch(url)
    except FetchError as exc:
        yield failed(exc, url)
        return
    if _looks_like_feed(response):
        try:
            items = parse_feed(response.body, response.final_url, response.content_type)
        except SourceError as exc:
            yield failed(exc, url)
            return
        for item in items:
            if item.error:
                yield Loaded(url, error=item.error, error_kind="bad-feed-item")
            elif item.link:
                yield from _from_url(item.link, options)
        return
    yield _from_response(response, options)


def fetch_article(url: str, options: InputOptions) -> Loaded:
    """One article URL (no feed detection): used for a feed's items."""
    if options.fetcher is None:
        return Loaded(url, error="fetching URLs needs a fetcher", error_kind="no-fetcher")
    try:
        return _from_response(options.fetcher.fetch(url, require_html=True), options)
    except FetchError as exc:
        return failed(exc, url)


def _from_response(response: FetchResult, options: InputOptions) -> Loaded:
    if "html" not in response.content_type:
        reason = f"not-html ({response.content_type or 'no content type'})"
        return Loaded(response.url, error=reason, error_kind="not-html")
    return _from_page(response.body, response.final_url, response.charset, response.url, options)


def _looks_like_feed(response: FetchResult) -> bool:
    if response.content_type in _FEED_TYPES:
        return True
    head = response.body[:512].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)
