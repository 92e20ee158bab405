"""The Spark job in local mode: same events as the single-machine path, errors as rows, no duplicates,
models loaded once per worker process, and the output loaded with ``civicwatch ingest DIR``.

One SparkSession (local[2,2]: two cores, a failed task tried twice) serves every test; the WARC files
are built here from real dev articles (``../shared/eval/dev``), with ordinary pages among them.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17): `java` is not on PATH", allow_module_level=True)

from pyspark import TaskContext, cloudpickle  # noqa: E402
from spark_support import (  # noqa: E402
    DEV,
    DEV_NAMES,
    REPO,
    build_warc,
    dev_page,
    filler_page,
    http_response,
    warc_record,
)
from sqlalchemy import func, select  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from civicwatch.clean.prefilter import Prefilter  # noqa: E402
from civicwatch.cli import app  # noqa: E402
from civicwatch.extract.language import SUPPORTED  # noqa: E402
from civicwatch.model import Article, Event  # noqa: E402
from civicwatch.pipeline import extract_article, process_article  # noqa: E402
from civicwatch.pipeline.ingest import ingest_inputs  # noqa: E402
from civicwatch.sources.inputs import InputOptions, iter_inputs  # noqa: E402
from civicwatch.spark import output  # noqa: E402
from civicwatch.spark.job import JobError, list_warcs, run_extract  # noqa: E402
from civicwatch.spark.worker import WorkerSettings  # noqa: E402
from civicwatch.store.models import Article as ArticleRow  # noqa: E402
from civicwatch.store.models import Mention  # noqa: E402

RAISE_ON = "/raise-here"

# The test's own extractors run on the executors: ship them by value (workers cannot import this module).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


# ------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # the workers must import this checkout's civicwatch (they inherit the JVM's environment)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2,2]")
        .appName("civicwatch-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "1g")
        # a JVM of a few minutes that computes little (the Python workers extract): the quick JIT alone and the
        # serial GC start it with less CPU on two cores
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.python.daemon.module", "civicwatch.spark.daemon")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def warcs(tmp_path_factory) -> list[Path]:
    """Three WARC files: two dev articles and two ordinary pages each (and an image)."""
    missing = [n for n in DEV_NAMES if not (DEV / f"{n}.txt").exists()]
    if missing:
        pytest.skip(f"the Spark tests need the dev articles of shared/ beside the repository ({DEV})")
    folder = tmp_path_factory.mktemp("warcs")
    files = []
    for k in range(3):
        pages = [dev_page(n) for n in DEV_NAMES[2 * k : 2 * k + 2]] + [filler_page(2 * k), filler_page(2 * k + 1)]
        files.append(build_warc(folder / f"crawl-{k}.warc.gz", pages, 10 * k))
    return files


@pytest.fixture(scope="session")
def single_machine(warcs: list[Path]) -> dict[str, list[dict]]:
    """The single-machine path's events on the same files (as ``civicwatch ingest`` reads WARCs), by URL."""
    options = InputOptions(prefilter=Prefilter.for_languages(SUPPORTED))
    found: dict[str, list[dict]] = {}
    for loaded in iter_inputs([str(w) for w in warcs], options):
        if loaded.article is not None and loaded.relevant and not loaded.error:
            events, failure = extract_article(loaded.article)
            assert failure is None
            found[loaded.article.url] = [e.to_dict() for e in events]
    return found


@pytest.fixture(scope="session")
def extracted(spark, warcs, tmp_path_factory):
    """One Parquet job over the three files: (output folder, summary)."""
    out = tmp_path_factory.mktemp("spark") / "out"
    summary = run_extract(spark, [str(w) for w in warcs], str(out))
    return out, summary


def events_by_url(out: Path) -> dict[str, list[dict]]:
    return {article.url: [e.to_dict() for e in events] for article, events, _ in output.iter_articles(out)}


# -------------------------------------------------------------------------------------------- the job


