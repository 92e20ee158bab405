"""Command line: ``civicwatch extract PATH...``.

A thin layer over ``civicwatch.pipeline``: it parses options, feeds paths to
``process_paths`` and prints or writes what comes back. Results go to stdout
(or --out files); every diagnostic goes to stderr so that JSON output can be
piped safely.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import civicwatch
from civicwatch.model import Event

if TYPE_CHECKING:
    from civicwatch.pipeline import FileResult

# The pipeline (and with it the extraction stack) is imported by the commands that run it, so that
# `civicwatch serve`, `db`, `user` and `events` load none of it.

EXIT_OK = 0
EXIT_FAILED = 1  # some input could not be processed; the others were
# Usage errors exit with 2 (typer's own convention).

# The per-article time cap's default: civicwatch.pipeline.timecap.DEFAULT_TIMEOUT (not imported here: the
# pipeline loads the extraction stack; tests/test_cli.py checks the two agree).
DEFAULT_TIMEOUT = 10.0
TimeoutOption = Annotated[
    float,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        min=0,
        help="Time allowed to extract one article: past it the article fails with reason 'timeout' "
        "and the batch goes on (0: no limit).",
    ),
]

# Show a progress bar only for batches long enough to need one.
PROGRESS_MIN_FILES = 20
PROGRESS_AFTER_S = 2.0
EVIDENCE_WIDTH = 100

app = typer.Typer(
    help="Evidence-linked events on restrictions of civil society and independent media.",
    no_args_is_help=True,
    add_completion=False,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"civicwatch {civicwatch.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Evidence-linked events on restrictions of civil society and independent media."""


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"expected an ISO date like 2024-03-04, got {value!r}") from exc


@dataclass
class _Output:
    """Where results go, and the counts for the closing summary line."""

    err: Console
    console: Console
    output_format: OutputFormat
    out: Path | None = None
    include_boilerplate: bool = False
    files: int = 0
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # failures by kind
    events: int = 0
    hidden: int = 0
    json_items: list[dict] = field(default_factory=list)
    written: set[Path] = field(default_factory=set)

    def add(self, result: FileResult) -> None:
        """Report one file's diagnostics on stderr and output its events."""
        self.files += 1
        if result.notice:
            self.err.print(f"notice: {result.path}: {result.notice}")
        if result.warning:
            self.err.print(f"warning: {result.warning}; ignored")
        if result.error:
            self.fail(result.path, result.error, result.error_kind)
            return
        events = [e for e in result.events if self.include_boilerplate or not e.boilerplate]
        self.events += len(events)
        self.hidden += len(result.events) - len(events)
        self._emit(result.path, events)

    def fail(self, path: Path | str, reason: str, kind: str | None) -> None:
        self.failed += 1
        self.reasons[kind or "unknown"] = self.reasons.get(kind or "unknown", 0) + 1
        self.err.print(f"error: {path}: {reason}")

    def _emit(self, path: Path | str, events: list[Event]) -> None:
        if self.out is not None:
            self._write(self.out, path, events)
        elif self.output_format is OutputFormat.json:
            # A single JSON document has to be printed whole, in finish().
            self.json_items.append({"source": str(path), "events": [e.to_dict() for e in events]})
        elif self.output_format is OutputFormat.jsonl:
            for event in events:
                typer.echo(json.dumps({"source": str(path), **event.to_dict()}, ensure_ascii=False, default=str))
        else:
            _print_table(str(path), events, self.console)

    def _write(self, out: Path, path: Path | str, events: list[Event]) -> None:
        path = Path(path)
        target = out / f"{path.stem}.json"
        if target in self.written:
            # Same NAME.txt in two input folders: say so rather than lose one silently.
            self.err.print(f"warning: {target} written twice (two inputs are named {path.name}); last one kept")
        try:
            target.write_text(_dump([e.to_dict() for e in events]) + "\n", encoding="utf-8")
        except OSError as exc:
            self.fail(path, f"cannot write {target} ({exc.strerror or exc})", "cannot-write")
            return
        self.written.add(target)

    def finish(self) -> int:
        """Print what had to wait for the end, then the summary; return the exit code."""
        if self.out is None and self.output_format is OutputFormat.json:
            typer.echo(_dump(self.json_items))
        hidden = f" ({self.hidden} boilerplate hidden)" if self.hidden else ""
        line = f"{_plural(self.files, 'file')}, {_plural(self.events, 'event')}{hidden}, {self.failed} failed"
        self.err.print(line + _by_kind(self.reasons))
        return EXIT_FAILED if self.failed else EXIT_OK


def _dump(data: object) -> str:
    # default=str: an extractor may put dates or paths in Event.extra.
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@app.command()
def extract(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Text files, or folders whose *.txt files are read (only .txt, not recursive).",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Write DIR/NAME.json (a JSON list of events) per input; no stdout.",
        ),
    ] = None,
    published: Annotated[
        date | None,
        typer.Option(
            parser=_parse_date,
            metavar="DATE",
            help="Publication date (YYYY-MM-DD) for every input; overrides meta files. "
            'Anchors relative dates such as "on Monday".',
        ),
    ] = None,
    url: Annotated[
        str | None, typer.Option(metavar="URL", help="Source URL for every input; overrides meta files.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            metavar="LANG",
            help="Language of every input: en or ru. By default each article's language is detected.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="How to print events to stdout (ignored with --out)."),
    ] = OutputFormat.table,
    include_boilerplate: Annotated[
        bool,
        typer.Option(
            "--include-boilerplate",
            help="Also output events flagged as boilerplate (site footers, standard disclaimers).",
        ),
    ] = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
) -> None:
    """Extract events from text files.

    Reads each PATH (a .txt file, or a folder of them) and reports the events
    it describes: who did what to which organisation, when and where, with the
    sentence that says so. Files need not be UTF-8: cp1251, koi8-r and latin-1
    are detected, with a notice on stderr.

    Meta file: for NAME.txt, an optional NAME.meta.json beside it gives
    {"url": "https://...", "published": "2024-03-04"} (either may be null).
    --published and --url override it.

    Example:

        civicwatch extract article.txt --published 2024-03-04
        civicwatch extract news/ --out out/ --include-boilerplate
        civicwatch extract news/ --format jsonl > events.jsonl

    Files that are missing, empty, binary or over 5 MB, and articles whose
    extraction runs past --timeout, are reported on stderr (one line each)
    and skipped; the rest of the batch still runs. A summary line (files,
    events, failures by reason) ends the run on stderr.

    Exit codes: 0 every input processed; 1 some input failed (or its --out
    file could not be written); 2 bad usage.
    """
    err = Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)
    output = _Output(
        err=err,
        console=Console(highlight=False, emoji=False, markup=False),
        output_format=output_format,
        out=out,
        include_boilerplate=include_boilerplate,
    )
    if out is not None:
        _make_out_dir(out, err)
    with _progress(paths, err, show=out is not None or not output.console.is_terminal) as advance:
        _check_language(language, err)
        from civicwatch.pipeline import process_paths

        for result in process_paths(paths, published=published, url=url, language=language, timeout=timeout):
            output.add(result)
            advance(result.path)
    raise typer.Exit(output.finish())


def _supported_languages() -> tuple[str, ...]:
    from civicwatch.extract.language import SUPPORTED

    return SUPPORTED


def _check_language(language: str | None, err: Console) -> None:
    """Exit 2 with one line when ``--language`` names a language the extractor does not read."""
    supported = _supported_languages()
    if language is not None and language not in supported:
        err.print(f"error: --language {language!r}: supported languages are {', '.join(supported)}")
        raise typer.Exit(2)


