"""Registry import benchmark: the Minjust foreign-agent XLSX and the FARA registrants CSV into fresh databases.

usage: python bench/bench_registry.py REGISTRIES_DIR [--repeat 3] [--db URL]

REGISTRIES_DIR is ../shared/registries. Each measurement runs ``--repeat`` times, each time on a fresh
SQLite file in a temporary folder (or on --db, which must then be an empty PostgreSQL database: every
table is emptied before each run), and the median is printed with the fastest and slowest run:

1. ``first``: ru_minjust_foreign_agents_2025-08-15.xlsx (1,050 rows) into an empty database: reading
   the file, 1,050 records, their entities and aliases, 1,050 designation and 232 delisting events;
2. ``second``: ru_minjust_foreign_agents_2025-08-15.xlsx into a database that holds the 2025-08-08
   export (1,045 rows, imported untimed): the weekly update (5 new designations, 1 delisting);
3. ``again``: the same file once more (recognised by its hash, nothing written);
4. ``fara``: us_fara_All_Registrants_2025-04-09.csv (6,928 rows, no events) into an empty database.

Each figure is the whole ``import_registry`` call (read, import, check of stored news events: none
here), in one transaction, as ``civicwatch registry import`` runs it. Reading alone is printed too. The
first run of each measurement is also printed on its own ("cold"): the first runs of the process pay for
the name keys (pymorphy, transliteration) that ``civicwatch.resolve`` caches; a one-off
``civicwatch registry import`` pays that too.
The figures depend on the machine and its disk: quote them with the CPU they were measured on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from civicwatch.registries import read_registry
from civicwatch.store import connect
from civicwatch.store.registry import import_registry

XLSX_0808 = "ru_minjust_foreign_agents_2025-08-08.xlsx"
XLSX_0815 = "ru_minjust_foreign_agents_2025-08-15.xlsx"
REGISTRANTS = "us_fara_All_Registrants_2025-04-09.csv"
TABLES = (
    "registry_checks", "registry_event_sources", "registry_records", "registry_imports",
    "event_entities", "mentions", "aliases", "events", "entities", "articles",
)  # fmt: skip


def fresh_engine(db: str | None, scratch: Path, run: int):
    if db is None:
        return connect(f"sqlite:///{scratch / f'bench-{run}.db'}")
    engine = connect(db)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    return engine


def measure(repeat: int, db: str | None, prepare: Callable, timed: Callable) -> tuple[list[float], object]:
    """Seconds of ``timed(engine)`` on a fresh database after an untimed ``prepare(engine)``, ``repeat`` times."""
    seconds, result = [], None
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(repeat):
            engine = fresh_engine(db, Path(scratch), run)
            prepare(engine)
            start = time.perf_counter()
            result = timed(engine)
            seconds.append(time.perf_counter() - start)
            engine.dispose()
    return seconds, result


def line(label: str, seconds: list[float], rows: int, note: str) -> str:
    median = statistics.median(seconds)
    rate = f"{rows / median:,.0f} rows/s" if rows else ""
    spread = f"min {min(seconds):.2f}, max {max(seconds):.2f}, cold {seconds[0]:.2f}"
    return f"{label:<8} {median:6.2f} s median ({spread}) {rate:>14}  {note}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registries", type=Path, help="the folder of registry files (../shared/registries)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: fresh temporary SQLite files)")
    args = parser.parse_args(argv)
    folder = args.registries
    missing = [name for name in (XLSX_0808, XLSX_0815, REGISTRANTS) if not (folder / name).is_file()]
    if missing:
        raise SystemExit(f"not found in {folder}: {', '.join(missing)}")

    def nothing(engine) -> None:
        return None

    def weekly(name: str):
        return lambda engine: import_registry(engine, folder / name, "ru-foreign-agents")

    start = time.perf_counter()
    read_registry(folder / XLSX_0815, "ru-foreign-agents")
    read_xlsx = time.perf_counter() - start
    start = time.perf_counter()
    read_registry(folder / REGISTRANTS, "us-fara-registrants")
    read_csv = time.perf_counter() - start

    def both(engine) -> None:
        weekly(XLSX_0808)(engine)
        weekly(XLSX_0815)(engine)

    first, first_result = measure(args.repeat, args.db, nothing, weekly(XLSX_0815))
    second, second_result = measure(args.repeat, args.db, weekly(XLSX_0808), weekly(XLSX_0815))
    again, again_result = measure(args.repeat, args.db, both, weekly(XLSX_0815))
    fara, fara_result = measure(
        args.repeat,
        args.db,
        nothing,
        lambda engine: import_registry(engine, folder / REGISTRANTS, "us-fara-registrants"),
    )

    print(f"database     {args.db or 'fresh temporary SQLite file per run'}; {args.repeat} runs each")
    print(f"read only    XLSX {read_xlsx:.2f} s (1,050 rows), FARA CSV {read_csv:.2f} s (6,928 rows), first read")
    print(
        line(
            "first",
            first,
            first_result.entries,
            f"{XLSX_0815} into an empty database: {first_result.entries} entries, "
            f"{first_result.designations} designations, {first_result.delistings} delistings",
        )
    )
    print(
        line(
            "second",
            second,
            0,
            f"{XLSX_0815} after {XLSX_0808}: {second_result.new_entries} new entries, "
            f"{second_result.designations} designations, {second_result.delistings} delisting",
        )
    )
    print(line("again", again, 0, f"{XLSX_0815} a second time: {again_result.status}"))
    print(
        line(
            "fara",
            fara,
            fara_result.entries,
            f"{REGISTRANTS} into an empty database: {fara_result.entries} entries, no events",
        )
    )
    ok = (first_result.designations, second_result.designations, second_result.delistings) == (1050, 5, 1)
    return 0 if ok and again_result.status == "already imported" else 1


if __name__ == "__main__":
    sys.exit(main())
