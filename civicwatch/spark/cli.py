"""``civicwatch spark ...``: the command line of the Spark job, a thin layer over ``job.py``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

spark_app = typer.Typer(
    help="Archive-scale extraction on Apache Spark (local mode, a standalone cluster, YARN, spark-submit).",
    no_args_is_help=True,
    add_completion=False,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class OutputFormat(StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"


@spark_app.command("extract")
def extract_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="WARC files (.warc, .warc.gz) as local paths or Hadoop URIs (hdfs://, s3a://, file://), "
            "or text files listing them one a line (Common Crawl's warc.paths, also gzipped).",
        ),
    ],
    out: Annotated[
        str, typer.Option("--out", "-o", metavar="DIR", help="Output folder: a local path or a Hadoop URI.")
    ],
    master: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Spark master: local[*], local[4], spark://host:7077, yarn. Default: spark-submit's, else local[*].",
        ),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="Tasks to spread the WARC files over (default: one per file; a file is never split)."
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="parquet, or jsonl (JSON lines) for tools without Parquet.")
    ] = OutputFormat.parquet,
    prefix: Annotated[
        str | None,
        typer.Option(
            metavar="BASE",
            help="Where the relative entries of a path list live (for Common Crawl: s3a://commoncrawl/). "
            "Default: the list's own folder.",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an existing output folder (refused by default).")
    ] = False,
    prefilter: Annotated[
        bool,
        typer.Option(
            "--prefilter/--no-prefilter",
            help="Screen pages on cheap text and extract only those about civic space (default: on).",
        ),
    ] = True,
    language: Annotated[
        str | None, typer.Option(metavar="LANG", help="Language of every page (en, ru); detected by default.")
    ] = None,
    conf: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="A Spark setting (repeatable), e.g. spark.executor.memory=4g."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=0,
            help="Time allowed to extract one article: past it the article becomes an errors row with "
            "stage 'timeout' and the task goes on (0: no limit).",
        ),
    ] = 10.0,
) -> None:
    """Extract events from web archives on Spark, into Parquet (or JSON lines) datasets.

    Every executor streams its WARC files through the same code as
    `civicwatch ingest`: prefilter on cheap text, main text, extraction. The
    NLP models load once per executor, before its Python workers fork. One
    WARC file is one task. A damaged archive or record, or an article the extractor fails
    on or spends more than --timeout seconds on, becomes a row in OUT/errors
    (with its source, stage and reason) and the job goes on.

    Output: OUT/articles and OUT/events, partitioned by publication year and
    month (year=2024/month=5/), OUT/errors, and OUT/summary. Ids are
    deterministic and Spark's committer publishes each task once, so task
    retries and speculative execution never duplicate rows. An existing OUT
    is refused unless --overwrite. Load the output into the database with
    `civicwatch ingest OUT` (merging and idempotence as usual: running it
    twice adds nothing).

    Examples:

        civicwatch spark extract crawl/*.warc.gz --out out/spark --master 'local[*]'
        civicwatch spark extract warc.paths.gz --prefix s3a://commoncrawl/ --out s3a://bucket/cw/2024-05 --master yarn
        civicwatch spark extract hdfs:///crawls/CC-NEWS-20240501.warc.gz --out hdfs:///civicwatch/out --format jsonl
        civicwatch ingest out/spark --db postgresql://civicwatch@localhost/civicwatch

    On a cluster, run it through spark-submit with the package shipped as a wheel
    (see README.md, "Spark"): spark-submit ... civicwatch/spark/submit.py extract INPUT... --out DIR

    Exit codes: 0 every page processed; 1 some record failed (see OUT/errors) or the job failed;
    2 bad usage (or OUT exists without --overwrite).
    """
    from civicwatch.spark.job import JobError, make_session, run_extract
    from civicwatch.spark.worker import WorkerSettings

    err = Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)
    settings: dict[str, str] = {}
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            err.print(f"error: --conf {item!r}: expected KEY=VALUE")
            raise typer.Exit(EXIT_USAGE)
        settings[key.strip()] = value
    if language is not None and language not in ("en", "ru"):
        err.print(f"error: --language {language!r}: supported languages are en, ru")
        raise typer.Exit(EXIT_USAGE)

    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        err.print("error: the Spark job needs pyspark: pip install 'civicwatch[spark]' (and Java 17)")
        raise typer.Exit(EXIT_USAGE) from exc

    owned = SparkSession.getActiveSession() is None  # stop only a session this command started
    spark = make_session(master, settings)
    if owned:
        spark.sparkContext.setLogLevel("ERROR")
    try:
        summary = run_extract(
            spark,
            inputs,
            out,
            partitions=partitions,
            fmt=output_format.value,
            overwrite=overwrite,
            prefix=prefix,
            settings=WorkerSettings(prefilter=prefilter, language=language, timeout=timeout or None),
        )
    except JobError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from exc
    finally:
        if owned:
            spark.stop()
    print_summary(err, summary, out)
    raise typer.Exit(EXIT_FAILED if summary.errors else EXIT_OK)


def print_summary(console: Console, summary, out: str) -> None:
    table = Table(title=f"civicwatch spark extract -> {out}", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("WARC files", summary.warcs),
        ("tasks", summary.tasks),
        ("pages seen", summary.pages),
        ("relevant", summary.relevant),
        ("articles", summary.articles),
        ("events", summary.events),
        ("errors", summary.errors),
        ("elapsed", f"{summary.elapsed_s:.1f} s"),
        ("pages/s", f"{summary.pages_per_s:.1f}"),
        ("worker processes", summary.worker_processes),
        ("model loads per process", summary.max_model_loads_per_process),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    if summary.errors_by_stage:
        stages = ", ".join(f"{stage}: {n}" for stage, n in sorted(summary.errors_by_stage.items()))
        console.print(f"errors by stage: {stages} (rows in {out.rstrip('/')}/errors)")
    console.print(summary.line())
