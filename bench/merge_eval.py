"""Cross-article merge quality on a set with a ``clusters.json`` (``../shared/eval/merge-dev``).

usage: python bench/merge_eval.py [DIR] [--db URL] [--reverse] [--verbose]

Ingests every article of DIR (NAME.txt, NAME.meta.json, NAME.gold.json) into a fresh database (a
temporary SQLite file unless --db names an empty one) and compares the stored events with DIR's
``clusters.json``, which says which gold events are one real-world act.

Each stored mention is tied to the gold event of its article that is the same kind of act (type and
subtype as ``civicwatch.core.schema.acts_agree`` pairs them: a raid read in the sentence of a gold
detention reports no gold event) and whose evidence shares most words with it (at least half of the
words of both together); a mention tied to nothing is an extraction the gold does not have. A *gold pair*
is two gold events of different articles in one act; a *merged pair* is two tied mentions of different
articles stored under one event. Printed:

* all pairs: precision (merged pairs that are gold pairs) and recall (gold pairs merged);
* pairs both extracted: recall among the gold pairs whose two reports the extractor found, which is
  what merging can reach (extraction's losses apart);
* the same split for English-Russian pairs (the languages of the two articles differ) and for pairs in
  one language;
* near misses merged (clusters.json's pairs of the same target hit by two acts: each one merged is a
  false merge).

--verbose lists the pairs not merged (with both mentions: type, subtype, date, targets and the keys of
their entities) and the false merges. --reverse ingests the articles in the opposite order: a merge
that depends on the order is fragile.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from civicwatch.core.schema import acts_agree
from civicwatch.pipeline.ingest import ingest_paths
from civicwatch.store import connect, session
from civicwatch.store.models import Article, Entity, EventEntity, Mention

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "eval" / "merge-dev"
MIN_OVERLAP = 0.5  # a mention is the gold event whose evidence shares this share of words with it

GoldRef = tuple[str, int]  # (article, index of the event in its gold file)


@dataclass
class Stored:
    """One stored mention, as the evaluation sees it."""

    id: int
    event: int
    article: str
    evidence: str
    text: str  # type/subtype date targets, for --verbose
    act: tuple[str, str] = ("", "")  # (type, subtype)
    keys: list[str] = field(default_factory=list)  # the keys of its event's target entities


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"\w+", (text or "").casefold()))


def _source(m: Mention) -> str:
    source = (m.extra or {}).get("date_source")
    return f" [{source}]" if source else ""


def load_stored(url: str, files: list[Path]) -> list[Stored]:
    engine = connect(url)
    for result in ingest_paths(engine, files):
        if not result.ok:
            print(f"error: {result.path}: {result.reason}", file=sys.stderr)
    with session(engine) as s:
        keys: dict[int, list[str]] = {}
        targets = select(EventEntity.event_id, Entity.key).join(Entity, Entity.id == EventEntity.entity_id)
        for event_id, key in s.execute(targets.where(EventEntity.role == "target")):
            keys.setdefault(event_id, []).append(key)
        rows = s.execute(select(Mention, Article).join(Article, Mention.article_id == Article.id)).all()
        stored = [
            Stored(
                id=m.id,
                event=m.event_id,
                article=Path(a.source_path or "").stem,
                evidence=m.evidence or "",
                act=(m.type, m.subtype),
                text=f"{m.type}/{m.subtype} {m.date or 'undated'}{_source(m)} {m.country} "
                f"(published {a.published}) {m.targets}",
                keys=sorted(keys.get(m.event_id, [])),
            )
            for m, a in rows
        ]
    engine.dispose()
    return stored


def _same_kind(act: tuple[str, str], event: dict) -> bool:
    """Whether a mention's (type, subtype) may be the gold event's (gold gives alternatives as lists)."""
    types, subtypes = event.get("type") or "", event.get("subtype") or ""
    types = types if isinstance(types, list) else [types]
    subtypes = subtypes if isinstance(subtypes, list) else [subtypes]
    return any(acts_agree(*act, t, s) for t in types for s in subtypes)


def tie(stored: list[Stored], gold: dict[str, list[dict]]) -> dict[int, GoldRef]:
    """Mention id -> the gold event it reports (mentions that report none are left out): one of the same
    kind of act (``acts_agree``), whose evidence shares most words with it."""
    out: dict[int, GoldRef] = {}
    for m in stored:
        words = _words(m.evidence)
        best, score = None, 0.0
        for i, event in enumerate(gold.get(m.article, [])):
            if not _same_kind(m.act, event):
                continue
            other = _words(event.get("evidence"))
            overlap = len(words & other) / max(1, len(words | other))
            if overlap > score:
                best, score = (m.article, i), overlap
        if best is not None and score >= MIN_OVERLAP:
            out[m.id] = best
    return out


def evaluate(stored: list[Stored], gold: dict[str, list[dict]], clusters: dict, languages: dict[str, str]) -> dict:
    tied = tie(stored, gold)
    gold_pairs = {
        frozenset(pair)
        for act in clusters["acts"]
        for pair in combinations([(m["article"], m["event"]) for m in act["mentions"]], 2)
        if pair[0][0] != pair[1][0]
    }
    events_of: dict[GoldRef, set[int]] = {}
    members: dict[int, set[GoldRef]] = {}
    for m in stored:
        if m.id in tied:
            events_of.setdefault(tied[m.id], set()).add(m.event)
            members.setdefault(m.event, set()).add(tied[m.id])
    merged = {frozenset((a, b)) for refs in members.values() for a, b in combinations(sorted(refs), 2) if a[0] != b[0]}
    extracted = {p for p in gold_pairs if all(ref in events_of for ref in p)}
    near = {
        frozenset(((n["a"]["article"], n["a"]["event"]), (n["b"]["article"], n["b"]["event"])))
        for n in clusters.get("near_misses", [])
    }

    def across(pair: frozenset) -> bool:
        a, b = sorted(pair)
        return languages.get(a[0]) != languages.get(b[0])

    def scores(keep) -> dict:
        g = {p for p in gold_pairs if keep(p)}
        m = {p for p in merged if keep(p)}
        e = {p for p in extracted if keep(p)}
        return {
            "gold": len(g),
            "merged": len(m),
            "right": len(m & g),
            "precision": len(m & g) / len(m) if m else 1.0,
            "recall": len(m & g) / len(g) if g else 1.0,
            "extracted": len(e),
            "extracted_merged": len(e & m),
            "recall_extracted": len(e & m) / len(e) if e else 1.0,
        }

    return {
        "all": scores(lambda p: True),
        "en_ru": scores(across),
        "same_language": scores(lambda p: not across(p)),
        "near_misses": len(near),
        "near_misses_merged": sorted(sorted(p) for p in near & merged),
        "missed": sorted(sorted(p) for p in extracted - merged),
        "false": sorted(sorted(p) for p in merged - gold_pairs),
        "by_ref": {ref: [m for m in stored if tied.get(m.id) == ref] for ref in events_of},
    }


def load_gold(directory: Path) -> tuple[dict[str, list[dict]], dict[str, str]]:
    gold, languages = {}, {}
    for path in sorted(directory.glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".gold.json")
        gold[name] = data.get("events", [])
        languages[name] = data.get("language") or ""
    return gold, languages


def _line(title: str, s: dict) -> str:
    return (
        f"{title:<16} precision {s['precision']:.3f} ({s['right']}/{s['merged']})  "
        f"recall {s['recall']:.3f} ({s['right']}/{s['gold']})  "
        f"both extracted: recall {s['recall_extracted']:.3f} ({s['extracted_merged']}/{s['extracted']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--db", help="an empty database to use (default: a temporary SQLite file)")
    parser.add_argument("--reverse", action="store_true", help="ingest the articles in reverse order")
    parser.add_argument("--verbose", "-v", action="store_true", help="list missed pairs and false merges")
    args = parser.parse_args(argv)
    clusters_path = args.directory / "clusters.json"
    if not clusters_path.is_file():
        print(f"error: {args.directory}: no clusters.json (pass e.g. ../shared/eval/merge-dev)", file=sys.stderr)
        return 2
    clusters = json.loads(clusters_path.read_text(encoding="utf-8"))
    gold, languages = load_gold(args.directory)
    files = sorted(args.directory.glob("*.txt"), reverse=args.reverse)
    with tempfile.TemporaryDirectory() as scratch:
        stored = load_stored(args.db or f"sqlite:///{scratch}/merge.db", files)
    result = evaluate(stored, gold, clusters, languages)
    print(f"articles {len(files)}, mentions {len(stored)}, stored events {len({m.event for m in stored})}")
    print(_line("all pairs", result["all"]))
    print(_line("EN-RU pairs", result["en_ru"]))
    print(_line("same language", result["same_language"]))
    print(f"near misses merged: {len(result['near_misses_merged'])} of {result['near_misses']}")
    if args.verbose:
        for title, pairs in (("missed", result["missed"]), ("false merge", result["false"])):
            for pair in pairs:
                print(f"{title}: {pair[0]} + {pair[1]}")
                for ref in pair:
                    for m in result["by_ref"].get(ref, []):
                        print(f"    {m.article} #{m.event}: {m.text} keys={m.keys}")
        for pair in result["near_misses_merged"]:
            print(f"near miss merged: {pair[0]} + {pair[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