def _make_out_dir(out: Path, err: Console) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(f"error: {out}: cannot create output folder ({exc.strerror or exc})")
        raise typer.Exit(EXIT_FAILED) from exc


def _print_table(source: str, events: list[Event], console: Console) -> None:
    if not events:
        console.print(Text(f"{source}: no events"))
        return
    table = Table(title=Text(source), title_justify="left", show_lines=True)
    # Nine fields do not fit 80 columns side by side, so related ones share a cell
    # and the evidence keeps most of the width.
    table.add_column("event", no_wrap=True)
    table.add_column("targets / actor", overflow="fold", max_width=24)
    table.add_column("date / place", overflow="fold", max_width=22)
    table.add_column("evidence", overflow="fold", ratio=1)
    for event in events:
        # Text() keeps square brackets in news text from being read as rich markup.
        table.add_row(*(Text(cell) for cell in _row(event)))
    console.print(table)


def _row(event: Event) -> list[str]:
    evidence = " ".join(event.evidence.split())
    if len(evidence) > EVIDENCE_WIDTH:
        evidence = evidence[: EVIDENCE_WIDTH - 1] + "…"
    kind = f"{event.type}/{event.subtype}\n{event.status}, conf {event.confidence:.2f}"
    if event.boilerplate:
        kind += "\nboilerplate"
    who = "; ".join(event.targets) + (f"\nby {event.actor}" if event.actor else "")
    where = ", ".join(part for part in (event.location, event.country) if part)
    when_where = "\n".join(part for part in (event.date, where) if part)
    return [kind, who, when_where, evidence]


@contextmanager
def _progress(paths: list[Path], err: Console, show: bool) -> Iterator[Callable[[Path | str], None]]:
    """Yield an ``advance(path)`` callback that drives a progress bar on stderr.

    The bar appears only on a terminal, for big batches or once a batch has run
    for a while, and only when stdout is not the same screen (tables would tear it).
    """
    if not (show and err.is_terminal):
        yield lambda path: None
        return
    from civicwatch.pipeline import count_files

    total = count_files(paths)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        # Never capture stdout: it may be a JSON stream going to a pipe.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    task = progress.add_task("extracting", total=total)
    started = time.monotonic()

    def advance(path: Path | str) -> None:
        progress.update(task, advance=1, description=Path(path).name)
        if not progress.live.is_started and (
            total > PROGRESS_MIN_FILES or time.monotonic() - started > PROGRESS_AFTER_S
        ):
            progress.start()

    try:
        yield advance
    finally:
        progress.stop()


# ------------------------------------------------------------------------------------------ database
# The store imports SQLAlchemy and Alembic: done inside the commands, so `extract` starts as fast as before.

DB_HELP = (
    "Database: a SQLAlchemy URL (sqlite:///FILE, postgresql://USER@HOST:PORT/DB) or a SQLite file path. "
    "Default: $CIVICWATCH_DB, else the SQLite file $XDG_DATA_HOME/civicwatch/civicwatch.db "
    "(~/.local/share/civicwatch/civicwatch.db)."
)
DbOption = Annotated[str | None, typer.Option("--db", metavar="URL", help=DB_HELP, show_default=False)]
ACCOUNTS_DB_HELP = (
    "SQLite file of the accounts (users, API tokens, sessions), for a SQLite database whose folder is read-only "
    "or to keep the accounts elsewhere. Default: $CIVICWATCH_ACCOUNTS_DB, else the file beside the database "
    "(events.db -> events.accounts.db). PostgreSQL keeps them in a schema of the same database."
)
AccountsDbOption = Annotated[
    str | None, typer.Option("--accounts-db", metavar="FILE", help=ACCOUNTS_DB_HELP, show_default=False)
]

db_app = typer.Typer(
    help="The database: create it, or migrate it to the schema this civicwatch needs.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
registry_app = typer.Typer(
    help="Official registers (foreign agents, undesirable organisations, FARA): import snapshots.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(registry_app, name="registry")

from civicwatch.spark.cli import spark_app  # noqa: E402  (typer and rich only: pyspark loads when a job runs)

app.add_typer(spark_app, name="spark")


class EventsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class EntityFormat(StrEnum):
    table = "table"
    json = "json"


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, emoji=False, markup=False, soft_wrap=True)


@contextmanager
def _store_errors(err: Console) -> Iterator[None]:
    """A database problem becomes one ``error:`` line (it says how to fix it) and exit code 1."""
    from civicwatch.store import StoreError

    try:
        yield
    except StoreError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from exc


@app.command()
def ingest(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUT",
            help="Text (.txt) or HTML (.html) files, JSON lines (.jsonl), web archives (.warc, .warc.gz), "
            "folders of them, article URLs or RSS/Atom feed URLs, or the output folder of `civicwatch spark extract`.",
        ),
    ],
    db: DbOption = None,
    published: Annotated[
        date | None,
        typer.Option(
            parser=_parse_date, metavar="DATE", help="Publication date for every input; overrides meta files."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="Source URL; overrides meta files. One URL is one article: use it with one input."
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option(metavar="LANG", help="Language of every input (en, ru); detected by default.")
    ] = None,
    prefilter: Annotated[
        bool,
        typer.Option(
            "--prefilter/--no-prefilter",
            help="Screen pages on cheap text and extract only those about civic space (default: on).",
        ),
    ] = True,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", help="Allow URLs on loopback or private addresses (refused by default: SSRF guard)."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or notices: errors and summary only.")
    ] = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
) -> None:
    """Extract events from news and store them in the database.

    Reads text and HTML files, JSON lines (one article a line: url, title,
    published, and text or html), WARC archives (streamed), article URLs and
    RSS/Atom feeds (each item's link is fetched). Pages are screened first on
    cheaply extracted text; only those about civic space go to extraction.

    Each article is stored with its events, one mention per event (the
    article's own evidence and offsets) and the organizations, people and
    places they name. Reports of one act in several articles, in any
    language, become one event that counts its sources; a repost of a stored
    story is stored as its copy, without extracting it again.

    Safe to repeat and to interrupt: an article already stored (same URL or
    same text) is skipped before extraction, and each article is written in
    one transaction, so a killed run loses at most the article in flight and
    the next run picks up where it stopped.

    Nothing one input holds stops the batch: an unreadable file, a bad JSON
    line or WARC record, or an article whose extraction runs past --timeout
    is one "error: SOURCE: [POSITION: ]REASON" line on stderr, and the
    summary counts the failures by reason.

    The database is created on first use. Default: $CIVICWATCH_DB, else the
    SQLite file ~/.local/share/civicwatch/civicwatch.db (under $XDG_DATA_HOME
    when that is set).

    Example:

        civicwatch ingest news/
        civicwatch ingest CC-NEWS-20240501.warc.gz --quiet
        civicwatch ingest out/spark        # a `civicwatch spark extract` output: events stored as extracted
        civicwatch ingest https://example.org/feed.xml --db postgresql://civicwatch@localhost/civicwatch
        CIVICWATCH_DB=events.db civicwatch ingest article.txt --published 2024-03-04

    Exit codes: 0 every input stored, already stored or found irrelevant;
    1 some input failed (the others were stored) or the database cannot be
    used; 2 bad usage.
    """
    from civicwatch.clean.prefilter import Prefilter
    from civicwatch.pipeline.ingest import ingest_inputs
    from civicwatch.sources.fetch import Fetcher, FetchSettings
    from civicwatch.sources.inputs import InputOptions
    from civicwatch.store import connect, database_url, describe

    err = _stderr()
    _check_language(language, err)
    tally = _IngestTally()
    with _store_errors(err), Fetcher(FetchSettings(allow_private=allow_private)) as fetcher:
        engine = connect(db)
        options = InputOptions(
            published=published,
            url=url,
            language=language,
            prefilter=Prefilter.for_languages(_supported_languages()) if prefilter else None,
            fetcher=fetcher,
        )
        with _live_counts(err, show=not quiet, tally=tally) as refresh:
            for result in ingest_inputs(engine, inputs, options, timeout=timeout):
                _report(err, result, quiet)
                tally.add(result)
                refresh()
        engine.dispose()
    err.print(f"{tally.summary()}; database {describe(database_url(db))}")
    raise typer.Exit(EXIT_FAILED if tally.failed else EXIT_OK)


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(metavar="FEED", help="RSS or Atom feed URLs.")],
    db: DbOption = None,
    every: Annotated[
        str, typer.Option(metavar="INTERVAL", help="How often to poll: 90s, 15m, 2h (default 15m).")
    ] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    state: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Where seen items are remembered (default: in the user's data folder)."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow feeds on loopback or private addresses.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors and one summary line per poll only.")] = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
) -> None:
    """Poll feeds and ingest their new items, remembering across restarts what was seen.

    Each poll fetches every FEED, ingests the links not seen before (as
    `ingest` does: prefilter, extraction, merging) and records them as seen
    only once stored, so an interrupted poll is retried next time.

    Example:

        civicwatch watch https://example.org/rss https://example.net/atom.xml --every 30m
        civicwatch watch https://example.org/rss --once --quiet     # from cron
    """
    from civicwatch.clean.prefilter import Prefilter
    from civicwatch.pipeline.ingest import Ingest
    from civicwatch.sources.feeds import FeedState, read_feed
    from civicwatch.sources.fetch import Fetcher, FetchSettings
    from civicwatch.sources.files import SourceError
    from civicwatch.sources.inputs import InputOptions, fetch_article
    from civicwatch.store import connect, database_url, describe

    err = _stderr()
    try:
        interval = _parse_interval(every)
    except ValueError as exc:
        err.print(f"error: --every {every!r}: {exc}")
        raise typer.Exit(2) from None
    seen = FeedState(state)
    failed_any = False
    with _store_errors(err), Fetcher(FetchSettings(allow_private=allow_private)) as fetcher:
        engine = connect(db)
        run = Ingest(engine, timeout=timeout)
        options = InputOptions(prefilter=Prefilter.for_languages(_supported_languages()), fetcher=fetcher)
        while True:
            tally = _IngestTally()
            for feed in feeds:
                try:
                    items = read_feed(feed, fetcher)
                except SourceError as exc:  # FetchError: unreachable, refused, not a feed
                    err.print(f"error: {feed}: {exc.reason}")
                    tally.fail(exc.kind)
                    continue
                for item in seen.new_items(feed, items):
                    if item.error:  # an entry the feed reader could not make sense of: said, not skipped
                        err.print(f"error: {feed}: {item.error}")
                        tally.fail("bad-feed-item")
                        continue
                    if not item.link:
                        continue
                    result = run.loaded(fetch_article(item.link, options))
                    _report(err, result, quiet)
                    tally.add(result)
                    if result.status != "failed":
                        seen.mark_seen(feed, [item])
                seen.save()
            err.print(f"{tally.summary()}; database {describe(database_url(db))}")
            failed_any = failed_any or bool(tally.failed)
            if once:
                break
            time.sleep(interval)
        engine.dispose()
    raise typer.Exit(EXIT_FAILED if failed_any else EXIT_OK)


