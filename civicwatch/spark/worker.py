"""What runs on the executors: WARC files in, rows of articles, events, errors and counts out.

Each page goes through the single-machine path itself (``iter_warc_inputs``: WARC record ->
prefilter on cheap text -> main text; then ``extract_article``), so the Spark job and ``civicwatch
ingest`` cannot drift apart. The NLP models and the prefilter automaton are loaded once per
executor: ``daemon.py`` loads them (module globals) before it forks the Python workers. Under
Spark's own daemon each worker loads them on its first task, and keeps them for the next ones
(Spark reuses its Python workers); never per record or per partition.

Rows are ``(kind, values)``: kind "article", "event", "error" (values in the order of the schemas
in ``output.py``) or "stats" (one per partition, a ``PartitionStats`` as a tuple).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path

from civicwatch.clean.prefilter import Prefilter
from civicwatch.model import Article, Event
from civicwatch.pipeline import DEFAULT_TIMEOUT, extract_article
from civicwatch.sources.inputs import InputOptions, Loaded, iter_warc_inputs
from civicwatch.sources.warc import WarcStats
from civicwatch.spark import output

Row = tuple[str, tuple]

_prefilter: Prefilter | None = None
_models_loaded = False
_model_loads = 0  # how many times this process loaded the models: 1 once it has worked


@dataclass(frozen=True)
class WorkerSettings:
    """What the driver ships to every task (pickled with the task)."""

    prefilter: bool = True
    language: str | None = None  # every article's language; None: detected
    extractor: Callable[[Article], list[Event]] | None = None  # None: the project's extractor
    timeout: float | None = DEFAULT_TIMEOUT  # seconds of extraction per article (None or 0: no cap)


@dataclass
class PartitionStats:
    process: str = ""  # HOST:PID of the Python worker that ran the task
    warcs: int = 0
    records: int = 0  # WARC response records
    pages: int = 0  # HTML pages read
    relevant: int = 0  # pages that passed the prefilter
    articles: int = 0  # relevant pages with an article text (rows in articles/)
    events: int = 0
    read_errors: int = 0  # damaged archives and records
    parse_errors: int = 0  # pages that passed the prefilter but held no article text
    extract_errors: int = 0  # articles the extractor raised on
    timeout_errors: int = 0  # articles whose extraction ran past the time cap
    loads_in_task: int = 0  # model loads this task caused (0 once the process has them)
    process_loads: int = 0  # model loads of this process so far
    seconds: float = 0.0  # time in the page loop, after the models were loaded
    cpu_seconds: float = 0.0  # CPU time of this process in the page loop


def load_models() -> int:
    """Load the extractors of every supported language, the language detector and the prefilter,
    once per process; returns how many loads this call did (0 or 1)."""
    global _models_loaded, _prefilter, _model_loads
    if _models_loaded:
        return 0
    from civicwatch.extract.extractor import get_extractor
    from civicwatch.extract.language import SUPPORTED, detect_language

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns on each page it gives up on
    for language in SUPPORTED:
        get_extractor(language)
    detect_language("warm up the language detector")
    _prefilter = Prefilter.for_languages(SUPPORTED)
    _models_loaded = True
    _model_loads += 1
    return 1


def model_loads() -> int:
    """How many times this process loaded the models."""
    return _model_loads


def local_partition(paths: Iterable[str], settings: WorkerSettings) -> Iterator[Row]:
    """A task over WARC files the executor can open itself (local mode, or a shared file system)."""
    stats = PartitionStats(process=_process_name(), loads_in_task=load_models())
    started = time.perf_counter(), time.process_time()
    for path in paths:
        yield from warc_rows(Path(path), path, settings, stats)
    yield _finish(stats, started)


def bytes_partition(files: Iterable[tuple[str, bytes]], settings: WorkerSettings) -> Iterator[Row]:
    """A task over WARC files Spark read through its Hadoop file system (``binaryFiles``: hdfs://,
    s3a://, file://...). Each is spilled to a local temporary file: the WARC reader seeks in the file
    to skip damaged stretches."""
    stats = PartitionStats(process=_process_name(), loads_in_task=load_models())
    started = time.perf_counter(), time.process_time()
    for uri, data in files:
        folder = tempfile.mkdtemp(prefix="civicwatch-warc-")
        try:
            local = Path(folder) / (uri.rstrip("/").rsplit("/", 1)[-1] or "input.warc")
            local.write_bytes(data)
            del data
            for kind, values in warc_rows(local, uri, settings, stats):
                yield kind, _renamed(values, str(local), uri)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    yield _finish(stats, started)


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _finish(stats: PartitionStats, started: tuple[float, float]) -> Row:
    stats.seconds = time.perf_counter() - started[0]
    stats.cpu_seconds = time.process_time() - started[1]
    stats.process_loads = _model_loads
    return "stats", astuple(stats)


def _renamed(values: tuple, local: str, uri: str) -> tuple:
    """Name the archive by its URI, not by the temporary copy, wherever a row mentions it."""
    return tuple(v.replace(local, uri) if isinstance(v, str) else v for v in values)


def warc_rows(path: Path, name: str, settings: WorkerSettings, stats: PartitionStats) -> Iterator[Row]:
    """The rows of one WARC file; ``name`` is how rows refer to it (its URI or the path as given)."""
    options = InputOptions(language=settings.language, prefilter=_prefilter if settings.prefilter else None)
    warc_stats = WarcStats()
    stats.warcs += 1
    local = str(path)
    for loaded in iter_warc_inputs(path, options, warc_stats):
        if local != name:  # a temporary copy: ids and sources must name the archive itself
            loaded.origin = loaded.origin.replace(local, name)
            if loaded.article is not None and loaded.article.source:
                loaded.article.source = loaded.article.source.replace(local, name)
        yield from _loaded_rows(loaded, name, settings, stats)
    stats.records += warc_stats.seen
    stats.pages += warc_stats.html


def _loaded_rows(loaded: Loaded, warc: str, settings: WorkerSettings, stats: PartitionStats) -> Iterator[Row]:
    if loaded.error:
        stage = "parse" if loaded.record_id else "read"  # a page was read but held no article text
        if stage == "parse":
            stats.relevant += 1
            stats.parse_errors += 1
        else:
            stats.read_errors += 1
        yield "error", (warc, loaded.origin, loaded.record_id, None, stage, loaded.error)
        return
    if not loaded.relevant or loaded.article is None:
        return
    stats.relevant += 1
    article = loaded.article
    events, failure = extract_article(article, settings.extractor, settings.timeout)
    if failure:
        stage = "timeout" if failure.kind == "timeout" else "extract"
        if stage == "timeout":
            stats.timeout_errors += 1
        else:
            stats.extract_errors += 1
        yield "error", (warc, loaded.origin, loaded.record_id, article.url, stage, failure.reason)
        return
    ident = output.article_id(loaded.record_id, warc, loaded.origin)
    stats.articles += 1
    stats.events += len(events)
    yield "article", output.article_row(article, events, ident, loaded.record_id, warc)
    for row in output.event_rows(article, events, ident):
        yield "event", row