def test_events_equal_the_single_machine_path(extracted, single_machine, warcs) -> None:
    out, summary = extracted
    spark_events = events_by_url(out)
    assert spark_events == single_machine
    assert sum(len(v) for v in spark_events.values()) > 5  # the dev articles do have events
    assert summary.warcs == 3 and summary.tasks == 3
    assert summary.pages == 12  # 6 dev + 6 ordinary pages (the image is not a page)
    assert summary.relevant == summary.articles == len(single_machine) >= 5
    assert summary.events == sum(len(v) for v in single_machine.values())
    assert summary.errors == 0 and summary.pages_per_s > 0
    # partitioned by publication year and month
    assert (out / "articles" / "year=2023" / "month=3").is_dir() and (out / "events" / "year=2016").is_dir()
    assert {p.name for p in (out / "articles" / "year=2016").iterdir()} == {"month=2", "month=6"}
    recorded = output.read_summary(out)
    assert recorded is not None and recorded["events"] == summary.events and recorded["format"] == "parquet"


def test_models_load_once_per_executor(extracted) -> None:
    """civicwatch's PySpark daemon loads the models and forks the workers: every worker has them (once),
    and no task loads them itself."""
    _, summary = extracted
    assert summary.model_loads and set(summary.model_loads.values()) == {1}
    assert summary.max_model_loads_per_process == 1
    assert summary.task_loads == 0
    assert summary.tasks > summary.worker_processes  # processes were reused across tasks, without reloading


def test_the_wide_schema_matches_the_rows() -> None:
    """The executors' tuples and the Spark schemas must agree field for field."""
    from dataclasses import fields

    from civicwatch.spark.worker import PartitionStats

    assert [f.name for f in fields(PartitionStats)] == output.column_names(output.STATS_SCHEMA)
    article = Article(text="t", url="u", published=date(2024, 5, 3))
    event = Event(type="sanction", subtype="fine", status="occurred", targets=["X"], evidence="e")
    assert len(output.article_row(article, [event], "id", None, "w")) == len(output.column_names(output.ARTICLE_SCHEMA))
    (row,) = output.event_rows(article, [event], "id")
    assert len(row) == len(output.column_names(output.EVENT_SCHEMA)) and row[-2:] == (2024, 5)
    assert output.event_from_row(dict(zip(output.column_names(output.EVENT_SCHEMA), row, strict=True))) == event


def test_months_are_read_in_time_order_undated_last(tmp_path: Path) -> None:
    for part in (
        "year=2024/month=10",
        "year=2024/month=2",
        "year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__",
    ):
        (tmp_path / part).mkdir(parents=True)
        (tmp_path / part / "part-0.json").write_text("{}\n")
    assert [p.as_posix() for p in output.month_partitions(tmp_path)] == [
        "year=2024/month=2",
        "year=2024/month=10",
        "year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__",
    ]


def test_a_worker_loads_the_models_on_its_first_task_only() -> None:
    """Under Spark's own daemon (``pyspark.daemon``) the first task of each worker loads them."""
    from civicwatch.spark import worker

    first, second = worker.load_models(), worker.load_models()
    assert second == 0 and worker.model_loads() == 1 and first in (0, 1)


def test_ids_are_deterministic(extracted) -> None:
    out, _ = extracted
    events = output.read_rows(out / "events")
    articles = output.read_rows(out / "articles")
    assert len({e["event_id"] for e in events}) == len(events)
    for article in articles:
        assert article["article_id"] == output.article_id(article["record_id"], article["warc"], article["source"])
    for event in events:
        assert event["event_id"] == output.stable_id(event["article_id"], str(event["event_index"]))


class TaskAttemptFailed(BaseException):
    """Escapes the per-article error handling, so the whole task fails and Spark runs it again."""


@dataclass(frozen=True)
class MisbehavingExtractor:
    """Raises on one page (an extraction error), and kills the first attempt of task 0 mid-way,
    leaving a marker file so that the test knows the task did run twice."""

    marker: str

    def __call__(self, article: Article) -> list[Event]:
        context = TaskContext.get()
        if context is not None and context.partitionId() == 0 and context.attemptNumber() == 0:
            Path(self.marker).touch()
            raise TaskAttemptFailed("the first attempt of task 0 dies after its first page")
        if article.url and RAISE_ON in article.url:
            raise ValueError("the extractor broke on this page")
        return process_article(article)