@registry_app.command("watch")
def registry_watch(
    url: Annotated[str, typer.Argument(metavar="URL", help="The register's official file (XLSX, CSV or JSON).")],
    kind: Annotated[RegistryKind, typer.Option("--kind", "-k", help="Which register the file is.")],
    db: DbOption = None,
    every: Annotated[str, typer.Option(metavar="INTERVAL", help="How often to poll: 30m, 6h, 1d (default 1d).")] = "1d",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    state: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Where the last file's ETag is kept (default: the user's data folder)."),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow a register on a loopback or private address.")
    ] = False,
) -> None:
    """Keep a register current: poll its file and import each new version.

    Each poll is a conditional GET through the guarded fetcher (the address
    is checked, robots.txt respected, failures retried): the server is sent
    the ETag and Last-Modified of the last import and an unchanged file costs
    a 304. A changed file is imported as a new snapshot (as `registry import`
    does: only what changed is added), then the news designations and
    delistings are checked against the registers again. One line per poll.

    Example:

        civicwatch registry watch https://example.org/export.xlsx --kind ru-foreign-agents --every 1d
        civicwatch registry watch https://example.org/export.xlsx -k ru-foreign-agents --once   # from cron
    """
    from civicwatch.pipeline.registry_watch import WatchState, parse_every, poll_registry
    from civicwatch.sources.fetch import Fetcher, FetchSettings
    from civicwatch.store import connect, database_url, describe

    err = _stderr()
    try:
        interval = parse_every(every)
    except ValueError as exc:
        err.print(f"error: --every {every!r}: {exc}")
        raise typer.Exit(2) from None
    seen = WatchState(state)
    failed_any = False
    with _store_errors(err), Fetcher(FetchSettings(allow_private=allow_private)) as fetcher:
        engine = connect(db)
        while True:
            result = poll_registry(engine, url, kind.value, seen, fetcher)
            where = f"database {describe(database_url(db))}"
            if result.status == "imported" and result.imported is not None:
                done = result.imported
                err.print(
                    f"{url} ({kind.value}): imported snapshot {done.import_id} ({done.new_entries} new, "
                    f"{done.changed_entries} changed entries); {_rechecked(done)}; {where}"
                )
            elif result.status == "unchanged":
                err.print(f"{url} ({kind.value}): unchanged ({result.reason}); {where}")
            else:
                err.print(f"error: {url}: {result.reason}")
                failed_any = True
            if once:
                break
            time.sleep(interval)
        engine.dispose()
    raise typer.Exit(EXIT_FAILED if failed_any else EXIT_OK)


def _parse_interval(value: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = value[:-1], value[-1:].lower()
    if unit not in units or not number.replace(".", "", 1).isdigit() or float(number) <= 0:
        raise ValueError("use a number with s, m or h, such as 15m")
    return float(number) * units[unit]


@dataclass
class _IngestTally:
    """Counts for the progress line and the summary: what was seen, kept, stored and why things failed."""

    seen: int = 0
    relevant: int = 0
    stored: int = 0
    copies: int = 0
    duplicate: int = 0
    failed: int = 0
    events: int = 0
    new: int = 0
    merged: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add(self, result) -> None:
        self.seen += 1
        if result.status == "irrelevant":
            return
        self.relevant += 1
        if result.status == "failed":
            self.fail(result.kind)
        elif result.status == "duplicate":
            self.duplicate += 1
        elif getattr(result, "story_id", None):
            self.copies += 1
        else:
            self.stored += 1
        self.events += result.events
        self.new += result.new_events
        self.merged += result.merged

    def fail(self, kind: str | None) -> None:
        """One more failure, counted under its reason's label (the readers' ``SourceError.kind``, "timeout")."""
        self.failed += 1
        self.reasons[kind or "unknown"] = self.reasons.get(kind or "unknown", 0) + 1

    def rate(self) -> float:
        return self.seen / max(time.monotonic() - self.started, 1e-6)

    def line(self) -> str:
        return (
            f"{self.seen} seen, {self.relevant} relevant, {self.events} events, {self.failed} failed "
            f"({self.rate():.0f} pages/s)"
        )

    def summary(self) -> str:
        text = (
            f"{_plural(self.seen, 'input')}: {self.relevant} relevant, {self.stored} stored "
            f"({_plural(self.events, 'event')}: {self.new} new, {self.merged} merged into stored events), "
            f"{self.copies} copies of stored stories, {self.duplicate} already stored, {self.failed} failed"
        )
        return text + _by_kind(self.reasons)


def _by_kind(counts: dict[str, int]) -> str:
    """Failures by reason for a summary line: " (no-text: 2, timeout: 1)", or nothing."""
    return " (" + ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())) + ")" if counts else ""


