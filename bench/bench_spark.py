"""The Spark job against the single-machine path, on one set of web archives.

usage: python bench/bench_spark.py SHARED_DIR [--pages 2000] [--files 8] [--no-real] [--seed 7]

Builds, in a temporary folder, the archive of ``bench_sources.py`` (every dev and demo article as a
news page, the 990 real pages of SHARED_DIR/bench/web-pages.warc.gz unless --no-real, generated
ordinary pages up to N), split by record, round robin, into F .warc.gz files. Then, in the same run:

(a) ``civicwatch spark extract`` on ``local[1]`` and on ``local[2]``, each in a fresh process (a JVM
    of its own): the session starts (timed), a warm-up job over a small archive of its own (civic and
    ordinary pages, one file per core) loads the models and fills the first-use caches in every
    Python worker and warms the JVM (timed), then the job over the F files runs (timed: its compute
    phase, reading and extracting until every task's rows are in, and the whole job with the writes);
(b) the single-machine path on 2 cores: the archive in 2 shards, one process each, as
    ``civicwatch ingest`` reads a WARC (``iter_inputs`` -> prefilter -> trafilatura ->
    ``extract_article``), each process reading its file of the same warm-up archive first; steady
    state after the model load and warm-up, and wall time with process start, load and warm-up.

Both measure, beside wall time, the CPU time of the per-page loop (``time.process_time`` in each
Python process): on a machine shared with other work, wall-clock rates move with the load (the
1-minute load average is printed before and after), CPU milliseconds per page much less.

Prints a table: pages/s of each, steady state (after start-up and model load) and in total; the
ratio local[2] / local[1] (goal >= 1.9, issue 16) and Spark local[2] against the single-machine path, steady
state (goal: within 5 %, issue 16), with PASS or MISS; and the events of each path (they must be equal).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import single_thread  # noqa: F401  (one thread per process, set before numeric libraries load)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's civicwatch, for the driver and (via PYTHONPATH) the workers

import bench_sources  # noqa: E402

GOAL_SCALING = 1.9  # local[2] / local[1]
GOAL_GAP = 0.05  # Spark local[2] may be this much slower than the single-machine path on 2 cores


def child(master: str, out: str, warm_files: list[str], files: list[str]) -> None:
    """One Spark run in this process: prints one JSON line of timings and counts."""
    started = time.perf_counter()
    from civicwatch.spark.job import make_session, run_extract

    spark = make_session(
        master, {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4", "spark.driver.memory": "2g"}
    )
    spark.sparkContext.setLogLevel("ERROR")
    session_s = time.perf_counter() - started
    cores = spark.sparkContext.defaultParallelism
    warm_started = time.perf_counter()
    run_extract(spark, warm_files, out + "-warm-up")  # one file per core: every worker loads and warms up
    warm_s = time.perf_counter() - warm_started
    summary = run_extract(spark, files, out)
    spark.stop()
    print(
        json.dumps(
            {
                "master": master,
                "cores": cores,
                "session_s": session_s,
                "warm_s": warm_s,
                "job_s": summary.elapsed_s,
                "compute_s": summary.compute_s,
                "total_s": time.perf_counter() - started,
                "pages": summary.pages,
                "relevant": summary.relevant,
                "articles": summary.articles,
                "events": summary.events,
                "errors": summary.errors,
                "tasks": summary.tasks,
                "loads": summary.model_loads,
                "worker_cpu_s": summary.worker_cpu_s,
            }
        )
    )


def run_spark(master: str, out: Path, warm_files: list[str], files: list[str]) -> dict:
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, __file__, "--child", master, str(out), ",".join(warm_files), *files],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {master} run failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - started  # with the Python and JVM start
    return result


def single_work(shard: str, warm_file: str) -> dict:
    """One process of the single-machine path: load the models once, read the warm-up file, then read
    and extract the shard (timed)."""
    started = time.perf_counter()
    from civicwatch.spark.worker import load_models

    load_models()  # the same loads the Spark workers do: extractors, language detector, prefilter
    from civicwatch.clean.prefilter import Prefilter
    from civicwatch.extract.language import SUPPORTED
    from civicwatch.pipeline import extract_article
    from civicwatch.sources.inputs import InputOptions, iter_inputs

    options = InputOptions(prefilter=Prefilter.for_languages(SUPPORTED))
    for loaded in iter_inputs([warm_file], options):
        if loaded.article is not None and loaded.relevant and not loaded.error:
            extract_article(loaded.article)
    load_s = time.perf_counter() - started
    loop_start, cpu_start = time.perf_counter(), time.process_time()
    pages = events = 0
    for loaded in iter_inputs([shard], options):
        pages += loaded.error is None
        if loaded.article is not None and loaded.relevant and not loaded.error:
            events += len(extract_article(loaded.article)[0])
    return {
        "load_s": load_s,
        "loop_s": time.perf_counter() - loop_start,
        "cpu_s": time.process_time() - cpu_start,
        "pages": pages,
        "events": events,
    }


def run_single(shards: list[str], warm_files: list[str]) -> dict:
    """The shards in parallel, one fresh process each (spawned: each pays its imports and model load)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(shards), mp_context=context) as pool:
        results = list(pool.map(single_work, shards, warm_files))
    return {
        "wall_s": time.perf_counter() - started,
        "load_s": max(r["load_s"] for r in results),
        "loop_s": max(r["loop_s"] for r in results),
        "cpu_s": sum(r["cpu_s"] for r in results),
        "events": sum(r["events"] for r in results),
    }


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def spark_events(out: Path) -> dict[str, int]:
    from civicwatch.spark.output import iter_articles

    return {article.url or "": len(events) for article, events, _ in iter_articles(out)}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(argv[1], argv[2], argv[3].split(","), argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="the shared folder (../shared): eval/dev and bench/")
    # large enough that a job's fixed costs (planning, scheduling, the cache) do not pass for its speed
    parser.add_argument("--pages", type=int, default=8000, help="pages in the archive (default 8000)")
    parser.add_argument("--files", type=int, default=8, help="WARC files the archive is split into (default 8)")
    parser.add_argument("--no-real", action="store_true", help="leave out the 990 real pages of bench/")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    civic = bench_sources.civic_pages(rng, args.shared)
    real = [] if args.no_real else bench_sources.real_pages(args.shared / "bench" / "web-pages.warc.gz")
    generated = [bench_sources.generated_page(rng, i) for i in range(max(0, args.pages - len(civic) - len(real)))]
    pages = civic + real + generated
    rng.shuffle(pages)
    members = [bench_sources.warc_member(page, rng) for page in pages]
    n = len(pages)
    # the warm-up archive: civic pages and new ordinary ones, two files (one per core)
    warm_pages = civic[:8] + [bench_sources.generated_page(rng, 100_000 + i) for i in range(24)]
    warm_members = [bench_sources.warc_member(page, rng) for page in warm_pages]

    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        folder = Path(tmp)
        archive = folder / "mixed.warc.gz"
        offsets = bench_sources.write_warc(archive, members)
        everything = list(range(n))
        files = bench_sources.split_warc(
            archive, offsets, bench_sources.round_robin(everything, args.files), folder, "part"
        )
        paths = [f["path"] for f in files]
        two = bench_sources.split_warc(archive, offsets, bench_sources.round_robin(everything, 2), folder, "two")
        warm_archive = folder / "warm.warc.gz"
        warm_offsets = bench_sources.write_warc(warm_archive, warm_members)
        warm_order = bench_sources.round_robin(list(range(len(warm_pages))), 2)
        warm = [f["path"] for f in bench_sources.split_warc(warm_archive, warm_offsets, warm_order, folder, "warm")]
        print("== archive")
        print(
            f"pages        {n}: {len(civic)} civic (dev and demo), {len(real)} real, {len(generated)} generated;"
            f" {archive.stat().st_size / 1e6:.1f} MB .warc.gz in {args.files} files"
        )
        print(f"cpu          {bench_sources.cpu_name()}, {os.cpu_count()} cores; load average {load()} before")
        sys.stdout.flush()

        single = run_single([shard["path"] for shard in two], warm)
        runs = {
            master: run_spark(master, folder / f"out-{master[6]}", warm, paths) for master in ("local[1]", "local[2]")
        }
        events = {master: spark_events(folder / f"out-{master[6]}") for master in runs}
        print(f"load         load average {load()} after")

    single_steady = n / single["loop_s"]
    single_total = n / single["wall_s"]
    single_events = single["events"]
    rows = []
    for master, run in runs.items():
        rows.append(
            (
                f"spark {master}",
                n / run["compute_s"],
                n / run["job_s"],
                n / run["process_s"],
                run["events"],
                1000 * run["worker_cpu_s"] / n,
                run["worker_cpu_s"] / (run["cores"] * run["compute_s"]),
                f"session {run['session_s']:.1f} s, model load and warm-up {run['warm_s']:.1f} s,"
                f" job {run['job_s']:.1f} s (compute {run['compute_s']:.1f} s), process {run['process_s']:.1f} s",
            )
        )
    rows.append(
        (
            "single machine, 2 processes",
            single_steady,
            single_steady,
            single_total,
            single_events,
            1000 * single["cpu_s"] / n,
            single["cpu_s"] / (2 * single["loop_s"]),
            f"model load and warm-up {single['load_s']:.1f} s, steady {single['loop_s']:.1f} s,"
            f" wall {single['wall_s']:.1f} s",
        )
    )
    print("\n== pages/s (steady: after start-up and model load; job: with the Parquet writes; total: everything)")
    print(
        f"{'path':<28} {'steady':>7} {'job':>7} {'total':>7} {'events':>6} {'cpu ms/page':>11} {'cpu share':>9} timings"
    )
    for name, steady, job, total, found, cpu_ms, share, note in rows:
        print(f"{name:<28} {steady:>7.1f} {job:>7.1f} {total:>7.1f} {found:>6} {cpu_ms:>11.2f} {share:>9.0%}  {note}")
    print(
        "(cpu share: the CPU time the Python processes got in the steady phase, of all its cores' time;"
        " well under 100 % means other work took the cores)"
    )

    one, two_cores = runs["local[1]"], runs["local[2]"]
    scaling = one["compute_s"] / two_cores["compute_s"]
    scaling_job = one["job_s"] / two_cores["job_s"]
    gap = 1 - (n / two_cores["compute_s"]) / single_steady
    gap_job = 1 - (n / two_cores["job_s"]) / single_steady
    same = events["local[1]"] == events["local[2]"] and two_cores["events"] == single_events
    loads = [v for run in runs.values() for v in run["loads"].values()]
    print("\n== goals")
    print(f"scaling      local[2] / local[1] = {scaling:.2f}x steady ({scaling_job:.2f}x with writes);"
          f" goal >= {GOAL_SCALING}x: {verdict(scaling >= GOAL_SCALING)}")  # fmt: skip
    print(f"vs single    Spark local[2] is {gap:+.1%} slower than the single-machine path steady"
          f" ({gap_job:+.1%} with writes); goal <= {GOAL_GAP:.0%}: {verdict(gap <= GOAL_GAP)}")  # fmt: skip
    print(f"events       local[1] {one['events']}, local[2] {two_cores['events']}, single machine {single_events}:"
          f" {'equal' if same else 'DIFFERENT'}")  # fmt: skip
    print(f"model loads  per Python worker process: {sorted(set(loads))} (1 = once per process)")
    cpu_gap = two_cores["worker_cpu_s"] / single["cpu_s"] - 1
    print(f"cpu/page     Spark workers use {cpu_gap:+.1%} CPU per page against the single-machine processes")
    per_core = n / one["compute_s"]
    per_core_cpu = n / one["worker_cpu_s"]
    print(
        f"per core     {per_core:.1f} pages/s wall (Spark local[1], steady), {per_core_cpu:.1f} pages per CPU-second"
        " -> the cluster estimate in bench/README.md"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