def test_failures_become_error_rows_and_a_retried_task_leaves_no_duplicates(
    spark, single_machine, tmp_path: Path
) -> None:
    url = dev_page(DEV_NAMES[0])[0]
    raising = (f"https://x.example{RAISE_ON}", dev_page(DEV_NAMES[1])[1])
    good = build_warc(tmp_path / "good.warc.gz", [dev_page(DEV_NAMES[0]), raising], 50)
    # a damaged archive: garbage between two whole records, both of which must still be read
    (url_2, page_2), (url_3, page_3) = dev_page(DEV_NAMES[2]), dev_page(DEV_NAMES[3])
    first, second = warc_record(url_2, http_response(page_2), 60), warc_record(url_3, http_response(page_3), 61)
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(first + b"\x1f\x8b\x08\x00 a disk error wrote this" * 3 + second)
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08 this is not gzip data at all" * 10)
    out = tmp_path / "out"
    extractor = MisbehavingExtractor(str(tmp_path / "first-attempt-failed"))
    unreachable = "nosuch://bucket/crawl.warc.gz"  # a scheme nothing here can stream
    summary = run_extract(
        spark,
        [str(good), str(damaged), str(junk), unreachable],
        str(out),
        settings=WorkerSettings(extractor=extractor),
    )
    assert Path(extractor.marker).exists()  # the first attempt of task 0 failed; Spark ran it again
    errors = output.read_rows(out / "errors")
    found_errors = {(e["warc"], e["stage"]) for e in errors}
    assert {(str(damaged), "read"), (str(junk), "read"), (unreachable, "read")} <= found_errors
    (cannot,) = [e for e in errors if e["warc"] == unreachable]
    assert cannot["reason"].startswith("cannot read") and "nosuch" in cannot["reason"]
    extract_errors = [e for e in errors if e["stage"] == "extract"]
    assert len(extract_errors) == 1  # once, though the task that met it ran twice
    assert extract_errors[0]["url"].endswith(RAISE_ON) and "the extractor broke" in extract_errors[0]["reason"]
    assert extract_errors[0]["record"].startswith(f"{good}@")
    assert summary.errors == len(errors) and summary.errors_by_stage["extract"] == 1
    # the other pages survive, each once, with the single-machine path's events
    found = events_by_url(out)
    assert set(found) == {url, url_2, url_3}
    assert all(found[u] == single_machine[u] for u in found)
    events = output.read_rows(out / "events")
    assert len(events) == len({e["event_id"] for e in events}) == summary.events
    assert len(output.read_rows(out / "articles")) == summary.articles == 3


def test_path_list_file_uris_and_jsonl(spark, warcs, single_machine, tmp_path: Path) -> None:
    """A warc.paths list (gzipped, relative entries under --prefix, one entry a file:// URI read through
    Hadoop's file system) into JSON lines: the same events; a second run into the same folder is refused."""
    listing = tmp_path / "warc.paths.gz"
    entries = ["# the crawl", warcs[0].name, warcs[1].name, warcs[2].resolve().as_uri()]
    listing.write_bytes(gzip.compress("\n".join(entries).encode()))
    assert list_warcs([str(listing)], prefix=str(warcs[0].parent))[:2] == [str(w) for w in warcs[:2]]
    out = tmp_path / "out"
    summary = run_extract(spark, [str(listing)], str(out), fmt="jsonl", prefix=str(warcs[0].parent), partitions=2)
    assert summary.warcs == 3 and summary.errors == 0
    assert list((out / "events").rglob("part-*.json"))
    assert events_by_url(out) == single_machine
    sources = {row["warc"] for row in output.read_rows(out / "articles")}
    # named by its URI as given, not by the path the executor read it from
    assert warcs[2].resolve().as_uri() in sources
    with pytest.raises(JobError, match="exists and is not empty"):
        run_extract(spark, [str(listing)], str(out), prefix=str(warcs[0].parent))


