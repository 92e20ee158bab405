"""Full-text search benchmark: search and filtered listing over many events in SQLite.

usage: python bench/bench_search.py [--events 100000] [--db FILE] [--repeat 50]

Builds (or reuses, with --db naming an existing file) a SQLite database of N synthetic events in
English and Russian, each with a mention and an article (inserted in bulk; the triggers of migration
0004 index them, and the time that takes is reported as the indexing cost per event), then times:

* ``fulltext_event_ids`` alone (the ids matching a query: common words, rare words, prefixes, phrases);
* a page of 50 events matching a query, newest first (what ``/events?q=`` needs);
* the count of events matching a query (what a paginated answer's ``count`` needs);
* a page of 50 events in one review state.

Prints the median and p95 in milliseconds of each. The goal the web UI sets (issue 6): a page of
``/events`` in under 100 ms at p95 with 100,000 events; search must be a small part of it.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import select  # noqa: E402

from civicwatch.store import connect, fulltext_event_ids, session  # noqa: E402
from civicwatch.store.models import Article, Event, Mention  # noqa: E402

WORDS_EN = "court ministry fined liquidation register agent raid office journalist editor police".split()
WORDS_RU = "суд министерство оштрафовал ликвидация реестр иноагент обыск офис журналист редактор".split()
ORGS = ["Memorial", "Meduza", "OVD-Info", "Agora", "«Мемориал»", "«Новая газета»", "Голос", "Dozhd", "Sova"]
KINDS = [("designation", "foreign_agent"), ("sanction", "fine"), ("prosecution", "raid"), ("closure", "suspension")]
QUERIES = ["memorial", "мемориал", "liquidation court", "оштраф*", '"foreign agent"', "sova raid", "xyzzy"]
GOAL_MS = 100.0


def build(engine, n: int, seed: int = 7) -> float:
    """Insert n events (each with its article and mention); returns seconds taken."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    started = time.perf_counter()
    batch = 5000
    with engine.begin() as connection:
        for start in range(0, n, batch):
            articles, events, mentions = [], [], []
            for i in range(start, min(n, start + batch)):
                words = WORDS_RU if i % 2 else WORDS_EN
                org = rng.choice(ORGS)
                event_type, subtype = rng.choice(KINDS)
                evidence = f"{org} " + " ".join(rng.choice(words) for _ in range(18)) + f" {i}."
                day = f"20{rng.randint(12, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                articles.append(
                    {"id": i + 1, "title": f"{org} {rng.choice(words)} {rng.choice(words)} news", "text": evidence,
                     "text_hash": f"{i:064x}", "event_count": 1, "language": "ru" if i % 2 else "en",
                     "ingested_at": now}
                )  # fmt: skip
                common = {"type": event_type, "subtype": subtype, "status": "occurred", "targets": [org],
                          "evidence": evidence, "confidence": 0.8, "boilerplate": False, "evidence_start": 0,
                          "evidence_end": len(evidence), "date": day}  # fmt: skip
                events.append(
                    {"id": i + 1, **common, "date_start": day, "date_end": day, "source_count": 1,
                     "evidence_article_id": i + 1, "country": "RU",
                     "review_state": rng.choice(["unreviewed"] * 8 + ["confirmed", "rejected"])}
                )  # fmt: skip
                mentions.append({"event_id": i + 1, "article_id": i + 1, **common, "extra": {}})
            connection.execute(sa.insert(Article.__table__), articles)
            connection.execute(sa.insert(Event.__table__), _dated(events))
            connection.execute(sa.insert(Mention.__table__), mentions)
    return time.perf_counter() - started


def _dated(rows: list[dict]) -> list[dict]:
    now = datetime.now(UTC)
    for row in rows:
        row["date_start"] = row["date_end"] = date.fromisoformat(row["date_start"])
        row["created_at"] = row["updated_at"] = now
    return rows


def timed(action, repeat: int) -> tuple[float, float]:
    """(median, p95) milliseconds of ``action()`` over ``repeat`` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="a SQLite file (built when missing, reused when present)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    path = args.db or Path(scratch.name) / "bench.db"
    fresh = not path.exists()
    engine = connect(str(path))
    if fresh:
        seconds = build(engine, args.events)
        print(f"built {args.events} events in {seconds:.1f} s ({seconds / args.events * 1e6:.0f} µs per event, "
              "indexing by triggers included)")  # fmt: skip
    results = {}
    with session(engine) as s:
        total = s.scalar(select(sa.func.count()).select_from(Event))
        print(f"{total} events in {path}")
        for q in QUERIES:
            ids = fulltext_event_ids(s, q)
            hits = s.scalar(select(sa.func.count()).select_from(ids.subquery()))
            median, p95 = timed(lambda ids=ids: s.execute(ids).all(), args.repeat)
            page = select(Event).where(Event.id.in_(ids)).order_by(Event.date_start.desc(), Event.id).limit(50)
            page_median, page_p95 = timed(lambda page=page: s.scalars(page).all(), args.repeat)
            counted = select(sa.func.count()).select_from(Event).where(Event.id.in_(ids))
            count_median, count_p95 = timed(lambda counted=counted: s.scalar(counted), args.repeat)
            results[q] = {
                "hits": hits,
                "ids_ms": [median, p95],
                "page_ms": [page_median, page_p95],
                "count_ms": [count_median, count_p95],
            }
            print(
                f"{q!r:>22}: {hits:>6} hits; all ids {median:7.1f} / {p95:7.1f} ms; "
                f"page of 50 newest {page_median:6.1f} / {page_p95:6.1f} ms; "
                f"count {count_median:6.1f} / {count_p95:6.1f} ms (median / p95)"
            )
        page = select(Event).where(Event.review_state == "confirmed").order_by(Event.date_start.desc()).limit(50)
        median, p95 = timed(lambda: s.scalars(page).all(), args.repeat)
        print(f"{'review_state=confirmed':>22}: page of 50 newest {median:6.1f} / {p95:6.1f} ms")
    worst = max(r["page_ms"][1] for r in results.values())
    print(f"worst p95 of a search page: {worst:.1f} ms (goal for a whole /events page: < {GOAL_MS:.0f} ms)")
    print(json.dumps({"events": total, "queries": results}, ensure_ascii=False))
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