def _report(err: Console, result, quiet: bool) -> None:
    if result.status == "failed":
        err.print(f"error: {result.path}: {result.reason}")
    elif not quiet:
        if result.notice:
            err.print(f"notice: {result.path}: {result.notice}")
        if result.warning:
            err.print(f"warning: {result.warning}; ignored")


@contextmanager
def _live_counts(err: Console, show: bool, tally: _IngestTally) -> Iterator[Callable[[], None]]:
    """A live line on stderr (terminal only): pages seen, relevant, events, failed, pages/s."""
    if not (show and err.is_terminal):
        yield lambda: None
        return
    progress = Progress(
        TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True, redirect_stdout=False
    )
    task = progress.add_task(tally.line(), total=None)
    progress.start()

    def refresh() -> None:
        progress.update(task, description=tally.line())

    try:
        yield refresh
    finally:
        progress.stop()


@app.command()
def events(
    db: DbOption = None,
    event_type: Annotated[str | None, typer.Option("--type", metavar="TYPE", help="designation, sanction, ...")] = None,
    subtype: Annotated[str | None, typer.Option(metavar="SUBTYPE", help="foreign_agent, fine, ...")] = None,
    since: Annotated[
        date | None,
        typer.Option(parser=_parse_date, metavar="DATE", help="Events on or after DATE (undated events left out)."),
    ] = None,
    until: Annotated[
        date | None,
        typer.Option(parser=_parse_date, metavar="DATE", help="Events on or before DATE (undated events left out)."),
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Events naming this organization, person or place, in any spelling."),
    ] = None,
    output_format: Annotated[EventsFormat, typer.Option("--format", "-f", help="Output format.")] = EventsFormat.table,
    limit: Annotated[int | None, typer.Option(metavar="N", min=1, help="At most N events.")] = None,
    include_boilerplate: Annotated[
        bool, typer.Option("--include-boilerplate", help="Also list events reported only in boilerplate.")
    ] = False,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", "-q", metavar="WORDS", help='Full-text search, English or Russian: words, "a phrase", prefix*.'
        ),
    ] = None,
    review_state: Annotated[
        str | None, typer.Option(metavar="STATE", help="unreviewed, confirmed, rejected or edited.")
    ] = None,
) -> None:
    """List stored events, oldest first (undated last); events an analyst rejected only with --review-state rejected.

    A date filter keeps an event whose date reaches into the range: "2015-07"
    is kept by --since 2015-07-20. JSON output is {"data": [...], "count": N},
    each event with its mentions (the articles that report it); CSV has one
    row per event.

    Example:

        civicwatch events --type designation --subtype foreign_agent --since 2015-01-01
        civicwatch events --entity Memorial --format json
        civicwatch events --search "Мемориал штраф*" --review-state confirmed
        civicwatch events --format csv > events.csv
    """
    from civicwatch.core.schema import ALL_SUBTYPES, EVENT_TYPES
    from civicwatch.store import EventQuery, connect, find_entities, list_events, session
    from civicwatch.store.models import REVIEW_STATES

    if event_type is not None and event_type not in EVENT_TYPES:
        raise typer.BadParameter(f"{event_type!r}; one of {', '.join(EVENT_TYPES)}", param_hint="--type")
    known = EVENT_TYPES.get(event_type or "", ALL_SUBTYPES)
    if subtype is not None and subtype not in known:
        raise typer.BadParameter(f"{subtype!r}; one of {', '.join(dict.fromkeys(known))}", param_hint="--subtype")
    err = _stderr()
    if review_state is not None and review_state not in REVIEW_STATES:
        raise typer.BadParameter(f"{review_state!r}; one of {', '.join(REVIEW_STATES)}", param_hint="--review-state")
    flt = EventQuery(
        type=event_type,
        subtype=subtype,
        date_from=since,
        date_to=until,
        entity=entity,
        review_state=review_state,
        q=search,
        include_boilerplate=include_boilerplate,
        limit=limit,
    )
    with _store_errors(err):
        engine = connect(db, create=False)
        with session(engine) as s:
            if entity is not None and not find_entities(s, entity):
                err.print(f"note: no stored entity is named {entity!r}")
            rows = list_events(s, flt)
        engine.dispose()
    if output_format is EventsFormat.json:
        typer.echo(_dump({"data": [r.to_dict() for r in rows], "count": len(rows)}))
    elif output_format is EventsFormat.csv:
        typer.echo(_events_csv(rows), nl=False)
    else:
        _print_events(rows, Console(highlight=False, emoji=False, markup=False))
        err.print(_plural(len(rows), "event"))


_CSV_COLUMNS = (
    "id type subtype status date targets actor location country confidence sources boilerplate evidence url "
    "registry_check registry_entry register_date".split()
)


def _events_csv(rows: list) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        values = row.to_dict()
        values["targets"] = "; ".join(row.targets)
        # a news event: the registers' verdict and the entry it rests on; a register's event: its own entry
        check, source = row.registry_check or {}, row.registry or {}
        entry = source or check
        values["registry_check"] = check.get("verdict")
        values["registry_entry"] = f"{entry['register']} {entry['entry_id']}" if entry.get("register") else None
        values["register_date"] = check.get("register_date")
        writer.writerow(["" if values[c] is None else values[c] for c in _CSV_COLUMNS])
    return buffer.getvalue()


