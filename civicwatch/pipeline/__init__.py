"""The pipeline: read, screen, extract and store, one document at a time, for the CLI and the Spark jobs.

Nothing here prints: each input becomes a ``FileResult`` (``ingest``: an ``IngestResult``) that says what
was read, what was found and what went wrong, and the caller decides how to show it. One bad document
never stops a batch.

* this module: text files read and extracted (``civicwatch extract``); ``extract_article`` is the one
  guarded call of the extractor (the CLI, ``ingest`` and the Spark executors all extract through it):
  an exception, or a run past the per-article time cap (``timecap``, default 10 s), fails that article;
* ``ingest``: every kind of input read, screened, deduplicated, extracted and stored in the database
  (``civicwatch ingest``, ``civicwatch watch``). The store only persists what it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civicwatch.extract import extract
from civicwatch.extract import extract as _project_extract
from civicwatch.model import Article, Event
from civicwatch.pipeline.timecap import DEFAULT_TIMEOUT, TimedOut, call_with_cap
from civicwatch.sources.files import SourceError, load_article, one_line, text_files_in


@dataclass
class FileResult:
    """The outcome for one input path."""

    path: Path | str  # a file path, or where else the article came from (an archive record, a URL)
    article: Article | None = None
    events: list[Event] = field(default_factory=list)
    error: str | None = None  # why the file failed (reason only, without the path)
    error_kind: str | None = None  # a short label of the reason ("timeout", "no-text"), for counts by reason
    notice: str | None = None  # e.g. the legacy encoding the text was decoded from
    warning: str | None = None  # e.g. a meta file that was ignored ("PATH: reason")

    @property
    def ok(self) -> bool:
        return self.error is None


Extractor = Callable[[Article], list[Event]]


def process_article(article: Article) -> list[Event]:
    """Extract the events of one article."""
    return extract(article.text, published=article.published, url=article.url, language=article.language)


@dataclass(frozen=True)
class ExtractionFailure:
    """Why an article's extraction failed: ``reason`` on one line, ``kind`` "timeout" or "extraction-failed"."""

    reason: str
    kind: str

    def __str__(self) -> str:
        return self.reason


def extract_article(
    article: Article, extractor: Extractor | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> tuple[list[Event], ExtractionFailure | None]:
    """The events of one article, or no events and why extraction failed: an extractor bug on one
    text, or a run past ``timeout`` seconds (None or 0: no cap), must not end a batch (the CLI,
    ``ingest`` and the Spark executors all extract through here). ``extractor``: what to run instead
    of ``process_article`` (a job's own, or a test's)."""
    run = extractor or process_article
    if extractor is None and timeout:
        _load_models(article)
    try:
        return call_with_cap(lambda: run(article), timeout), None
    except TimedOut as exc:
        return [], ExtractionFailure(f"timeout (extraction ran {exc}; see --timeout)", "timeout")
    except Exception as exc:
        return [], ExtractionFailure(one_line(f"extraction failed: {type(exc).__name__}: {exc}"), "extraction-failed")


def _load_models(article: Article) -> None:
    """Load the extractor of the article's language before the cap's clock starts: the first article of each
    language would otherwise pay the model load (seconds, more on a busy machine) and time out."""
    if extract is not _project_extract:  # replaced (a test's fake extractor): nothing to load
        return
    from civicwatch.extract.extractor import get_extractor
    from civicwatch.extract.language import SUPPORTED, detect_language

    try:
        language = article.language or detect_language(article.text) or "en"
        if language in SUPPORTED:
            get_extractor(language)
    except Exception:  # the capped call meets the same error and reports it as the article's failure
        return


def extract_into(
    result: FileResult, extractor: Extractor | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> None:
    """Extract ``result.article``'s events into ``result``, or its failure into ``error`` and ``error_kind``."""
    assert result.article is not None
    result.events, failure = extract_article(result.article, extractor, timeout)
    if failure is not None:
        result.error, result.error_kind = failure.reason, failure.kind


def read_file(
    path: Path, published: date | None = None, url: str | None = None, language: str | None = None
) -> FileResult:
    """Read one text file (no extraction yet); failures are returned in ``error``, never raised."""
    try:
        loaded = load_article(path, published=published, url=url)
    except SourceError as exc:
        return FileResult(path=path, error=exc.reason, error_kind=exc.kind)
    if language:
        loaded.article.language = language
    result = FileResult(path=path, article=loaded.article, warning=loaded.meta_warning)
    if loaded.decoded_from_legacy:
        result.notice = f"not UTF-8, decoded as {loaded.encoding}"
    return result


def process_file(
    path: Path,
    published: date | None = None,
    url: str | None = None,
    language: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> FileResult:
    """Read and extract one text file; failures are returned in ``error``, never raised."""
    result = read_file(path, published=published, url=url, language=language)
    if result.article is not None:
        extract_into(result, timeout=timeout)
    return result


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | SourceError]:
    """Each text file the paths stand for, or the SourceError of a path that stands for none."""
    for path in paths:
        try:
            yield from text_files_in(Path(path))
        except SourceError as exc:
            yield exc


def count_files(paths: Iterable[Path]) -> int:
    """How many results ``process_paths`` will yield (for progress bars)."""
    return sum(1 for _ in expand_paths(paths))


def process_paths(
    paths: Iterable[Path],
    published: date | None = None,
    url: str | None = None,
    language: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Iterator[FileResult]:
    """Process files and folders (their *.txt files), one FileResult per file, in order.

    ``timeout``: seconds of extraction per article before it fails with reason "timeout" (None or 0: no cap).
    """
    for item in expand_paths(paths):
        if isinstance(item, SourceError):
            yield FileResult(path=item.path, error=item.reason, error_kind=item.kind)
        else:
            yield process_file(item, published=published, url=url, language=language, timeout=timeout)
