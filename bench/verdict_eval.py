"""Register verdict accuracy on hand-checked designations and delistings (``bench/data/verdicts.json``).

usage: python bench/verdict_eval.py [--eval-dir ../shared/eval] [--registries ../shared/registries] [--verbose]

Imports the registers the data file names (the shipped snapshots of the Russian foreign-agent register
and undesirable list) into a fresh temporary database, ingests the articles of the hand-checked events,
and compares each event's stored verdict (``civicwatch.store.link``) with the hand-checked one:

* right: the verdict is the expected one and, for ``confirmed``, the matched entry is one of the entries
  the hand check found for the acts stored in that event (a confirmation by another entity's entry is
  wrong);
* not extracted: no stored mention of the article reports the gold event (its evidence shares less than
  half of its words with every mention's), which measures extraction, not verdicts.

Prints accuracy over the extracted events (and among those whose target is in a register), then each
wrong verdict with the register's reason when --verbose.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from merge_eval import MIN_OVERLAP, _words
from sqlalchemy import select

from civicwatch.core.dates import dates_agree
from civicwatch.pipeline.ingest import ingest_paths
from civicwatch.store import connect, session
from civicwatch.store.models import Article, Mention, RegistryCheck, RegistryRecord
from civicwatch.store.registry import import_registry

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "verdicts.json"


def stored_verdicts(url: str, data: dict, eval_dir: Path, registries: Path) -> dict[tuple[str, int], dict]:
    """(article, gold event index) -> the verdict stored for the event that reports it."""
    engine = connect(url)
    for name, kind in data["registers"]:
        import_registry(engine, registries / name, kind)
    articles = sorted({(item["set"], item["article"]) for item in data["items"]})
    files = [eval_dir / subset / f"{article}.txt" for subset, article in articles]
    for result in ingest_paths(engine, files):
        if not result.ok:
            print(f"error: {result.path}: {result.reason}", file=sys.stderr)
    gold = {
        article: json.loads((eval_dir / subset / f"{article}.gold.json").read_text(encoding="utf-8"))["events"]
        for subset, article in articles
    }
    found: dict[tuple[str, int], dict] = {}
    with session(engine) as s:
        rows = s.execute(
            select(Mention, Article.source_path, RegistryCheck, RegistryRecord)
            .join(Article, Article.id == Mention.article_id)
            .outerjoin(RegistryCheck, RegistryCheck.event_id == Mention.event_id)
            .outerjoin(RegistryRecord, RegistryRecord.id == RegistryCheck.record_id)
        ).all()
        for mention, path, check, record in rows:
            article = Path(path or "").stem
            words = _words(mention.evidence)
            for i, event in enumerate(gold.get(article, [])):
                other = _words(event.get("evidence"))
                if len(words & other) / max(1, len(words | other)) < MIN_OVERLAP:
                    continue
                verdict = {
                    "event": mention.event_id,
                    "extraction_ok": _same_report(mention, event),
                    "verdict": check.verdict if check else "none",
                    "reason": check.reason if check else "no check stored",
                    "entry": [record.register, record.entry_id] if record else None,
                    "mention": f"{mention.type}/{mention.subtype} {mention.date} {mention.targets}",
                }
                if found.get((article, i), {}).get("verdict") != "confirmed":  # the best of its mentions
                    found[(article, i)] = verdict
    engine.dispose()
    return found


def _values(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _same_report(mention: Mention, gold: dict) -> bool:
    """Whether the extractor got the gold event's type, subtype and date (any of the gold's readings)."""
    if mention.type != gold["type"] or mention.subtype not in _values(gold["subtype"]):
        return False
    dates = _values(gold.get("date"))
    return any(d is None and mention.date is None or d and mention.date and dates_agree(d, mention.date) for d in dates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--registries", type=Path, default=ROOT.parent / "shared" / "registries")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every wrong verdict")
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir() or not args.registries.is_dir():
        print("error: pass --eval-dir and --registries (../shared/eval, ../shared/registries)", file=sys.stderr)
        return 2
    data = json.loads(args.data.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        found = stored_verdicts(f"sqlite:///{scratch}/verdicts.db", data, args.eval_dir, args.registries)
    right = wrong = missing = listed_right = listed = clean = clean_right = 0
    entries_of_event: dict[int, set[tuple[str, str]]] = {}  # a merged event: any of its acts' entries is right
    entries_of_act: dict[str, set[tuple[str, str]]] = {}
    for item in data["items"]:
        entries_of_act.setdefault(item.get("act") or item["article"], set()).update(map(tuple, item["entries"]))
    for item in data["items"]:
        if (got := found.get((item["article"], item["event"]))) is not None:
            entries_of_event.setdefault(got["event"], set()).update(entries_of_act[item.get("act") or item["article"]])
    for item in data["items"]:
        got = found.get((item["article"], item["event"]))
        label = f"{item['article']} #{item['event']} ({item['target']})"
        if got is None:
            missing += 1
            if args.verbose:
                print(f"not extracted: {label}")
            continue
        entries = {tuple(e) for e in item["entries"]}
        ok = got["verdict"] == item["expected"]
        if ok and item["expected"] == "confirmed":
            ok = got["entry"] is not None and tuple(got["entry"]) in entries_of_event[got["event"]]
        right += ok
        wrong += not ok
        clean += got["extraction_ok"]
        clean_right += ok and got["extraction_ok"]
        if entries:
            listed += 1
            listed_right += ok
        if not ok and args.verbose:
            cause = "" if got["extraction_ok"] else " [extraction: type, subtype or date differ from the gold]"
            print(f"WRONG {label}: expected {item['expected']}, got {got['verdict']}: {got['reason']}{cause}")
            print(f"    stored: {got['mention']}; entry {got['entry']}")
    judged = right + wrong
    print(f"hand-checked events {len(data['items'])}: extracted {judged}, not extracted {missing}")
    print(f"verdict accuracy {right / max(1, judged):.3f} ({right}/{judged})")
    print(f"among those in a register: {listed_right / max(1, listed):.3f} ({listed_right}/{listed})")
    print(
        f"where extraction got type, subtype and date right: {clean_right / max(1, clean):.3f} ({clean_right}/{clean})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