def _print_events(rows: list, console: Console, roles: dict[int, list[str]] | None = None) -> None:
    table = Table(show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("targets / actor", overflow="fold", max_width=24)
    table.add_column("date / place", overflow="fold", max_width=22)
    table.add_column("evidence", overflow="fold", ratio=1)
    for row in rows:
        kind = f"{row.type}/{row.subtype}\n{row.status}, conf {row.confidence:.2f}\n{_plural(row.sources, 'source')}"
        if roles is not None:
            kind += "\nas " + ", ".join(roles[row.id])
        if row.registry:
            kind += f"\nfrom register\n{row.registry['register']} {row.registry['entry_id']}"
        elif row.registry_check and row.registry_check["verdict"] != "not_checked":
            check = row.registry_check
            kind += f"\nregister: {check['verdict']}" + (
                f"\n({check['entry_id']} in {check['register']})" if check["entry_id"] else ""
            )
        evidence = " ".join(row.evidence.split())
        if len(evidence) > EVIDENCE_WIDTH:
            evidence = evidence[: EVIDENCE_WIDTH - 1] + "…"
        if row.url:
            evidence += f"\n{row.url}"
        who = "; ".join(row.targets) + (f"\nby {row.actor}" if row.actor else "")
        where = ", ".join(part for part in (row.location, row.country) if part)
        when_where = "\n".join(part for part in (row.date, where) if part)
        table.add_row(*(Text(cell) for cell in (str(row.id), kind, who, when_where, evidence)))
    console.print(table)


@app.command("entity")
def entity_command(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="A name in any spelling or language: Memorial, «Мемориал».")
    ],
    db: DbOption = None,
    output_format: Annotated[EntityFormat, typer.Option("--format", "-f", help="Output format.")] = EntityFormat.table,
    include_boilerplate: Annotated[
        bool, typer.Option("--include-boilerplate", help="Also list events reported only in boilerplate.")
    ] = False,
) -> None:
    """Show an organization, person or place: its aliases, registry status and the timeline of its events.

    NAME is looked up by its canonical key (so spellings, inflections and
    transliterations meet), then by recorded aliases, then as part of one.
    Every matching entity is shown, the one with most events first.

    Example:

        civicwatch entity "Committee Against Torture"
        civicwatch entity Мемориал --format json

    Exit codes: 0 found; 1 no entity of that name (or the database cannot be used).
    """
    from civicwatch.store import connect, entity_profile, find_entities, session

    err = _stderr()
    with _store_errors(err):
        engine = connect(db, create=False)
        with session(engine) as s:
            profiles = [entity_profile(s, e, include_boilerplate) for e in find_entities(s, name)]
        engine.dispose()
    if not profiles:
        err.print(f"error: no stored entity is named {name!r}; `civicwatch events --format json` lists what is stored")
        raise typer.Exit(EXIT_FAILED)
    if output_format is EntityFormat.json:
        typer.echo(_dump({"data": [p.to_dict() for p in profiles], "count": len(profiles)}))
        return
    console = Console(highlight=False, emoji=False, markup=False)
    for profile in profiles:
        _print_profile(profile, console)


def _print_profile(profile, console: Console) -> None:
    aliases = ", ".join(f"{a.name} ({a.language or '?'}, {a.seen}×)" for a in profile.aliases)
    if profile.registry:
        registry = "; ".join(
            ", ".join(f"{k}: {v}" for k, v in entry.items() if v is not None) for entry in profile.registry
        )
    else:
        registry = "not in any imported register"
    console.print(Text(f"{profile.name}  [{profile.kind}, key {profile.key}]"))
    console.print(Text(f"aliases: {aliases}"))
    console.print(Text(f"registry status: {registry}"))
    if not profile.timeline:
        console.print(Text("no events"))
        return
    rows = [item.event for item in profile.timeline]
    _print_events(rows, console, roles={item.event.id: item.roles for item in profile.timeline})


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database, or migrate it to the schema this civicwatch needs.

    A fresh database is also created by the first `civicwatch ingest`; an
    existing one made by an older civicwatch is only migrated by this command.

    Example:

        civicwatch db upgrade
        civicwatch db upgrade --db postgresql://civicwatch@localhost/civicwatch
    """
    from civicwatch.store import database_url, describe, make_engine, upgrade

    url = database_url(db)
    with _store_errors(_stderr()):
        engine = make_engine(url)
        before, after = upgrade(engine)
        engine.dispose()
    if before == after:
        typer.echo(f"{describe(url)}: already at schema revision {after}")
    else:
        typer.echo(f"{describe(url)}: schema revision {before or 'none (new database)'} -> {after}")


class RegistryKind(StrEnum):
    ru_foreign_agents = "ru-foreign-agents"
    ru_undesirable = "ru-undesirable"
    us_fara_registrants = "us-fara-registrants"
    us_fara_principals = "us-fara-principals"


@registry_app.command("import")
def registry_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", exists=True, dir_okay=False, readable=True, help="A register file (XLSX, CSV or JSON)."
        ),
    ],
    kind: Annotated[RegistryKind, typer.Option("--kind", "-k", help="Which register the file is.")],
    db: DbOption = None,
) -> None:
    """Import one register file as a dated snapshot, then check news events against it.

    The format within a kind is recognised from the content: ru-foreign-agents
    (Minjust XLSX export, camelot CSV, fz255 JSON), ru-undesirable (fz255 or
    chekazoid JSON), us-fara-registrants and us-fara-principals (FARA bulk CSV,
    eFile browse export). Entries become entities with their names as aliases;
    for the Russian registers each inclusion becomes a designation event and
    each exclusion a delisting event, dated by the register's decision. FARA
    entries are stored without events. Importing a later snapshot adds only
    what changed; a file already imported changes nothing. The import is one
    transaction: it is stored whole or not at all. Pension numbers and dates
    of birth are never stored.

    Then every designation and delisting reported in the news is checked
    against the registers: confirmed, contradicted, absent or not_checked
    (see `civicwatch events --format json`, field registry_check).

    Example:

        civicwatch registry import ru_minjust_foreign_agents_2025-08-15.xlsx --kind ru-foreign-agents
        civicwatch registry import us_fara_All_Registrants.csv --kind us-fara-registrants --db events.db

    Malformed rows are reported on stderr with their line numbers and skipped;
    the rest is imported. Exit codes: 0 imported (or already imported); 1 the
    database cannot be used; 2 bad usage, or the file is not of that kind
    (its columns are not the expected ones).
    """
    from civicwatch.registries import RegistryFormatError, read_registry
    from civicwatch.store import connect, database_url, describe
    from civicwatch.store.registry import file_sha256, import_snapshot

    err = _stderr()
    try:
        snapshot = read_registry(file, kind.value)
    except RegistryFormatError as exc:
        err.print(f"error: {' '.join(str(exc).split())}")
        raise typer.Exit(2) from exc
    except OSError as exc:
        err.print(f"error: {file}: cannot read ({exc.strerror or exc})")
        raise typer.Exit(2) from exc
    except Exception as exc:  # whatever the file holds: one line, never a traceback
        err.print(f"error: {file}: cannot be read as {kind.value} ({type(exc).__name__}: {' '.join(str(exc).split())})")
        raise typer.Exit(2) from exc
    for problem in snapshot.problems:
        err.print(f"problem: {file.name} line {problem.line}: {problem.reason}; skipped")
    with _store_errors(err):
        engine = connect(db)
        result = import_snapshot(engine, snapshot, file_sha256(file))
        engine.dispose()
    as_of = f", as of {result.as_of.isoformat()}" if result.as_of else ""
    where = f"database {describe(database_url(db))}"
    if result.status == "already imported":
        err.print(f"{file.name} ({kind.value}{as_of}): already imported (snapshot {result.import_id}); {where}")
        raise typer.Exit(EXIT_OK)
    entries = f"{result.entries} {'entry' if result.entries == 1 else 'entries'}"
    err.print(
        f"{file.name} ({kind.value}{as_of}): {entries} ({result.new_entries} new, {result.changed_entries} changed), "
        f"{_plural(result.designations, 'new designation')}, {_plural(result.delistings, 'delisting')}, "
        f"{_plural(len(result.problems), 'problem')}; {_rechecked(result)}; {where}"
    )
    raise typer.Exit(EXIT_OK)


def _rechecked(result: Any) -> str:
    """What an import's check of the news events did: "news events checked: 1 confirmed, 2 absent (for 7 added,
    changed or unlisted entries; 1 verdict changed)"."""
    checks = ", ".join(f"{n} {verdict}" for verdict, n in sorted(result.checks.items())) or "none"
    changed = _plural(result.verdicts_changed, "verdict") + " changed"
    return f"news events checked: {checks} (for {result.touched_entries} added, changed or unlisted entries; {changed})"


