"""Throughput benchmark: extraction of a batch of articles on one CPU core.

usage: python bench/bench_extract.py DEV_DIR [--n 1000]

Builds a batch of N articles from DEV_DIR's NAME.txt files (repeated in order, each with
its publication date from NAME.meta.json, or NAME.gold.json when there is no meta file),
pins the process to one CPU, loads the extractor (timed on its own), then times
``civicwatch.extract`` over the batch. Prints articles per second, total seconds, peak
memory (ru_maxrss) and the goal: >= 25 articles/s on one core within 1 GiB.
"""

from __future__ import annotations

import os

# One core: keep numeric libraries to one thread. Must happen before numpy/spaCy are imported.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

GOAL_RATE = 25.0  # articles per second on one core
GOAL_MEMORY_MIB = 1024.0  # peak resident memory


def pin_to_one_cpu() -> str:
    """Restrict this process to one CPU where the OS allows it; say what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def published_date(txt: Path) -> str | None:
    name = txt.name[: -len(".txt")]
    for sidecar in (txt.with_name(f"{name}.meta.json"), txt.with_name(f"{name}.gold.json")):
        if sidecar.exists():
            published = json.loads(sidecar.read_text(encoding="utf-8")).get("published")
            if published:
                return published
    return None


def load_articles(dev_dir: Path) -> list[tuple[str, str, str | None]]:
    """(name, text, published) for every NAME.txt in dev_dir."""
    files = sorted(dev_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"no *.txt articles in {dev_dir}")
    return [(f.stem, f.read_text(encoding="utf-8"), published_date(f)) for f in files]


def peak_memory_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev_dir", type=Path, help="folder of NAME.txt articles (../shared/eval/dev)")
    parser.add_argument("--n", type=int, default=1000, help="batch size in articles (default 1000)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if not args.dev_dir.is_dir():
        raise SystemExit(f"{args.dev_dir} is not a folder")

    pinning = pin_to_one_cpu()
    articles = load_articles(args.dev_dir)
    batch = list(itertools.islice(itertools.cycle(articles), args.n))
    chars = sum(len(text) for _, text, _ in batch)

    start = time.perf_counter()
    from civicwatch import extract

    # Load the model and lexicons once, outside the timed batch.
    importlib.import_module("civicwatch.extract.extractor").get_extractor()
    load_seconds = time.perf_counter() - start
    memory_after_load = peak_memory_mib()

    events = failures = 0
    first_error = None
    start = time.perf_counter()
    for name, text, published in batch:
        try:
            events += len(extract(text, published=published))
        except Exception as exc:  # one bad article must not stop the benchmark
            failures += 1
            first_error = first_error or f"{name}: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    rate = len(batch) / seconds if seconds else float("inf")
    memory = peak_memory_mib()

    print(f"batch        {len(batch)} articles ({len(articles)} distinct, {chars / 1e6:.2f} M chars)")
    print(f"cpu          {pinning}")
    print(f"model load   {load_seconds:.2f} s (peak memory after load {memory_after_load:.0f} MiB)")
    per_article_ms = 1000 * seconds / len(batch)
    print(f"extraction   {seconds:.2f} s total, {rate:.1f} articles/s, {per_article_ms:.1f} ms/article")
    print(f"events       {events} ({events / len(batch):.2f} per article), {failures} articles failed")
    if first_error:
        print(f"first error  {first_error}")
    print(f"peak memory  {memory:.0f} MiB (ru_maxrss)")
    ok = rate >= GOAL_RATE and memory <= GOAL_MEMORY_MIB and not failures
    print(
        f"goal         >= {GOAL_RATE:.0f} articles/s on one core within {GOAL_MEMORY_MIB / 1024:.0f} GiB: "
        f"{'PASS' if ok else 'MISS'} ({rate:.1f} articles/s, {memory:.0f} MiB"
        f"{f', {failures} failures' if failures else ''})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
