"""Ingesting: every kind of input read, screened, deduplicated, extracted and stored, one result per input.

The steps run cheapest first, so the expensive ones see only what needs them:

1. read (``civicwatch.sources``): files, folders, JSON lines, WARC archives, URLs, feeds, or the output
   folder of ``civicwatch spark extract`` (articles with their events, stored as they are);
2. screen (``civicwatch.clean.prefilter``, in ``InputOptions``): pages not about civic space come back
   "irrelevant" and are neither extracted nor stored;
3. deduplicate (``civicwatch.store.ingest.ArticleStore.lookup``): an article stored already (same URL or
   text) is a "duplicate", skipped before extraction; a copy of a stored story is stored without
   extraction;
4. extract (``civicwatch.extract``, through ``extract_article``: an extractor bug on one text, or a run
   past the per-article time cap, fails that input only, with reason "timeout" for the latter);
5. store (``ArticleStore.store``): the article with its headline and language, and its events, in one
   transaction.

An ``Ingest`` is one run into one database; ``ingest_inputs``, ``ingest_paths`` and ``ingest_results``
wrap it for the usual input kinds. ``extractor`` (an ``Article -> list[Event]`` function) replaces the
project's extractor: a job's own, or a test's. ``timeout`` caps each article's extraction in seconds
(``timecap.DEFAULT_TIMEOUT``; None or 0: no cap). A failed result's ``kind`` says why in a short label
(the reader's ``SourceError.kind``, "timeout", "extraction-failed"), for counts by reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.language import SUPPORTED, detect_language
from civicwatch.model import Article, Event
from civicwatch.pipeline import DEFAULT_TIMEOUT, Extractor, FileResult, expand_paths, extract_into, read_file
from civicwatch.sources.files import SourceError
from civicwatch.sources.inputs import InputOptions, Loaded, iter_inputs
from civicwatch.store.ingest import ArticleStore, IngestResult

__all__ = ["Ingest", "IngestResult", "guess_title", "ingest_inputs", "ingest_paths", "ingest_results"]

_TITLE_MAX_WORDS = 25
_TITLE_LOOKAHEAD = 6  # lines from the top where a headline may stand


class Ingest:
    """One ingest run into one database (it keeps the store's index of stored stories between inputs)."""

    def __init__(
        self, engine: Engine, extractor: Extractor | None = None, timeout: float | None = DEFAULT_TIMEOUT
    ) -> None:
        self.store = ArticleStore(engine)
        self.extractor = extractor
        self.timeout = timeout

    def loaded(self, loaded: Loaded) -> IngestResult:
        """One input from ``civicwatch.sources.inputs``: stored, skipped or failed, with the reason."""
        notes: dict[str, Any] = {"notice": loaded.notice, "warning": loaded.warning}
        if loaded.error:
            return IngestResult(loaded.origin, "failed", reason=loaded.error, kind=loaded.error_kind, **notes)
        if not loaded.relevant or loaded.article is None:
            return IngestResult(loaded.origin, "irrelevant", reason=loaded.why, **notes)
        known = self.store.lookup(loaded.origin, loaded.article, **notes)
        if known.duplicate is not None:
            return known.duplicate
        result = FileResult(loaded.origin, article=loaded.article, **notes)
        if known.copy:
            pass  # a copy of a stored story is stored without extracting its events
        elif loaded.events is not None:  # extracted already (a Spark job's output): stored as they are
            result.events = list(loaded.events)
        else:
            extract_into(result, self.extractor, self.timeout)
        return self.result(result)

    def result(self, result: FileResult) -> IngestResult:
        """Store an extracted article (a failed one is reported, not stored)."""
        notes: dict[str, Any] = {"notice": result.notice, "warning": result.warning}
        if result.error or result.article is None:
            reason, kind = result.error or "no article", result.error_kind or "no-article"
            return IngestResult(result.path, "failed", reason=reason, kind=kind, **notes)
        article = for_storing(result.article, result.events)
        return self.store.store(result.path, article, result.events, **notes)


def ingest_inputs(
    engine: Engine,
    inputs: Iterable[str | Path],
    options: InputOptions,
    extractor: Extractor | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Iterator[IngestResult]:
    """Extract and store every kind of input (files, folders, JSON lines, WARC archives, URLs, feeds).

    Pages the prefilter finds irrelevant come back with status "irrelevant" and are not stored;
    articles already stored (same URL or text) are skipped before extraction; copies of a stored
    story are stored without extraction.
    """
    run = Ingest(engine, extractor, timeout)
    for loaded in iter_inputs(inputs, options):
        yield run.loaded(loaded)


def ingest_paths(
    engine: Engine,
    paths: Iterable[Path],
    published: date | None = None,
    url: str | None = None,
    extractor: Extractor | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Iterator[IngestResult]:
    """Extract and store text files and folders (as ``civicwatch extract`` reads them), one result each.

    Articles already stored are recognised before extraction and skipped.
    """
    run = Ingest(engine, extractor, timeout)
    for item in expand_paths(paths):
        if isinstance(item, SourceError):
            yield IngestResult(item.path, "failed", reason=item.reason, kind=item.kind)
            continue
        result = read_file(item, published=published, url=url)
        if result.article is None:
            yield IngestResult(item, "failed", reason=result.error, kind=result.error_kind)
            continue
        known = run.store.lookup(item, result.article)
        if known.duplicate is not None:
            yield known.duplicate
            continue
        if not known.copy:  # a copy of a stored story: stored without extracting its events
            extract_into(result, extractor, timeout)
        yield run.result(result)


def ingest_results(engine: Engine, results: Iterable[FileResult]) -> Iterator[IngestResult]:
    """Store results of ``civicwatch.pipeline.process_paths`` (or any other source of FileResults)."""
    run = Ingest(engine)
    for result in results:
        yield run.result(result)


# ------------------------------------------------------------------------------ what the store is given


def for_storing(article: Article, events: list[Event]) -> Article:
    """The article as it is stored: its language (given, else the extractor's, else detected) and headline
    (the page's own title when its reader found one: <title>, og:title; else the text's first short line)."""
    language = article.language or language_of(article.text, events)
    return replace(article, language=language, title=article.title or guess_title(article.text, language))


def language_of(text: str, events: list[Event]) -> str | None:
    """The language the extractor read the text in, else the detected one."""
    for event in events:
        if event.extra.get("language"):
            return str(event.extra["language"])
    return detect_language(text)


def guess_title(text: str, language: str | None) -> str | None:
    """The headline: the first short line without a full stop near the top, page furniture skipped."""
    lines = mark_lines(text[:4000], language if language in SUPPORTED else "en")
    for line in lines[:_TITLE_LOOKAHEAD]:
        words = line.text.split()
        if line.boilerplate or not 3 <= len(words) <= _TITLE_MAX_WORDS or line.text[-1] in ".!?:;,":
            continue
        if sum(ch.isalpha() for ch in line.text) < len(line.text) / 2:
            continue  # a date or a time stamp
        return line.text
    return None