@app.command()
def serve(
    db: DbOption = None,
    accounts_db: AccountsDbOption = None,
    host: Annotated[str, typer.Option(metavar="HOST", help="Address to listen on; 0.0.0.0 for every interface.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(metavar="PORT", min=1, max=65535, help="Port to listen on.")] = 8000,
    private: Annotated[
        bool, typer.Option("--private", help="Require a log-in (or an API token) for every page and API call.")
    ] = False,
    workers: Annotated[
        int, typer.Option(metavar="N", min=1, help="Worker processes; about one per CPU core for many readers.")
    ] = 1,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark session cookies Secure (when served behind HTTPS).")
    ] = False,
    public_url: Annotated[
        str,
        typer.Option(metavar="URL", help="The site's public address, for the event links of exports and feeds."),
    ] = "",
) -> None:
    """Serve the web interface, the JSON API (/api, docs at /api/docs), exports and the Atom feed.

    Anyone who can reach HOST:PORT can read the events unless --private is
    given; analysts log in (accounts from `civicwatch user add`) to review.
    Stop it with Ctrl-C.

    Example:

        civicwatch serve --db events.db
        civicwatch serve --db /srv/readonly/events.db --accounts-db /var/lib/civicwatch/accounts.db
        civicwatch serve --db postgresql://civicwatch@localhost/civicwatch --host 0.0.0.0 --workers 2 --private
        curl 'http://127.0.0.1:8000/api/events?type=designation&limit=10'
    """
    import os

    import uvicorn

    from civicwatch.store import ACCOUNTS_ENV_VAR, ENV_VAR, connect, database_url, describe
    from civicwatch.web.app import ENV_PRIVATE, ENV_PUBLIC_URL, ENV_SECURE_COOKIES

    err = _stderr()
    with _store_errors(err):
        # fail here, with a hint, rather than in every worker; a fresh database gets its tables
        connect(db, accounts=accounts_db).dispose()
    # Workers are separate processes that build the app from an import string, so the options travel by environment.
    os.environ[ENV_VAR] = database_url(db)
    if accounts_db:
        os.environ[ACCOUNTS_ENV_VAR] = accounts_db
    os.environ[ENV_PRIVATE] = "1" if private else "0"
    os.environ[ENV_SECURE_COOKIES] = "1" if secure_cookies else "0"
    if public_url:
        os.environ[ENV_PUBLIC_URL] = public_url
    err.print(f"serving {describe(database_url(db))} on http://{host}:{port}/ (API docs at /api/docs); Ctrl-C stops")
    uvicorn.run(
        "civicwatch.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


class PublishFormat(StrEnum):
    sqlite = "sqlite"
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


@app.command()
def publish(
    out: Annotated[
        Path,
        typer.Option(
            "--out", metavar="PATH", help="The SQLite file to write (sqlite), or the folder for one file per table."
        ),
    ],
    db: DbOption = None,
    output_format: Annotated[
        PublishFormat, typer.Option("--format", help="sqlite: one file for Datasette; or parquet, csv, jsonl files.")
    ] = PublishFormat.sqlite,
    public_url: Annotated[
        str, typer.Option(metavar="URL", help="The site's address, for the events' event_url (https://example.org/).")
    ] = "",
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite an existing SQLite file.")] = False,
) -> None:
    """Write a copy of the published data that is safe to share: no accounts, no credentials.

    The copy holds articles, events (those an analyst rejected left out), their
    mentions, entities, aliases and register data. It never holds users,
    password hashes, API tokens, browser sessions, the audit log or analysts'
    names. The SQLite file is ready for Datasette: full-text search on events
    and articles (?_search=), JSON columns declared; its Datasette metadata is
    written beside it (PATH.metadata.json). The other formats write one file
    per table in the folder, events with the export columns (see README).

    Example:

        civicwatch publish --db events.db --out public.db
        datasette public.db -m public.metadata.json
        civicwatch publish --db events.db --format parquet --out public/
    """
    import json

    from civicwatch.store import connect
    from civicwatch.store.publish import PublishError, metadata_for, publish_database, publish_files

    err = _stderr()
    counts: dict[str, int] = {}
    progress = Progress(TextColumn("publishing {task.description}"), MofNCompleteColumn(), console=err, transient=True)
    task = progress.add_task("", total=None)

    def tally(table: str, rows: int) -> None:
        counts[table] = counts.get(table, 0) + rows
        progress.update(task, description=table, completed=counts[table])

    with _store_errors(err), progress if err.is_terminal else nullcontext():
        engine = connect(db, create=False)
        try:
            if output_format is PublishFormat.sqlite:
                publish_database(engine, out, progress=tally, replace=replace)
                metadata_path = out.with_suffix(".metadata.json")
                metadata_path.write_text(json.dumps(metadata_for(out.stem), indent=2, ensure_ascii=False) + "\n")
                err.print(f"wrote {out} and its Datasette metadata {metadata_path}")
            else:
                site = public_url.rstrip("/") + "/" if public_url else ""
                paths = publish_files(engine, out, output_format.value, site, progress=tally)
                err.print(f"wrote {len(paths)} {output_format.value} files in {out}")
        except (PublishError, OSError) as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(EXIT_FAILED) from exc
        finally:
            engine.dispose()
    err.print(", ".join(f"{table} {n}" for table, n in counts.items()) or "nothing to publish")


# ------------------------------------------------------------------------------------- accounts
# Analyst and admin accounts for the review workflow of the web app, and API tokens for scripts.

user_app = typer.Typer(
    help="Accounts of analysts and admins (who may review events in the web app) and their API tokens.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(user_app, name="user")

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of standard input (for scripts)."),
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _stderr().print("error: no password on standard input")
            raise typer.Exit(2)
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@contextmanager
def _account_session(db: str | None, accounts: str | None = None, create: bool = False) -> Iterator:
    """A session on the database, committed at the end; a store or account problem is one ``error:`` line and
    exit code 1."""
    from civicwatch.store import AccountError, connect, session

    err = _stderr()
    with _store_errors(err):
        engine = connect(db, create=create, accounts=accounts)
        try:
            with session(engine) as s:
                yield s
                s.commit()
        except AccountError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(EXIT_FAILED) from exc
        finally:
            engine.dispose()


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Username: 2-64 of a-z, 0-9, '_', '.', '-'.")],
    role: Annotated[str, typer.Option(metavar="ROLE", help="analyst (reviews events) or admin.")] = "analyst",
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    accounts_db: AccountsDbOption = None,
) -> None:
    """Create an account; asks for its password twice (at least 10 characters), or reads it with --password-stdin.

    Example:

        civicwatch user add anna
        printf '%s\\n' "$PASSWORD" | civicwatch user add bot --role analyst --password-stdin
    """
    from civicwatch.store import add_user

    password = _read_password(password_stdin)
    with _account_session(db, accounts_db, create=True) as s:
        user = add_user(s, name, password, role=role)
    _stderr().print(f"user {user.username} ({user.role}) added")


@user_app.command("list")
def user_list(db: DbOption = None, accounts_db: AccountsDbOption = None) -> None:
    """List accounts: id, username, role, state, creation time."""
    from civicwatch.store import list_users

    with _account_session(db, accounts_db) as s:
        users = list_users(s)
    for user in users:
        state = "disabled" if user.disabled else "active"
        typer.echo(f"{user.id}\t{user.username}\t{user.role}\t{state}\t{_when(user.created_at)}")
    _stderr().print(_plural(len(users), "user"))


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    accounts_db: AccountsDbOption = None,
) -> None:
    """Set a new password for an account (its browser sessions end; API tokens keep working)."""
    from civicwatch.store import set_password

    password = _read_password(password_stdin)
    with _account_session(db, accounts_db) as s:
        user = set_password(s, name, password)
    _stderr().print(f"password of {user.username} changed")


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOption = None, accounts_db: AccountsDbOption = None
) -> None:
    """Disable an account: no login, and its sessions and API tokens stop working."""
    from civicwatch.store import disable_user

    with _account_session(db, accounts_db) as s:
        user = disable_user(s, name)
    _stderr().print(f"user {user.username} disabled")


