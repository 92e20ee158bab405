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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import civicwatch
from civicwatch.extract.language import SUPPORTED as SUPPORTED_LANGUAGES
from civicwatch.model import Event
from civicwatch.pipeline import FileResult, count_files, process_paths

EXIT_OK = 0
EXIT_FAILED = 1  # some input could not be processed; the others were
# Usage errors exit with 2 (typer's own convention).

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
            self.fail(result.path, result.error)
            return
        events = [e for e in result.events if self.include_boilerplate or not e.boilerplate]
        self.events += len(events)
        self.hidden += len(result.events) - len(events)
        self._emit(result.path, events)

    def fail(self, path: Path, reason: str) -> None:
        self.failed += 1
        self.err.print(f"error: {path}: {reason}")

    def _emit(self, path: Path, events: list[Event]) -> None:
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

    def _write(self, out: Path, path: Path, events: list[Event]) -> None:
        target = out / f"{path.stem}.json"
        if target in self.written:
            # Same NAME.txt in two input folders: say so rather than lose one silently.
            self.err.print(f"warning: {target} written twice (two inputs are named {path.name}); last one kept")
        try:
            target.write_text(_dump([e.to_dict() for e in events]) + "\n", encoding="utf-8")
        except OSError as exc:
            self.fail(path, f"cannot write {target} ({exc.strerror or exc})")
            return
        self.written.add(target)

    def finish(self) -> int:
        """Print what had to wait for the end, then the summary; return the exit code."""
        if self.out is None and self.output_format is OutputFormat.json:
            typer.echo(_dump(self.json_items))
        hidden = f" ({self.hidden} boilerplate hidden)" if self.hidden else ""
        self.err.print(f"{_plural(self.files, 'file')}, {_plural(self.events, 'event')}{hidden}, {self.failed} failed")
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

    Files that are missing, empty, binary or over 5 MB are reported on stderr
    (one line each) and skipped; the rest of the batch still runs. A summary
    line (files, events, failures) ends the run on stderr.

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
        if language is not None and language not in SUPPORTED_LANGUAGES:
            err.print(f"error: --language {language!r}: supported languages are {', '.join(SUPPORTED_LANGUAGES)}")
            raise typer.Exit(2)
        for result in process_paths(paths, published=published, url=url, language=language):
            output.add(result)
            advance(result.path)
    raise typer.Exit(output.finish())


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
def _progress(paths: list[Path], err: Console, show: bool) -> Iterator[Callable[[Path], None]]:
    """Yield an ``advance(path)`` callback that drives a progress bar on stderr.

    The bar appears only on a terminal, for big batches or once a batch has run
    for a while, and only when stdout is not the same screen (tables would tear it).
    """
    if not (show and err.is_terminal):
        yield lambda path: None
        return
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

    def advance(path: Path) -> None:
        progress.update(task, advance=1, description=path.name)
        if not progress.live.is_started and (
            total > PROGRESS_MIN_FILES or time.monotonic() - started > PROGRESS_AFTER_S
        ):
            progress.start()

    try:
        yield advance
    finally:
        progress.stop()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
