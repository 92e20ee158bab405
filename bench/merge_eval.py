"""Cross-article merge quality: do reports of one act in different articles become one stored event?

usage: python bench/merge_eval.py [DEV_DIR] [--merge-dir tests/data/merge] [--db URL] [--reverse] [--verbose]

Ingests the dev articles (DEV_DIR, default ../shared/eval/dev) and the restatements in
tests/data/merge (short articles in English and Russian that report acts of the dev articles again)
into a fresh database (a temporary SQLite file unless --db names an empty one), then compares the
stored events with tests/data/merge/gold.json, which lists the reports that are one act.

Scores are over pairs of mentions from different articles (within an article, merging is the
extractor's job): a predicted pair is two mentions stored under one event, a gold pair two reports
of one gold act. Precision = gold pairs predicted / pairs predicted; recall = gold pairs predicted /
gold pairs. Gold reports the extractor did not produce are listed and left out of the gold pairs
(this measures merging, not extraction). --reverse ingests the articles in the opposite order, to
show how much the result depends on it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from civicwatch.pipeline.ingest import ingest_paths
from civicwatch.resolve import entity_key
from civicwatch.store import connect, session
from civicwatch.store.merge import WINDOW_DAYS
from civicwatch.store.models import Article, Mention

ROOT = Path(__file__).resolve().parent.parent


def load_mentions(url: str, files: list[Path]) -> list[dict]:
    engine = connect(url)
    for result in ingest_paths(engine, files):
        if not result.ok:
            print(f"error: {result.path}: {result.reason}", file=sys.stderr)
    with session(engine) as s:
        rows = s.execute(select(Mention, Article).join(Article, Mention.article_id == Article.id)).all()
        mentions = [
            {
                "id": m.id,
                "event": m.event_id,
                "article": Path(a.source_path or "").stem,
                "published": a.published,
                "type": m.type,
                "subtype": m.subtype,
                "date": m.date,
                "targets": m.targets,
            }
            for m, a in rows
        ]
    engine.dispose()
    return mentions


def resolve(ref: dict, mentions: list[dict]) -> list[dict]:
    word = ref["target"].casefold()
    return [
        m
        for m in mentions
        if m["article"] == ref["article"]
        and m["type"] == ref["type"]
        and ref.get("subtype", m["subtype"]) == m["subtype"]
        and ref.get("date", m["date"]) == m["date"]
        and any(word in t.casefold() for t in m["targets"])
    ]


def pairs(groups: list[list[dict]]) -> set[tuple[int, int]]:
    out = set()
    for group in groups:
        for a, b in combinations(group, 2):
            if a["article"] != b["article"]:
                out.add((min(a["id"], b["id"]), max(a["id"], b["id"])))
    return out


def evaluate(mentions: list[dict], gold: dict) -> dict:
    by_id = {m["id"]: m for m in mentions}
    acts, missing, ambiguous = [], [], []
    for act in gold["acts"]:
        found = []
        for ref in act["reports"]:
            hits = resolve(ref, mentions)
            if not hits:
                missing.append((act["id"], ref))
            elif len(hits) > 1:
                ambiguous.append((act["id"], ref, len(hits)))
            else:
                found.append(hits[0])
        acts.append((act["id"], found))
    events: dict[int, list[dict]] = {}
    for m in mentions:
        events.setdefault(m["event"], []).append(m)
    predicted = pairs(list(events.values()))
    expected = pairs([found for _, found in acts])
    hit = predicted & expected
    return {
        "mentions": len(mentions),
        "events": len(events),
        "predicted_pairs": len(predicted),
        "gold_pairs": len(expected),
        "precision": len(hit) / len(predicted) if predicted else 1.0,
        "recall": len(hit) / len(expected) if expected else 1.0,
        "false_pairs": [(by_id[a], by_id[b]) for a, b in sorted(predicted - expected)],
        "missed_pairs": [(by_id[a], by_id[b]) for a, b in sorted(expected - predicted)],
        "acts": len(acts),
        "acts_whole": sum(1 for _, f in acts if len(f) > 1 and len({m["event"] for m in f}) == 1),
        "unextracted": missing,
        "ambiguous": ambiguous,
    }


def describe(m: dict) -> str:
    keys = ", ".join(f"{t} [{entity_key(t)}]" for t in m["targets"])
    return f"{m['article']}: {m['type']}/{m['subtype']} {m['date'] or 'undated'} (published {m['published']}) {keys}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev_dir", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--merge-dir", type=Path, default=ROOT / "tests" / "data" / "merge")
    parser.add_argument("--db", help="an empty database to use (default: a temporary SQLite file)")
    parser.add_argument("--reverse", action="store_true", help="ingest the articles in reverse order")
    parser.add_argument("--verbose", "-v", action="store_true", help="list false and missed pairs")
    args = parser.parse_args(argv)
    if not args.dev_dir.is_dir():
        print(f"error: {args.dev_dir}: no dev set (pass DEV_DIR, e.g. ../shared/eval/dev)", file=sys.stderr)
        return 2
    gold = json.loads((args.merge_dir / "gold.json").read_text(encoding="utf-8"))
    files = sorted(args.dev_dir.glob("*.txt")) + sorted(args.merge_dir.glob("*.txt"))
    if args.reverse:
        files.reverse()
    with tempfile.TemporaryDirectory() as scratch:
        mentions = load_mentions(args.db or f"sqlite:///{scratch}/merge.db", files)
    result = evaluate(mentions, gold)
    print(f"articles: {len(files)}, mentions: {result['mentions']}, stored events: {result['events']}")
    print(f"window for undated reports: {WINDOW_DAYS} days; order: {'reversed' if args.reverse else 'dev set first'}")
    print(f"gold acts: {result['acts']}, merged whole: {result['acts_whole']}")
    for act_id, ref in result["unextracted"]:
        print(f"  not extracted: {act_id}: {ref}")
    for act_id, ref, n in result["ambiguous"]:
        print(f"  ambiguous gold reference ({n} mentions): {act_id}: {ref}")
    print(
        f"pairs: predicted {result['predicted_pairs']}, gold {result['gold_pairs']}; "
        f"precision {result['precision']:.3f}, recall {result['recall']:.3f}"
    )
    if args.verbose:
        for title, key in (("false merge", "false_pairs"), ("missed", "missed_pairs")):
            for a, b in result[key]:
                print(f"{title}:\n    {describe(a)}\n    {describe(b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
