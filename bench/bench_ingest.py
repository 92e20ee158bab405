"""Storage benchmark: ingest a batch of articles into a SQLite database.

usage: python bench/bench_ingest.py DEV_DIR [--n 10000] [--db URL] [--extract [--timeout SECONDS]]

Builds N distinct articles from DEV_DIR's NAME.txt files, repeated in order: copy k of an article
gets a closing paragraph of filler words (so it is neither the same text nor a near-duplicate),
a URL of its own and a publication date k days after the original's (modulo a year). The events of each distinct article
are extracted once, before the clock starts, and given to every copy: the benchmark times what
``civicwatch ingest`` adds to extraction (duplicate checks, entity resolution, cross-article
merging, one transaction per article), which ``bench/bench_extract.py`` does not measure. With
--extract every copy is extracted again inside the timed loop, through ``extract_article`` with its
per-article time cap (``--timeout``, default 10 s), as ``civicwatch ingest`` does: the full path;
a few articles/s on one core, so use a smaller --n.

Prints articles per second, the stored articles, events, mentions and entities, and the database
size (SQLite: the file after a WAL checkpoint). The database is a temporary SQLite file unless --db
names one (it should be empty). The figures depend on the machine and its disk.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from civicwatch.model import Article as ArticleIn
from civicwatch.pipeline import FileResult, extract_into, process_article
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import connect, session
from civicwatch.store.engine import sqlite_file
from civicwatch.store.models import Alias, Article, Entity, Event, Mention


def _meta(txt: Path) -> dict:
    for suffix in ("meta", "gold"):
        sidecar = txt.with_name(f"{txt.stem}.{suffix}.json")
        if sidecar.exists():
            return json.loads(sidecar.read_text(encoding="utf-8"))
    return {}


def load_distinct(dev_dir: Path) -> list[tuple[ArticleIn, list]]:
    """Each dev article with its extracted events (extraction happens here, untimed)."""
    out = []
    for txt in sorted(dev_dir.glob("*.txt")):
        meta = _meta(txt)
        published = date.fromisoformat(meta["published"][:10]) if meta.get("published") else None
        source = str(meta.get("source") or "")
        url = meta.get("url") or (source if source.startswith("http") else None)
        article = ArticleIn(text=txt.read_text(encoding="utf-8"), published=published, url=url, source=str(txt))
        out.append((article, process_article(article)))
    if not out:
        raise SystemExit(f"no *.txt articles in {dev_dir}")
    return out


_FILLER_WORDS = (
    "market weather season council river harbour festival library school bridge garden museum railway "
    "village orchestra harvest stadium tournament bakery theatre clinic ferry lighthouse vineyard"
).split()


def _filler(text: str, seed: int) -> str:
    """A closing paragraph of other words, long enough that copies are not near-duplicates of each other
    (the store keeps one story per set of copies over 0.8 similarity) and carry no trigger words."""
    rng = random.Random(seed)
    words = max(80, len(text.split()) // 2)
    return " ".join(rng.choice(_FILLER_WORDS) for _ in range(words)) + "."


def copies(distinct: list[tuple[ArticleIn, list]], n: int, extract: bool, timeout: float = 10.0):
    """FileResults for n distinct copies (events copied, or extracted again with --extract)."""
    for k in range(n):
        original, events = distinct[k % len(distinct)]
        copy_no = k // len(distinct)
        published = original.published + timedelta(days=copy_no % 365) if original.published else None
        base = original.url or f"https://bench.invalid/{Path(original.source or '').stem}"
        article = dataclasses.replace(
            original,
            text=f"{original.text}\n\n{_filler(original.text, k)}\n",
            url=f"{base}#copy-{copy_no}",
            published=published,
            source=f"{original.source}#copy-{copy_no}",
        )
        result = FileResult(path=Path(article.source), article=article)
        if extract:
            extract_into(result, timeout=timeout)
        else:
            result.events = [dataclasses.replace(e, targets=list(e.targets), extra=dict(e.extra)) for e in events]
        yield result


def database_size(engine) -> str:
    path = sqlite_file(str(engine.url))
    if path is None:
        with engine.connect() as connection:
            size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
        return f"{size / 1e6:.1f} MB (pg_database_size)"
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    files = [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB ({path.name}, after WAL checkpoint)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev_dir", type=Path)
    parser.add_argument("--n", type=int, default=10_000, help="articles to ingest (default 10000)")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--extract", action="store_true", help="extract every copy inside the timed loop")
    parser.add_argument("--timeout", type=float, default=10.0, help="with --extract: per-article cap (0: none)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    distinct = load_distinct(args.dev_dir)
    prepare = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        engine = connect(args.db or f"sqlite:///{scratch}/bench.db")
        stored = duplicates = failed = 0
        start = time.perf_counter()
        for result in ingest_results(engine, copies(distinct, args.n, args.extract, args.timeout)):
            stored += result.status == "stored"
            duplicates += result.status == "duplicate"
            failed += result.status == "failed"
        seconds = time.perf_counter() - start
        with session(engine) as s:
            totals = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in (Article, Event, Mention)}
            totals["entities"] = s.scalar(select(func.count()).select_from(Entity))
            totals["aliases"] = s.scalar(select(func.count()).select_from(Alias))
        size = database_size(engine)
        engine.dispose()

    mode = "extraction + storage" if args.extract else "storage (events extracted once per distinct article)"
    print(f"batch        {args.n} articles ({len(distinct)} distinct texts, copies with their own URL and date)")
    print(f"database     {args.db or 'temporary SQLite file'}")
    print(f"prepare      {prepare:.2f} s (model load and one extraction per distinct article, untimed)")
    print(f"timed        {mode}")
    rate, per_article = args.n / seconds, 1000 * seconds / args.n
    print(f"ingest       {seconds:.2f} s total, {rate:.1f} articles/s, {per_article:.2f} ms/article")
    print(f"results      {stored} stored, {duplicates} duplicates, {failed} failed")
    print(
        f"stored       {totals['articles']} articles, {totals['events']} events, {totals['mentions']} mentions, "
        f"{totals['entities']} entities, {totals['aliases']} aliases"
    )
    print(f"size         {size}")
    return 0 if failed == 0 and stored == args.n else 1


if __name__ == "__main__":
    sys.exit(main())
