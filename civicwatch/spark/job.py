"""The driver of ``civicwatch spark extract``: inputs to tasks, tasks to datasets, and the summary.

One WARC file is one unit of work. Plain paths are opened by the executors themselves (local mode,
or a file system every executor mounts); URIs are streamed by the executors (``remote.py``: file://
in place, s3a://, gs://, hdfs://... a chunk at a time to a local spill), never read whole into memory.
Each task runs in ``mapInArrow`` and hands its rows to the JVM as Arrow batches. A text file of
WARC paths (Common Crawl's ``warc.paths``, optionally gzipped) stands for the files it lists,
relative entries resolved against ``prefix``.

The executors' rows are kept (memory, then disk) and written as three datasets through Spark's
DataFrame writer, whose output committer publishes only the output of the task attempt that
succeeded: a retried or speculative task never leaves a second copy. The summary is counted from
those same rows, so a retried task is never counted twice either.
"""

from __future__ import annotations

import gzip
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from civicwatch.spark import output
from civicwatch.spark.remote import is_uri
from civicwatch.spark.worker import PartitionStats, WorkerSettings, arrow_partition

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

WARC_NAMES = (".warc", ".warc.gz")
DAEMON = "civicwatch.spark.daemon"


class JobError(Exception):
    """A problem with the job's arguments or output folder, in words for the user."""


@dataclass
class Summary:
    warcs: int = 0
    tasks: int = 0
    records: int = 0
    pages: int = 0
    relevant: int = 0
    articles: int = 0
    events: int = 0
    errors: int = 0
    elapsed_s: float = 0.0  # from the job's start to the last dataset written (session start-up excluded)
    compute_s: float = 0.0  # of which reading and extracting, until every task's rows were in (the rest: writing)
    worker_cpu_s: float = 0.0  # CPU time the Python workers spent in their page loops, all tasks together
    worker_processes: int = 0
    max_model_loads_per_process: int = 0
    errors_by_stage: dict[str, int] = field(default_factory=dict)
    model_loads: dict[str, int] = field(default_factory=dict)  # HOST:PID of each Python worker -> its model loads
    task_loads: int = 0  # model loads done by tasks themselves (0 when the daemon loaded them before forking)
    model_loaders: int = 0  # processes that loaded the models: one daemon per executor (with civicwatch's daemon)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        return (
            f"{self.pages} pages seen, {self.relevant} relevant, {self.articles} articles, {self.events} events, "
            f"{self.errors} errors in {self.elapsed_s:.1f} s ({self.pages_per_s:.1f} pages/s)"
        )


def is_warc_name(value: str) -> bool:
    return value.lower().endswith(WARC_NAMES)


def resolve_entry(entry: str, base: str) -> str:
    """A ``warc.paths`` line as a path or URI: absolute ones as they are, relative ones under ``base``."""
    if is_uri(entry) or entry.startswith("/") or not base:
        return entry
    return base.rstrip("/") + "/" + entry


def list_warcs(inputs: Sequence[str], prefix: str | None = None, read_remote=None) -> list[str]:
    """The WARC files the inputs stand for: WARC paths or URIs as they are, and the entries of
    path lists (any other input; lines starting with # are comments). ``read_remote(uri)`` returns
    a remote list's lines (through Spark); relative entries are resolved against ``prefix``, by
    default the list's own folder."""
    warcs: list[str] = []
    for item in inputs:
        if is_warc_name(item):
            warcs.append(item)
            continue
        if is_uri(item):
            if read_remote is None:
                raise JobError(f"{item}: cannot read a remote path list here")
            lines = read_remote(item)
        else:
            lines = _read_local_list(Path(item))
        base = prefix if prefix is not None else item.rsplit("/", 1)[0] if "/" in item else ""
        warcs += [resolve_entry(line.strip(), base) for line in lines if line.strip() and not line.startswith("#")]
    return warcs


