"""Measure the relevance prefilter: recall on civic-space articles, pass rate on ordinary pages, speed.

usage: python bench/prefilter_eval.py [--dev DEV_DIR] [--warc WARC] [--samples DIR]
                                      [--min-triggers K] [--window W] [--trafilatura N] [--json]

1. Recall: every dev article (NAME.txt) whose gold file lists at least one event must pass;
   each miss is listed with the prefilter's reason, and the script exits 1 if there is one.
   The demo articles in ``samples/`` are checked too. For articles that pass by the anchor
   rule, the smallest window that still passes them shows the margin left.
2. Robustness: the same recall with the strong keywords ("foreign agent", "undesirable
   organization") ignored, i.e. how many articles the anchor rule alone would keep.
3. Ordinary pages: the dev articles with no gold event, and every HTML page of the WARC
   (default: shared/bench/web-pages.warc.gz, 990 pages almost none about civic space); prints
   the pass rate and the URL, reason and keywords of each passing page for a manual look.
4. Speed, on one core: pages per second of ``cheap_text`` + ``score`` over the WARC's pages
   (read into memory first, so the archive's decompression is timed apart), each step
   apart, and with ``--trafilatura N`` the full ``article_from_html`` on N pages, to compare.
   Goal: well over 400 pages/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from single_thread import pin_to_one_cpu  # sets one thread per process on import

from civicwatch.clean.prefilter import (
    DEFAULT_MIN_TRIGGERS,
    DEFAULT_WINDOW,
    STRONG,
    Prefilter,
    cheap_text,
    language_keywords,
)
from civicwatch.sources.warc import WarcPage, WarcStats, iter_warc_pages

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev"
DEFAULT_WARC = ROOT.parent / "shared" / "bench" / "web-pages.warc.gz"
DEFAULT_SAMPLES = ROOT / "samples"
LANGUAGES = ("en", "ru")
GOAL_PAGES_PER_S = 400.0


def dev_articles(dev: Path) -> list[tuple[str, int, str]]:
    """(name, number of gold events, text) of each dev article with a gold file."""
    articles = []
    for gold in sorted(dev.glob("*.gold.json")):
        name = gold.name[: -len(".gold.json")]
        text_path = dev / f"{name}.txt"
        if text_path.is_file():
            events = json.loads(gold.read_text(encoding="utf-8")).get("events", [])
            articles.append((name, len(events), text_path.read_text(encoding="utf-8")))
    return articles


def min_window(prefilter: Prefilter, text: str, limit: int = 5000, step: int = 25) -> int | None:
    """The smallest window (in steps) with which the anchor rule passes ``text``."""
    original = prefilter.window
    try:
        for window in range(0, limit + 1, step):
            prefilter.window = window
            if prefilter.passes(text):
                return window
        return None
    finally:
        prefilter.window = original


def recall_section(prefilter: Prefilter, ablated: Prefilter, articles: list[tuple[str, int, str]]) -> dict:
    positives = [(name, text) for name, events, text in articles if events]
    rows = []
    for name, text in positives:
        decision = prefilter.score(text)
        margin = None if decision.reason.startswith("restrictive") else min_window(prefilter, text)
        rows.append({"name": name, "passed": decision.passed, "reason": decision.reason, "min_window": margin})
    return {
        "articles": len(positives),
        "passed": sum(r["passed"] for r in rows),
        "misses": [r for r in rows if not r["passed"]],
        "rows": rows,
        "anchor_rule_only": sum(ablated.passes(text) for _, text in positives),
    }


def samples_section(prefilter: Prefilter, ablated: Prefilter, folder: Path) -> dict:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}
    misses = [name for name, text in texts.items() if not prefilter.passes(text)]
    return {
        "articles": len(texts),
        "passed": len(texts) - len(misses),
        "misses": misses,
        "anchor_rule_only": sum(ablated.passes(text) for text in texts.values()),
    }


def negatives_section(prefilter: Prefilter, articles: list[tuple[str, int, str]]) -> list[dict]:
    rows = []
    for name, events, text in articles:
        if not events:
            decision = prefilter.score(text)
            rows.append({"name": name, "passed": decision.passed, "reason": decision.reason})
    return rows


def read_pages(warc: Path) -> tuple[list[WarcPage], WarcStats, float]:
    stats = WarcStats()
    started = time.perf_counter()
    pages = [item for item in iter_warc_pages(warc, stats) if isinstance(item, WarcPage)]
    return pages, stats, time.perf_counter() - started


def warc_section(prefilter: Prefilter, pages: list[WarcPage]) -> dict:
    passing = []
    for page in pages:
        decision = prefilter.score(cheap_text(page.html, page.charset))
        if decision.passed:
            passing.append({"url": page.url, "reason": decision.reason, "hits": list(decision.hits)})
    return {"pages": len(pages), "passed": len(passing), "rate": len(passing) / max(len(pages), 1), "passing": passing}


def timed(function: Callable, items: list) -> tuple[list, float]:
    started = time.perf_counter()
    results = [function(item) for item in items]
    return results, time.perf_counter() - started


def speed_section(prefilter: Prefilter, pages: list[WarcPage], trafilatura_pages: int) -> dict:
    both, seconds_both = timed(lambda p: prefilter.score(cheap_text(p.html, p.charset)), pages)
    texts, seconds_text = timed(lambda p: cheap_text(p.html, p.charset), pages)
    _, seconds_score = timed(prefilter.score, texts)
    result = {
        "pages": len(pages),
        "megabytes": sum(len(p.html) for p in pages) / 1e6,
        "cheap_text_and_score_pages_per_s": len(pages) / seconds_both,
        "cheap_text_pages_per_s": len(pages) / seconds_text,
        "score_pages_per_s": len(pages) / seconds_score,
    }
    if trafilatura_pages:
        result["trafilatura"] = _trafilatura_speed(pages[:trafilatura_pages])
    return result


def _trafilatura_speed(pages: list[WarcPage]) -> dict:
    import logging

    from civicwatch.sources.files import SourceError
    from civicwatch.sources.warc import article_from_page

    logging.disable(logging.WARNING)  # trafilatura logs each page it gives up on

    def extract(page: WarcPage) -> None:
        try:
            article_from_page(page)
        except SourceError:
            pass

    _, seconds = timed(extract, pages)
    return {"pages": len(pages), "pages_per_s": len(pages) / seconds}


def report(results: dict) -> None:
    settings = results["settings"]
    print(f"prefilter: min_triggers={settings['min_triggers']} window={settings['window']} ({settings['cpu']})")
    recall = results["recall"]
    print(f"\n== recall: dev articles with at least one gold event: {recall['passed']}/{recall['articles']} pass")
    for row in recall["rows"]:
        margin = f"  [passes from window {row['min_window']}]" if row["min_window"] is not None else ""
        print(f"  {'PASS' if row['passed'] else 'MISS'} {row['name']}: {row['reason']}{margin}")
    samples = results["samples"]
    print(f"   demo articles (samples/): {samples['passed']}/{samples['articles']} pass {samples['misses'] or ''}")
    print(
        f"   strong keywords ignored (anchor rule alone): dev {recall['anchor_rule_only']}/{recall['articles']},"
        f" samples {samples['anchor_rule_only']}/{samples['articles']}"
    )
    print("\n== dev articles with no gold event")
    for row in results["negatives"]:
        print(f"  {'passed' if row['passed'] else 'dropped'} {row['name']}: {row['reason']}")
    warc = results["warc"]
    stats = results["warc_stats"]
    print(
        f"\n== ordinary pages ({results['warc_path']}): {warc['passed']}/{warc['pages']} pass ({warc['rate']:.1%});"
        f" records seen {stats['seen']}, skipped {stats['skipped_non_html']} non-HTML and"
        f" {stats['skipped_status']} non-200, {len(stats['failed'])} failed"
    )
    for row in warc["passing"]:
        print(f"  {row['url']}\n      {row['reason']}: {', '.join(row['hits'])}")
    speed = results["speed"]
    verdict = "PASS" if speed["cheap_text_and_score_pages_per_s"] >= GOAL_PAGES_PER_S else "MISS"
    print(f"\n== speed, one core, {speed['pages']} pages ({speed['megabytes']:.0f} MB of HTML)")
    print(f"  cheap_text + score: {speed['cheap_text_and_score_pages_per_s']:.0f} pages/s  (goal > 400: {verdict})")
    print(f"  cheap_text alone:   {speed['cheap_text_pages_per_s']:.0f} pages/s")
    print(f"  score alone:        {speed['score_pages_per_s']:.0f} pages/s")
    print(f"  reading the WARC:   {results['warc_read_pages_per_s']:.0f} pages/s")
    if "trafilatura" in speed:
        print(f"  article_from_html (trafilatura + htmldate): {speed['trafilatura']['pages_per_s']:.1f} pages/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--warc", type=Path, default=DEFAULT_WARC)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--min-triggers", type=int, default=DEFAULT_MIN_TRIGGERS)
    parser.add_argument("--window", type=int, default=DEFAULT_WINDOW, help="0 = anywhere in the text")
    parser.add_argument("--trafilatura", type=int, default=0, metavar="N", help="also time article_from_html")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)

    cpu = pin_to_one_cpu()
    window = args.window or None
    prefilter = Prefilter.for_languages(LANGUAGES, min_triggers=args.min_triggers, window=window)
    keywords = [kw for language in LANGUAGES for kw in language_keywords(language) if kw[1] != STRONG]
    ablated = Prefilter(keywords, min_triggers=args.min_triggers, window=window)
    articles = dev_articles(args.dev)
    pages, stats, read_seconds = read_pages(args.warc)
    results = {
        "settings": {"min_triggers": args.min_triggers, "window": window, "cpu": cpu},
        "recall": recall_section(prefilter, ablated, articles),
        "samples": samples_section(prefilter, ablated, args.samples),
        "negatives": negatives_section(prefilter, articles),
        "warc_path": str(args.warc),
        "warc_stats": vars(stats),
        "warc_read_pages_per_s": len(pages) / read_seconds,
        "warc": warc_section(prefilter, pages),
        "speed": speed_section(prefilter, pages, args.trafilatura),
    }
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        report(results)
    return 1 if results["recall"]["misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