@user_app.command("enable")
def user_enable(
    name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOption = None, accounts_db: AccountsDbOption = None
) -> None:
    """Enable a disabled account again."""
    from civicwatch.store.accounts import enable_user

    with _account_session(db, accounts_db) as s:
        user = enable_user(s, name)
    _stderr().print(f"user {user.username} enabled")


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    label: Annotated[str, typer.Option("--name", metavar="LABEL", help="What the token is for.")],
    db: DbOption = None,
    accounts_db: AccountsDbOption = None,
) -> None:
    """Make an API token for an account and print it (once: only its hash is kept).

    Scripts send it as "Authorization: Bearer TOKEN".
    """
    from civicwatch.store import create_api_token

    with _account_session(db, accounts_db) as s:
        token = create_api_token(s, name, label)
    typer.echo(token)
    _stderr().print("keep this token secret; it is not shown again (`civicwatch user revoke ID` withdraws it)")


@user_app.command("tokens")
def user_tokens(
    name: Annotated[str, typer.Argument(metavar="NAME")], db: DbOption = None, accounts_db: AccountsDbOption = None
) -> None:
    """List an account's API tokens: id, name, created, last used, revoked."""
    from civicwatch.store import list_api_tokens

    with _account_session(db, accounts_db) as s:
        tokens = list_api_tokens(s, name)
    for token in tokens:
        revoked = f"revoked {_when(token.revoked_at)}" if token.revoked_at else "active"
        typer.echo(
            f"{token.id}\t{token.name}\tcreated {_when(token.created_at)}\t"
            f"last used {_when(token.last_used_at)}\t{revoked}"
        )
    _stderr().print(_plural(len(tokens), "token"))


@user_app.command("revoke")
def user_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="As `user tokens` lists it.")],
    db: DbOption = None,
    accounts_db: AccountsDbOption = None,
) -> None:
    """Revoke an API token by its id."""
    from civicwatch.store import revoke_api_token

    with _account_session(db, accounts_db) as s:
        token = revoke_api_token(s, token_id)
    _stderr().print(f"token {token.id} ({token.name}) revoked")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())


# ------------------------------------------------------------------------------ analysts' decisions

