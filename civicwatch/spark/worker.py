"""What runs on the executors: WARC files in, rows of articles, events, errors and counts out.

Each page goes through the single-machine path itself (``iter_warc_inputs``: WARC record ->
prefilter on cheap text -> main text; then ``extract_article``), so the Spark job and ``civicwatch
ingest`` cannot drift apart. The NLP models and the prefilter automaton are loaded once per
executor: ``daemon.py`` loads them (module globals) before it forks the Python workers. Under
Spark's own daemon each worker loads them on its first task, and keeps them for the next ones
(Spark reuses its Python workers); never per record or per partition.

Rows are ``(kind, values)``: kind "article", "event", "error" (values in the order of the schemas
in ``output.py``) or "stats" (one per partition, a ``PartitionStats`` as a tuple); a task hands them
to the JVM as Arrow record batches (``arrow_partition``, run by ``mapInArrow``). A WARC given as a
URI is opened through ``remote.py``: in place for ``file:``, else streamed to a local spill.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from civicwatch.clean.prefilter import Prefilter
from civicwatch.model import Article, Event
from civicwatch.pipeline import DEFAULT_TIMEOUT, extract_article
from civicwatch.sources.inputs import InputOptions, Loaded, iter_warc_inputs
from civicwatch.sources.warc import WarcStats
from civicwatch.spark import arrow, output, remote

if TYPE_CHECKING:
    import pyarrow as pa

Row = tuple[str, tuple]

_prefilter: Prefilter | None = None
_models_loaded = False
_model_loads = 0  # how many times this process loaded the models: 1 once it has worked
_loader = ""  # HOST:PID of the process that loaded them: the executor's daemon, or this worker


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
    loader: str = ""  # HOST:PID of the process that loaded the models (the daemon: one per executor)


def load_models() -> int:
    """Load the extractors of every supported language, the language detector and the prefilter,
    once per process; returns how many loads this call did (0 or 1)."""
    global _models_loaded, _prefilter, _model_loads, _loader
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
    _loader = _process_name()
    return 1


def model_loads() -> int:
    """How many times this process loaded the models."""
    return _model_loads


def arrow_partition(
    ids: Iterable[pa.RecordBatch], warcs: Sequence[str], settings: WorkerSettings, schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    """A task, run by ``mapInArrow``: the numbers of its WARC files (in ``warcs``) in, the rows of the
    wide schema out as Arrow batches."""
    numbers = (number for batch in ids for number in batch.column(0).to_pylist())
    yield from arrow.batches(partition_rows((warcs[number] for number in numbers), settings), schema)


def partition_rows(warcs: Iterable[str], settings: WorkerSettings) -> Iterator[Row]:
    """The rows of a task's WARC files (paths the executor opens itself, or URIs), then its stats."""
    stats = PartitionStats(process=_process_name(), loads_in_task=load_models())
    started = time.perf_counter(), time.process_time()
    for warc in warcs:
        if remote.is_uri(warc):
            yield from uri_rows(warc, settings, stats)
        else:
            yield from warc_rows(Path(warc), warc, settings, stats)
    yield _finish(stats, started)


def uri_rows(uri: str, settings: WorkerSettings, stats: PartitionStats) -> Iterator[Row]:
    """The rows of a WARC given as a URI: read in place (``file:``) or from a streamed local spill."""
    try:
        with remote.local_warc(uri) as local:
            for kind, values in warc_rows(local, uri, settings, stats):
                yield kind, _renamed(values, str(local), uri)
    except OSError as exc:
        stats.warcs += 1
        stats.read_errors += 1
        yield "error", (uri, uri, None, None, "read", f"cannot read ({exc.strerror or exc})")


def _process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _finish(stats: PartitionStats, started: tuple[float, float]) -> Row:
    stats.seconds = time.perf_counter() - started[0]
    stats.cpu_seconds = time.process_time() - started[1]
    stats.process_loads = _model_loads
    stats.loader = _loader
    return "stats", astuple(stats)


def _renamed(values: tuple, local: str, uri: str) -> tuple:
    """Name the archive by its URI, not by its local path, wherever a row mentions it."""
    return tuple(v.replace(local, uri) if isinstance(v, str) and uri not in v else v for v in values)


def warc_rows(path: Path, name: str, settings: WorkerSettings, stats: PartitionStats) -> Iterator[Row]:
    """The rows of one WARC file; ``name`` is how rows refer to it (its URI or the path as given)."""
    options = InputOptions(language=settings.language, prefilter=_prefilter if settings.prefilter else None)
    warc_stats = WarcStats()
    stats.warcs += 1
    local = str(path)
    for loaded in iter_warc_inputs(path, options, warc_stats):
        if local != name:  # a URI: ids and sources must name the archive as given, not its local path
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
