"""Load and soak: a large web archive ingested while ``civicwatch serve`` answers 20 clients.

usage: python bench/soak.py SHARED [--copies 20] [--civic-copies 8] [--clients 20] [--think 0.25]
                                   [--baseline 30] [--workers 2] [--out DIR] [--progress]

1. Builds a ``.warc.gz`` in a scratch folder: the 990 real pages of ``SHARED/bench/web-pages.warc.gz``,
   ``--copies`` times each, every copy varied (a URL of its own, no canonical link to the original, and a
   paragraph of words drawn from the page's own text after its longest paragraph, so that most copies
   differ in text from the original), plus the civic-space articles (``SHARED/eval/dev`` and ``samples/``, as news
   pages, see ``bench_sources.civic_page``), ``--civic-copies`` times each, varied alike (the store keeps
   later copies as reposts of the first, without extracting them again). Shuffled (``--seed``).
2. Starts ``civicwatch serve --db FILE --workers N`` on an empty SQLite database.
3. ``--clients`` clients (httpx, asyncio, keep-alive; each waits about ``--think`` s between requests) ask
   for the dashboard, the event list (plain, filtered, searched, as JSON), the statistics, and the detail
   pages of events and articles they saw in the lists: for ``--baseline`` seconds alone (the reference
   latency), then while ``civicwatch ingest ARCHIVE --db FILE --quiet`` runs in a subprocess, as a user
   would run it.
4. Every second: the ingest's and the server's resident memory (``/proc``; the server's workers
   included) and the ingest's progress (its read position in the archive, ``/proc/PID/fdinfo``).

Reports: pages, the ingest's summary line and exit status (its failures by reason), requests, errors (an
answer other than 200, or no answer), p50/p95/p99 latency during the ingest and before it, and memory
over time: the ingest's RSS after its first tenth, its peak, and the slope of a least-squares line through
the second half (MiB per 1,000 pages: flat is ~0). Writes ``soak.json`` (figures), ``soak.csv`` (the
samples) and ``soak-memory.png`` (the curve) to ``--out`` (default: bench/soak). Exits 1 on any HTTP
error. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_sources import Page, civic_pages, real_pages, warc_member
from bench_web import free_port, start_server

from civicwatch.store import connect

HERE = Path(__file__).resolve().parent
PATHS = [
    "/",
    "/events",
    "/events?type=designation",
    "/events?q=court",
    "/api/events?limit=20",
    "/api/events?q=foreign+agent",
    "/api/stats",
    "/api/articles?limit=20",
]
_WORDS = re.compile(rb">([^<>]{20,200})<")


_PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>[^<]{40,}</p>", re.I)
_SAME_PAGE = re.compile(rb"<link[^>]*canonical[^>]*>|<meta[^>]*og:url[^>]*>", re.I)


def varied(page: Page, copy: int, rng: random.Random) -> Page:
    """Copy ``copy`` of a page: a URL of its own (no canonical link naming the original's), and a paragraph
    of the page's own words, shuffled, after its longest paragraph (so that its text is not the original's)."""
    if copy == 0:
        return page
    words = b" ".join(_WORDS.findall(page.html[:200_000])[:40]).split() or [b"copy"]
    rng.shuffle(words)
    paragraph = b"<p>" + b" ".join(words[:60]) + b" (" + str(copy).encode() + b").</p>"  # words: HTML text already
    html = _SAME_PAGE.sub(b"", page.html)
    longest = max(_PARAGRAPH.finditer(html), key=lambda m: m.end() - m.start(), default=None)  # in the article
    at = longest.end() if longest else html.lower().rfind(b"</body>")
    html = html[:at] + paragraph + html[at:] if at >= 0 else html + paragraph
    joiner = "&" if "?" in page.url else "?"
    return Page(page.kind, page.name, f"{page.url}{joiner}copy={copy}", html, page.content_type, page.warc_date)


def build_archive(shared: Path, path: Path, copies: int, civic_copies: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    real = real_pages(shared / "bench" / "web-pages.warc.gz")
    civic = civic_pages(rng, shared)
    plan = [(p, k) for p in real for k in range(copies)] + [(p, k) for p in civic for k in range(civic_copies)]
    rng.shuffle(plan)
    with path.open("wb") as handle:
        for page, k in plan:
            handle.write(warc_member(varied(page, k, rng), rng))
    return {"real": len(real) * copies, "civic": len(civic) * civic_copies, "pages": len(plan)}


# ---------------------------------------------------------------------------------------------- /proc


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mib(pid: int) -> float:
    """A process and its children (the server's workers)."""
    total = rss_mib(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_rss_mib(int(child)) for child in children)


def read_position(pid: int, path: Path) -> int | None:
    """How far the process has read into ``path`` (the offset of its open file), or None."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                    if line.startswith("pos:"):
                        return int(line.split()[1])
    except OSError:
        pass
    return None


# ----------------------------------------------------------------------------------------------- load


class Load:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.requests = 0
        self.event_ids: list[int] = []
        self.article_ids: list[int] = []
        self.running = True

    async def client(self, http: httpx.AsyncClient, rng: random.Random, think: float) -> None:
        while self.running:
            path = self.pick(rng)
            started = time.perf_counter()
            try:
                response = await http.get(path)
                status = response.status_code
            except httpx.HTTPError as exc:
                self.errors.append(f"{path}: {type(exc).__name__}")
                status = None
            self.latencies.append(time.perf_counter() - started)
            self.requests += 1
            if status is not None and status != 200:
                self.errors.append(f"{path}: HTTP {status}")
            elif status == 200 and path.startswith("/api/") and "/stats" not in path:
                self.remember(path, response.json())
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    def pick(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.15 and self.event_ids:
            return f"/events/{rng.choice(self.event_ids)}"
        if roll < 0.25 and self.article_ids:
            return f"/articles/{rng.choice(self.article_ids)}"
        return rng.choice(PATHS)

    def remember(self, path: str, body: dict) -> None:
        ids = [item["id"] for item in body.get("data", []) if isinstance(item, dict) and "id" in item]
        target = self.article_ids if path.startswith("/api/articles") else self.event_ids
        target[:] = (target + ids)[-200:]


async def soak(args: argparse.Namespace, base: str, archive: Path, db: Path, server: subprocess.Popen) -> dict:
    load = Load()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    command = [sys.executable, "-m", "civicwatch.cli", "ingest", str(archive), "--db", str(db), "--quiet"]
    log = args.scratch / "ingest.log"
    samples: list[dict] = []
    size = archive.stat().st_size
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        clients = [asyncio.create_task(load.client(http, random.Random(k), args.think)) for k in range(args.clients)]
        await asyncio.sleep(args.baseline)  # the same clients with no ingest running: the reference latency
        baseline, load.latencies = load.latencies, []
        baseline_errors, load.errors = load.errors, []
        with log.open("w") as sink:
            ingest = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
        started = time.monotonic()
        load.requests = 0
        position = 0
        while ingest.poll() is None:
            await asyncio.sleep(1.0)
            position = read_position(ingest.pid, archive) or position
            ingest_rss = rss_mib(ingest.pid)
            if not ingest_rss:  # it has just exited
                continue
            latencies = load.latencies[len(samples) and samples[-1]["_seen"] :]
            samples.append(
                {
                    "seconds": round(time.monotonic() - started, 1),
                    "read_fraction": round(position / size, 4),
                    "ingest_rss_mib": round(ingest_rss, 1),
                    "server_rss_mib": round(tree_rss_mib(server.pid), 1),
                    "requests": load.requests,
                    "p95_ms_last_s": round(percentile(latencies, 95) * 1000, 1) if latencies else None,
                    "_seen": len(load.latencies),
                }
            )
            if args.progress and len(samples) % 30 == 0:
                s = samples[-1]
                memory = f"ingest {s['ingest_rss_mib']:.0f} MiB  server {s['server_rss_mib']:.0f} MiB"
                print(
                    f"  {s['seconds']:>6.0f} s  {100 * s['read_fraction']:5.1f} % read  {memory}  {s['requests']} req",
                    flush=True,
                )
        elapsed = time.monotonic() - started
        load.running = False
        await asyncio.gather(*clients)
    return {
        "load": load,
        "samples": samples,
        "elapsed": elapsed,
        "exit": ingest.returncode,
        "log": log.read_text(),
        "baseline": baseline,
        "baseline_errors": baseline_errors,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def slope_per_1000_pages(samples: list[dict], pages: int) -> float:
    """MiB per 1,000 pages of a least-squares line through the ingest's RSS over its second half."""
    half = [s for s in samples if s["read_fraction"] >= 0.5]
    if len(half) < 3:
        return 0.0
    xs = [s["read_fraction"] * pages / 1000 for s in half]
    ys = [s["ingest_rss_mib"] for s in half]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0


def plot(samples: list[dict], pages: int, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        print("no plot: matplotlib is not installed (pip install -e '.[bench]')")
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    done = [s["read_fraction"] * pages / 1000 for s in samples]
    ax.plot(done, [s["ingest_rss_mib"] for s in samples], label="civicwatch ingest")
    ax.plot(done, [s["server_rss_mib"] for s in samples], label="civicwatch serve (all workers)")
    ax.set_xlabel("pages read (thousands)")
    ax.set_ylabel("resident memory (MiB)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title(f"Soak: {pages:,} WARC pages ingested while 20 clients read the web app")
    fig.tight_layout()
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shared", type=Path, help="the shared data folder (bench/web-pages.warc.gz, eval/dev)")
    parser.add_argument("--copies", type=int, default=20, help="copies of each real page (default 20)")
    parser.add_argument("--civic-copies", type=int, default=8, help="copies of each civic article (default 8)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.25, help="mean seconds between a client's requests")
    parser.add_argument("--baseline", type=float, default=30, help="seconds of load before the ingest starts")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "soak", help="where the figures go (default bench/soak)")
    parser.add_argument("--progress", action="store_true", help="a line every 30 s")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="civicwatch-soak-") as scratch:
        args.scratch = Path(scratch)
        archive, db = args.scratch / "soak.warc.gz", args.scratch / "soak.db"
        t0 = time.monotonic()
        counts = build_archive(args.shared, archive, args.copies, args.civic_copies, args.seed)
        print(
            f"archive      {counts['pages']:,} pages ({counts['real']:,} real-page copies, {counts['civic']} civic), "
            f"{archive.stat().st_size / 2**20:.0f} MiB, built in {time.monotonic() - t0:.0f} s",
            flush=True,
        )
        connect(f"sqlite:///{db}").dispose()  # the schema, before the server opens it
        port = free_port()
        server = start_server(db, port, args.workers, args.scratch / "server.log")
        try:
            run = asyncio.run(soak(args, f"http://127.0.0.1:{port}", archive, db, server))
        finally:
            server.terminate()
            server.wait(timeout=30)
        figures = report(run, counts["pages"], args)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "soak.json").write_text(json.dumps(figures, indent=2) + "\n")
        with (args.out / "soak.csv").open("w", newline="") as handle:
            fields = [k for k in run["samples"][0] if not k.startswith("_")] if run["samples"] else []
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(run["samples"])
        if run["samples"]:
            plot(run["samples"], counts["pages"], args.out / "soak-memory.png")
        print(f"written      {args.out}/soak.json, soak.csv, soak-memory.png")
        errors = figures["http_errors"] + figures["baseline_http_errors"]
        return 1 if errors or figures["ingest_exit"] not in (0, 1) else 0


def report(run: dict, pages: int, args: argparse.Namespace) -> dict:
    load: Load = run["load"]
    samples = run["samples"]
    summary = [line for line in run["log"].splitlines() if line.strip()][-1:] or [""]
    ingest_errors = [line for line in run["log"].splitlines() if line.startswith("error:")]
    settled = [s["ingest_rss_mib"] for s in samples if s["read_fraction"] >= 0.1] or [0.0]
    lat = load.latencies or [0.0]
    base = run["baseline"] or [0.0]
    figures = {
        "pages": pages,
        "ingest_seconds": round(run["elapsed"], 1),
        "pages_per_second": round(pages / run["elapsed"], 1),
        "ingest_exit": run["exit"],
        "ingest_summary": summary[0].strip(),
        "ingest_error_lines": len(ingest_errors),
        "ingest_error_examples": ingest_errors[:5],
        "clients": args.clients,
        "requests": load.requests,
        "requests_per_second": round(load.requests / run["elapsed"], 1),
        "http_errors": len(load.errors),
        "http_error_examples": load.errors[:5],
        "latency_ms": {f"p{q}": round(percentile(lat, q) * 1000, 1) for q in (50, 95, 99)},
        "baseline_requests": len(run["baseline"]),
        "baseline_http_errors": len(run["baseline_errors"]),
        "baseline_latency_ms": {f"p{q}": round(percentile(base, q) * 1000, 1) for q in (50, 95, 99)},
        "ingest_rss_mib": {
            "after_first_tenth": settled[0],
            "peak": max(s["ingest_rss_mib"] for s in samples) if samples else 0.0,
            "end": samples[-1]["ingest_rss_mib"] if samples else 0.0,
            "slope_second_half_mib_per_1000_pages": round(slope_per_1000_pages(samples, pages), 2),
        },
        "server_rss_mib": {
            "start": samples[0]["server_rss_mib"] if samples else 0.0,
            "peak": max(s["server_rss_mib"] for s in samples) if samples else 0.0,
            "end": samples[-1]["server_rss_mib"] if samples else 0.0,
        },
    }
    print(f"ingest       {figures['ingest_seconds']} s, {figures['pages_per_second']} pages/s, exit {run['exit']}")
    print(f"             {figures['ingest_summary']}")
    print(
        f"web          {load.requests} requests ({figures['requests_per_second']}/s) from {args.clients} clients, "
        f"{len(load.errors)} errors; p50 {figures['latency_ms']['p50']} ms, p95 {figures['latency_ms']['p95']} ms, "
        f"p99 {figures['latency_ms']['p99']} ms"
    )
    reference = figures["baseline_latency_ms"]
    print(
        f"             before the ingest ({args.baseline:g} s, {len(run['baseline'])} requests): "
        f"p50 {reference['p50']} ms, "
        f"p95 {reference['p95']} ms, p99 {reference['p99']} ms, {len(run['baseline_errors'])} errors"
    )
    memory = figures["ingest_rss_mib"]
    print(
        f"memory       ingest {memory['after_first_tenth']:.0f} MiB after 10 %, peak {memory['peak']:.0f}, "
        f"end {memory['end']:.0f}, second-half slope {memory['slope_second_half_mib_per_1000_pages']} MiB/1000 pages; "
        f"server {figures['server_rss_mib']['start']:.0f} -> {figures['server_rss_mib']['end']:.0f} MiB"
    )
    for line in load.errors[:5] + ingest_errors[:5]:
        print(f"  {line}")
    return figures


if __name__ == "__main__":
    sys.exit(main())