review_app = typer.Typer(
    help="Analysts' decisions from the command line: merge or split events, undo either, add or remove the "
    "names of an entity. Audited as the web app's are.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(review_app, name="review")

ByOption = Annotated[
    str | None,
    typer.Option("--user", metavar="NAME", help="Who decides, for the audit log (default: your login name)."),
]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Why, for the audit log.")]


def _analyst(user: str | None) -> str:
    import getpass

    try:
        return user or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "command line"


@contextmanager
def _review_session(db: str | None) -> Iterator:
    """A session on the database, committed at the end; a refused decision or a store problem is one ``error:``
    line and exit code 1 (nothing is changed)."""
    from civicwatch.store import ReviewError, connect, session

    err = _stderr()
    with _store_errors(err):
        engine = connect(db, create=False)
        try:
            with session(engine) as s:
                yield s
                s.commit()
        except ReviewError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(EXIT_FAILED) from exc
        finally:
            engine.dispose()


def _audit_id(s, action: str, event_id: int) -> int:
    from sqlalchemy import func, select

    from civicwatch.store.models import AuditLogEntry

    query = select(func.max(AuditLogEntry.id)).where(
        AuditLogEntry.action == action, AuditLogEntry.object_type == "event", AuditLogEntry.object_id == str(event_id)
    )
    return s.scalar(query)


EventId = Annotated[int, typer.Argument(metavar="EVENT", help="An event id (`civicwatch events` lists them).")]


@review_app.command("merge")
def review_merge(
    event: EventId,
    other: Annotated[int, typer.Argument(metavar="OTHER", help="The event whose reports join EVENT.")],
    user: ByOption = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Merge event OTHER into event EVENT: the same act, which ingest did not join.

    OTHER's reports move to EVENT; OTHER is kept, marked merged (its page and
    its feed entry point to EVENT). Later ingests keep the decision. Refused
    when one article reports both events (an article reports an act once).

    Example:

        civicwatch review merge 12 15 --note "the same raid, 3 June"

    Exit codes: 0 merged; 1 refused or the database cannot be used.
    """
    from civicwatch.store.merges import merge_events

    with _review_session(db) as s:
        merged = merge_events(s, event, other, _analyst(user), note)
        audit, sources = _audit_id(s, "merge", event), merged.source_count
    typer.echo(f"event {other} merged into event {event} ({_plural(sources, 'report')})")
    _stderr().print(f"undo with: civicwatch review undo {audit}")


@review_app.command("split")
def review_split(
    event: EventId,
    article: Annotated[
        int, typer.Option(metavar="ARTICLE", help="The article whose report leaves EVENT (see `events --format json`).")
    ],
    user: ByOption = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Split one article's report off event EVENT into a new event of its own: a wrong merge.

    Example:

        civicwatch review split 12 --article 40 --note "another court, another day"

    Exit codes: 0 split; 1 refused or the database cannot be used.
    """
    from civicwatch.store.merges import split_report

    with _review_session(db) as s:
        new = split_report(s, event, article, _analyst(user), note)
        audit, new_id = _audit_id(s, "split", event), new.id
    typer.echo(f"the report of article {article} is event {new_id} now, split off event {event}")
    _stderr().print(f"undo with: civicwatch review undo {audit}")


@review_app.command("undo")
def review_undo(
    audit: Annotated[int, typer.Argument(metavar="AUDIT_ID", help="The audit entry of the merge or split.")],
    user: ByOption = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Take back a merge or a split: the reports go back where they were.

    AUDIT_ID is printed by `review merge` and `review split`, and listed in
    the event's history (its page, or /api/events/ID/history).

    Exit codes: 0 undone; 1 refused (not a merge or split, undone already) or the database cannot be used.
    """
    from civicwatch.store.merges import undo

    with _review_session(db) as s:
        event = undo(s, audit, _analyst(user), note)
        event_id = event.id
    typer.echo(f"audit entry {audit} undone (event {event_id})")


@review_app.command("alias-add")
def review_alias_add(
    entity: Annotated[int, typer.Argument(metavar="ENTITY", help="An entity id (`civicwatch entity NAME`).")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="Another name of it, in any language.")],
    language: Annotated[str | None, typer.Option(metavar="CODE", help="The name's language: en, ru, ...")] = None,
    user: ByOption = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Add a name of an entity: later reports using it resolve to the entity, and so do the events stored before.

    Example:

        civicwatch review alias-add 7 "Комитет против пыток" --language ru

    Exit codes: 0 added; 1 refused or the database cannot be used.
    """
    from civicwatch.store.review import add_alias, entity_history

    with _review_session(db) as s:
        alias = add_alias(s, entity, _analyst(user), name, language, note)
        added, relinked = alias.name, (entity_history(s, entity)[-1].after or {}).get("relinked", [])
    typer.echo(f"{added!r} is a name of entity {entity}; {_plural(len(relinked), 'stored event')} linked to it again")


@review_app.command("alias-remove")
def review_alias_remove(
    entity: Annotated[int, typer.Argument(metavar="ENTITY", help="An entity id (`civicwatch entity NAME`).")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name an analyst added to it.")],
    user: ByOption = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Take back a name an analyst added: the events it linked are linked again by their own names.

    `review alias-add` with the same name restores it (the audit log keeps
    what it was: its language, who added it).

    Exit codes: 0 removed; 1 not an analyst's name of the entity, or the database cannot be used.
    """
    from civicwatch.store.review import remove_alias

    with _review_session(db) as s:
        relinked = remove_alias(s, entity, _analyst(user), name, note)
    typer.echo(f"{name!r} removed from entity {entity}; {_plural(len(relinked), 'stored event')} linked again")


# ------------------------------------------------------------------------------ the learning loop

models_app = typer.Typer(
    help="Installed extraction models: list them, or choose the one extraction uses.",
    invoke_without_command=True,
    add_completion=False,
)
app.add_typer(models_app, name="models")


def _score(result: dict | None) -> str:
    if result is None:
        return f"{'-':>5}  {'':5} {'':5}"
    return f"{result['f1']:5.3f}  {result['precision']:5.3f} {result['recall']:5.3f}"


@app.command()
def train(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database whose reviewed events are examples (none: corpora only).",
            show_default=False,
        ),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", metavar="DIR", help="Annotated articles (NAME.txt + NAME.gold.json); repeatable."),
    ] = None,
    dev: Annotated[
        Path | None,
        typer.Option("--dev", metavar="DIR", help="Annotated articles both models are scored on; they decide."),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    force: Annotated[bool, typer.Option("--force", help="Install the candidate even if a score is lower.")] = False,
    no_seed: Annotated[bool, typer.Option("--no-seed", help="Leave out the shipped seed corpus.")] = False,
) -> None:
    """Train a candidate extraction model from analysts' reviews and annotated corpora, and install it
    when it is at least as good as the current one.

    The candidate learns from the shipped seed corpus, every --corpus folder and the reviewed articles of
    the database (confirmed, edited and added events are examples of events, rejected ones of what is
    not). Its cross-validated scores (per language, per type) are printed beside the current model's,
    and with --dev both models' scores on that folder, which then decide. It is installed in the user's
    data folder ($CIVICWATCH_DATA_DIR, else $XDG_DATA_HOME/civicwatch) only when no deciding score is
    lower, unless --force. Needs scikit-learn (pip install 'civicwatch[train]').

    Example:

        civicwatch train --db out/demo.db --dev ../shared/eval/dev
        civicwatch train --corpus ../shared/eval/train --folds 3 --force
    """
    from civicwatch.pipeline.learning import train_candidate
    from civicwatch.store import connect

    err = _stderr()
    for folder in [*(corpus or []), *([dev] if dev else [])]:
        if not folder.is_dir():
            err.print(f"error: {folder} is not a folder")
            raise typer.Exit(2)
    with _store_errors(err):
        engine = connect(db, create=False) if db else None
        try:
            outcome = train_candidate(
                engine, list(corpus or []), dev, folds, force, seed=not no_seed, log=lambda line: err.print(line)
            )
        except (ValueError, ImportError) as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(EXIT_FAILED) from exc
        finally:
            if engine is not None:
                engine.dispose()
    typer.echo(f"{'':22}{'current ' + outcome.current:<24}  candidate {outcome.candidate}")
    typer.echo(f"{'score':22}{'F1':>5}  {'P':>5} {'R':>5}     {'F1':>5}  {'P':>5} {'R':>5}   {'change':>6}")
    for row in outcome.rows:
        change = ""
        if row.current is not None and row.candidate is not None:
            change = f"{row.candidate['f1'] - row.current['f1']:+6.3f}" + (" lower" if row.regressed else "")
        typer.echo(f"{row.name:22}{_score(row.current)}     {_score(row.candidate)}   {change}")
    verdict = "installed" if outcome.installed else "not installed"
    typer.echo(f"candidate {outcome.candidate} {verdict}: {outcome.reason}")
    if not outcome.installed:
        raise typer.Exit(EXIT_FAILED)


@models_app.callback()
def models_list(ctx: typer.Context) -> None:
    """List the installed extraction models (the one in use marked *); `civicwatch models use VERSION` switches.

    Versions live in the user's data folder; "package" is the model shipped with civicwatch.
    """
    if ctx.invoked_subcommand is not None:
        return
    from civicwatch.extract import learn

    current = learn.current_version()
    for version in [learn.PACKAGE, *learn.installed_versions()]:
        report = learn.version_report(version)
        cv = report.get("cv", {})
        scores = " ".join(f"{k} {v['f1']:.3f}" for k, v in cv.items() if isinstance(v, dict) and "f1" in v)
        examples = report.get("examples") or {"corpus": report.get("corpus", {}).get("articles", 0)}
        trained = ", ".join(f"{n} {name}" for name, n in examples.items())
        mark = "*" if version == current else " "
        typer.echo(f"{mark} {version}\t{report.get('created', '-')}\tcv F1 {scores or '-'}\t{trained}")


@models_app.command("use")
def models_use(
    version: Annotated[str, typer.Argument(metavar="VERSION", help="A listed version, or 'package'.")],
) -> None:
    """Extract with this installed model version from now on (`civicwatch reextract` applies it to stored
    articles)."""
    from civicwatch.extract import learn

    try:
        learn.set_current(version)
    except FileNotFoundError as exc:
        _stderr().print(f"error: {exc}")
        raise typer.Exit(EXIT_FAILED) from exc
    typer.echo(f"extraction uses model {version}")


@app.command()
def reextract(
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only articles published on or after this day.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", metavar="VERSION", help="An installed model version (default: current).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Extract the stored articles again, with the current model or --model VERSION.

    Analysts' work stays: edited fields keep their values, rejected events stay rejected, confirmed and
    added events stay. Prints the events added, removed and changed, by type.

    Example:

        civicwatch train --db out/demo.db && civicwatch reextract --db out/demo.db --since 2024-01-01
    """
    from civicwatch.extract import learn
    from civicwatch.pipeline.learning import reextract as run
    from civicwatch.store import connect

    err = _stderr()
    day = _parse_date(since) if since else None
    if model is not None and model not in [learn.PACKAGE, *learn.installed_versions()]:
        known = ", ".join([learn.PACKAGE, *learn.installed_versions()])
        err.print(f"error: no installed model version {model!r}: known versions are {known}")
        raise typer.Exit(EXIT_FAILED)
    with _store_errors(err):
        engine = connect(db, create=False)
        outcome = None
        with Progress(
            TextColumn("re-extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=True,
        ) as bar:
            task = bar.add_task("articles", total=None)
            for done, total, latest in run(engine, day, model):
                bar.update(task, completed=done, total=total)
                outcome = latest
        engine.dispose()
    if outcome is None:
        typer.echo("no articles to re-extract")
        return
    for line in outcome.failed:
        err.print(f"error: {line}")
    changes = outcome.changes
    kinds = sorted(set(changes.added) | set(changes.removed) | set(changes.changed) | set(changes.kept))
    table = Table("type", "added", "removed", "changed", "reviewed, kept", box=None)
    for kind in kinds:
        table.add_row(kind, *(str(getattr(changes, n)[kind]) for n in ("added", "removed", "changed", "kept")))
    table.add_row("all", *(str(sum(getattr(changes, n).values())) for n in ("added", "removed", "changed", "kept")))
    Console(highlight=False, emoji=False, markup=False).print(table)
    typer.echo(f"{outcome.articles} articles re-extracted with model {outcome.version}")
    if outcome.failed:
        raise typer.Exit(EXIT_FAILED)