def test_a_remote_warc_is_streamed_to_a_spill_and_named_by_its_uri(warcs, monkeypatch, tmp_path: Path) -> None:
    """Any scheme but file: is copied a chunk at a time to a local file, which goes once read; the rows
    name the URI. file: is read in place."""
    from contextlib import contextmanager

    from pyarrow import fs

    from civicwatch.spark import remote, worker

    opened: list[str] = []

    @contextmanager
    def local_stream(uri: str):  # stands for S3: the same pyarrow stream type, from the local disk
        opened.append(uri)
        with fs.LocalFileSystem().open_input_stream(str(warcs[0]), compression=None) as stream:
            yield stream

    worker.load_models()  # the prefilter, as on an executor
    monkeypatch.setattr(remote, "open_stream", local_stream)
    monkeypatch.setattr(remote, "CHUNK_BYTES", 1000)  # many chunks
    uri = "s3a://bucket/crawl-data/crawl-0.warc.gz"
    stats = worker.PartitionStats()
    with remote.local_warc(uri, str(tmp_path)) as spilled:
        assert spilled.read_bytes() == warcs[0].read_bytes() and spilled.parent.parent == tmp_path
    assert not spilled.exists() and opened == [uri]
    rows = list(worker.uri_rows(uri, WorkerSettings(), stats))
    articles = [values for kind, values in rows if kind == "article"]
    assert len(articles) == 2 and stats.warcs == 1 and stats.pages == 4
    assert all(values[4] == uri and values[3].startswith(f"{uri}@") for values in articles)  # warc, source
    assert not list(tmp_path.iterdir())  # only the default temporary folder was used, and emptied
    with remote.local_warc(warcs[1].resolve().as_uri()) as in_place:
        assert in_place == warcs[1].resolve()
    assert in_place.exists() and opened == [uri, uri]
    buffer = io.BytesIO()
    assert remote.spill(io.BytesIO(b"x" * 2500), buffer, chunk=1000) == 2500 and buffer.getvalue() == b"x" * 2500


def test_inputs_that_are_neither_warcs_nor_lists(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\xff\xfe")
    with pytest.raises(JobError, match="not a WARC file"):
        list_warcs([str(binary)])
    with pytest.raises(JobError, match="cannot read"):
        list_warcs([str(tmp_path / "missing.paths")])
    listing = tmp_path / "list.txt"
    listing.write_text("a.warc.gz\n/abs/b.warc\ns3a://bucket/c.warc.gz\n\n")
    assert list_warcs([str(listing)]) == [f"{tmp_path}/a.warc.gz", "/abs/b.warc", "s3a://bucket/c.warc.gz"]
    assert list_warcs([str(listing)], prefix="s3a://commoncrawl/")[0] == "s3a://commoncrawl/a.warc.gz"


# -------------------------------------------------------------------------------------- ingest DIR


def test_ingest_stores_the_output_once_without_extracting_again(store_engine, extracted) -> None:
    out, summary = extracted

    def no_extraction(*args, **kwargs):
        raise AssertionError("ingest of a Spark output must not extract again")

    results = list(ingest_inputs(store_engine, [str(out)], InputOptions(), extractor=no_extraction))
    assert [r.status for r in results] == ["stored"] * summary.articles
    assert sum(r.events for r in results) == summary.events
    with store_engine.connect() as connection:
        counts = (
            connection.scalar(select(func.count()).select_from(ArticleRow)),
            connection.scalar(select(func.count()).select_from(Mention)),
        )
    assert counts == (summary.articles, summary.events)
    again = list(ingest_inputs(store_engine, [str(out)], InputOptions(), extractor=no_extraction))
    assert {r.status for r in again} == {"duplicate"}
    with store_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Mention)) == summary.events


def test_cli_extract_then_ingest(spark, warcs, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "civicwatch.db"
    runner = CliRunner()
    args = ["spark", "extract", str(warcs[0]), "--out", str(out), "--partitions", "1"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "pages seen" in first.output and "pages/s" in first.output
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    again = runner.invoke(app, [*args, "--overwrite"])
    assert again.exit_code == 0, again.output
    events = output.read_rows(out / "events")
    assert len(events) == len({e["event_id"] for e in events}) > 0  # replaced, not added to
    loaded = runner.invoke(app, ["ingest", str(out), "--db", str(db), "--quiet"])
    assert loaded.exit_code == 0, loaded.output
    assert "2 stored" in loaded.output
    reloaded = runner.invoke(app, ["ingest", str(out), "--db", str(db), "--quiet"])
    assert reloaded.exit_code == 0 and "0 stored" in reloaded.output and "2 already stored" in reloaded.output
    assert spark.range(3).count() == 3  # the command left the session it did not start running