def _read_local_list(path: Path) -> list[str]:
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read().splitlines()
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise JobError(f"{path}: cannot read this list of WARC paths ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise JobError(f"{path}: not a WARC file (.warc, .warc.gz) nor a text list of WARC paths") from exc


def make_session(master: str | None = None, conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession; one that exists already (spark-submit, a notebook, a test) is reused as it is.

    In local mode the Python workers run this interpreter and import this civicwatch (set here
    before the JVM starts, since workers inherit its environment).
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # no master and no spark-submit (which starts the JVM first and says so in PYSPARK_GATEWAY_PORT): local[*]
    local_mode = master.startswith("local") if master else "PYSPARK_GATEWAY_PORT" not in os.environ
    if local_mode:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        package_root = str(Path(__file__).resolve().parents[2])
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if package_root not in paths:
            os.environ["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
    builder = (
        SparkSession.builder.appName("civicwatch-extract")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.daemon.module", DAEMON)  # the models load once per executor (daemon.py)
    )
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def output_exists(spark: SparkSession, out: str) -> bool:
    """Whether ``out`` exists and holds anything, asked of the Hadoop file system (local or remote)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None  # a started session has its gateway
    path = jvm.org.apache.hadoop.fs.Path(out)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return bool(fs.exists(path)) and len(fs.listStatus(path)) > 0


def run_extract(
    spark: SparkSession,
    inputs: Sequence[str],
    out: str,
    *,
    partitions: int | None = None,
    fmt: str = "parquet",
    overwrite: bool = False,
    prefix: str | None = None,
    settings: WorkerSettings | None = None,
) -> Summary:
    """Extract every WARC the inputs stand for into ``out``; returns the counts."""
    if fmt not in output.FORMATS:
        raise JobError(f"--format {fmt!r}: choose one of {', '.join(output.FORMATS)}")
    if partitions is not None and partitions < 1:
        raise JobError("--partitions must be at least 1")
    started = time.perf_counter()
    sc = spark.sparkContext
    warcs = list_warcs(inputs, prefix, read_remote=lambda uri: sc.textFile(uri).collect())
    if not warcs:
        raise JobError("no WARC files: the inputs list none")
    if not overwrite and output_exists(spark, out):
        raise JobError(f"{out} exists and is not empty: choose another --out, or add --overwrite to replace it")
    settings = settings or WorkerSettings()
    _py_files_first(sc)
    # One pass of Python over the pages: each task (mapInArrow over the numbers of its WARC files)
    # returns its rows as Arrow batches of one wide schema, cached in the JVM; each dataset is a
    # projection of it (no Python, no second extraction, in the writes).
    wide = spark.createDataFrame([], output.WIDE_SCHEMA).schema
    task = partial(arrow_partition, warcs=warcs, settings=settings, schema=_arrow_schema(wide))
    numbers = spark.range(0, len(warcs), 1, min(partitions or len(warcs), len(warcs)))
    table = numbers.mapInArrow(task, wide)
    table = table.persist(_storage_level())
    mode = "overwrite" if overwrite else "errorifexists"
    try:
        stats = [PartitionStats(*row["stats"]) for row in table.where("kind = 'stats'").select("stats").collect()]
        compute_s = time.perf_counter() - started
        for name, kind in ((output.ARTICLES, "article"), (output.EVENTS, "event")):
            frame = table.where(f"kind = '{kind}'").select(f"{kind}.*")
            # one file per month and dataset rather than one per task and month: relevant pages are few
            writer = (
                frame.repartition(*output.PARTITION_COLUMNS).write.mode(mode).partitionBy(*output.PARTITION_COLUMNS)
            )
            _save(writer, _join(out, name), fmt)
        errors = table.where("kind = 'error'").select("error.*")
        _save(errors.coalesce(1).write.mode(mode), _join(out, output.ERRORS), fmt)
    finally:
        table.unpersist()
    summary = _summarise(stats, time.perf_counter() - started)
    summary.compute_s = compute_s
    record = {k: v for k, v in asdict(summary).items() if k not in ("errors_by_stage", "model_loads")}
    stages = ",".join(f"{k}:{v}" for k, v in sorted(summary.errors_by_stage.items()))
    record |= {"errors_by_stage": stages, "format": fmt}
    spark.createDataFrame([record]).coalesce(1).write.mode(mode).json(_join(out, output.SUMMARY))
    return summary


def _storage_level():
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


def _py_files_first(sc) -> None:
    """Put spark-submit's --py-files (the civicwatch wheel) on the path of the executors' daemon.

    civicwatch's daemon imports civicwatch and loads the models before any task puts the --py-files
    on its path, so without this it would run the civicwatch of the packed environment, not the
    wheel. Their names are relative to the executor's working folder, where Spark fetches them.
    """
    submitted = [os.path.basename(p) for p in (sc.getConf().get("spark.submit.pyFiles") or "").split(",") if p]
    # pyspark puts only .zip, .egg and .jar files on the path of the tasks, never a wheel
    includes = list(dict.fromkeys([*submitted, *(getattr(sc, "_python_includes", None) or [])]))
    current = [p for p in sc.environment.get("PYTHONPATH", "").split(os.pathsep) if p]
    missing = [name for name in includes if name not in current]
    if missing:  # once per session: a changed environment would start another daemon
        sc.environment["PYTHONPATH"] = os.pathsep.join([*missing, *current])


def _arrow_schema(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def _save(writer, path: str, fmt: str) -> None:
    if fmt == "jsonl":
        writer.option("compression", "none").json(path)
    else:
        writer.parquet(path)


def _join(out: str, name: str) -> str:
    return out.rstrip("/") + "/" + name


def _summarise(stats: Iterable[PartitionStats], elapsed: float) -> Summary:
    stats = list(stats)
    loads: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for s in stats:
        loads[s.process] = max(loads.get(s.process, 0), s.process_loads)
        counts = (
            ("read", s.read_errors),
            ("parse", s.parse_errors),
            ("extract", s.extract_errors),
            ("timeout", s.timeout_errors),
        )
        for stage, count in counts:
            if count:
                by_stage[stage] = by_stage.get(stage, 0) + count
    return Summary(
        warcs=sum(s.warcs for s in stats),
        tasks=len(stats),
        records=sum(s.records for s in stats),
        pages=sum(s.pages for s in stats),
        relevant=sum(s.relevant for s in stats),
        articles=sum(s.articles for s in stats),
        events=sum(s.events for s in stats),
        errors=sum(by_stage.values()),
        worker_cpu_s=sum(s.cpu_seconds for s in stats),
        elapsed_s=elapsed,
        worker_processes=len(loads),
        max_model_loads_per_process=max(loads.values(), default=0),
        errors_by_stage=by_stage,
        model_loads=loads,
        task_loads=sum(s.loads_in_task for s in stats),
        model_loaders=len({s.loader for s in stats if s.loader}),
    )
