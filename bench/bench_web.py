"""Web benchmark: 100,000 events in SQLite, the real server, 20 concurrent clients.

usage: python bench/bench_web.py [--events 100000] [--db PATH] [--clients 20] [--requests 2000]
                                 [--seconds 30] [--workers 2] [--port 0]

1. Builds a SQLite database of ``--events`` events (unless ``--db`` names one that already has them):
   articles in English and Russian, entities with aliases in both, events of every type over 2012-2026
   in a dozen countries with day, month and year dates, one to three reports (mentions) each, and the
   entity links. Rows go in with bulk INSERTs through the store's tables (the extractor is not involved),
   so the full-text index triggers of the schema run as they would on ingest.
2. Starts ``civicwatch serve --db PATH --workers N`` in a subprocess on 127.0.0.1, as a user would.
3. For each endpoint, ``--clients`` concurrent clients (httpx, asyncio, keep-alive) send requests until
   ``--requests`` are done or ``--seconds`` have passed; a short warm-up comes first, untimed.

Prints p50/p95/p99 latency, requests/s and the server's CPU milliseconds per request (all its worker
processes; Linux) per endpoint, with PASS or MISS against the goal (p95 < 100 ms for the event list and
the dashboard). The load generator runs on the same machine as the server and takes CPU from it, and
so does anything else running: the CPU per request is the figure least changed by a busy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from civicwatch.model import EVENT_TYPES, STATUSES
from civicwatch.store import connect, session
from civicwatch.store.models import Alias, Article, Entity, Event, EventEntity, Mention

GOAL_P95_MS = 100.0
SEED = 20240601
COUNTRIES = ["RU"] * 12 + ["BY"] * 4 + ["KZ", "KZ", "UA", "GE", "AZ", "KG", "TJ", "UZ", "AM", "TR", "HU", "IN"]
TYPE_WEIGHTS = {
    "designation": 30,
    "sanction": 20,
    "prosecution": 20,
    "closure": 8,
    "attack": 8,
    "law": 5,
    "reaction": 7,
    "delisting": 2,
}
ORG_WORDS_EN = "Memorial Sova Golos Agora Dozhd Meduza Verdict Perspective Citizen Watch Ecology Rights Voice".split()
ORG_WORDS_RU = "Мемориал Сова Голос Агора Дождь Медуза Вердикт Перспектива Гражданин Дозор Экология Право Глас".split()
KINDS_EN = ["Center", "Foundation", "Association", "Media", "Movement", "Committee", "Institute", "Group"]
KINDS_RU = ["Центр", "Фонд", "Ассоциация", "Медиа", "Движение", "Комитет", "Институт", "Группа"]
ACTORS = ["Justice Ministry", "Prosecutor General", "Moscow court", "Roskomnadzor", "Supreme Court", "police"]
EN_TEMPLATES = {
    "designation": "The {actor} designated {target} a {subtype} organization on {when}.",
    "sanction": "A court fined {target} after a complaint by the {actor} ({subtype}).",
    "prosecution": "Police searched the offices of {target} in a {subtype} case opened by the {actor}.",
    "closure": "{target} announced its {subtype} following pressure from the {actor}.",
    "attack": "Unknown men attacked staff of {target} ({subtype}); the {actor} did not comment.",
    "law": "Lawmakers {subtype} a bill aimed at groups like {target}, the {actor} said.",
    "reaction": "Rights groups issued a {subtype} over the treatment of {target} by the {actor}.",
    "delisting": "The {actor} removed {target} from the {subtype} register.",
}
RU_TEMPLATES = {
    "designation": "{actor} внес {target} в реестр ({subtype}) {when}.",
    "sanction": "Суд оштрафовал {target} по жалобе: {actor} ({subtype}).",
    "prosecution": "В офисе {target} прошли обыски по делу ({subtype}), сообщил {actor}.",
    "closure": "{target} объявил о ликвидации ({subtype}) после давления: {actor}.",
    "attack": "Неизвестные напали на сотрудников {target} ({subtype}).",
    "law": "Депутаты приняли закон ({subtype}), направленный против таких, как {target}.",
    "reaction": "Правозащитники выступили с заявлением ({subtype}) в защиту {target}.",
    "delisting": "{actor} исключил {target} из реестра ({subtype}).",
}
FILLER = (
    "Independent journalists and civil society groups continue to report under growing pressure. "
    "The organization said it would appeal the decision and continue its work. "
)

# (label, path, counted in the goal): the HTML pages need WEB-UI's pages; the API variants always exist
ENDPOINTS = [
    ("dashboard /", "/", True),
    ("events page /events", "/events", True),
    ("events page, type+country", "/events?type=designation&country=RU", True),
    ("events page, search q", "/events?q=memorial", True),
    ("events page, page 2", None, True),  # the next-page link of /events, found at run time
    ("api /api/events", "/api/events", False),
    ("api filtered", "/api/events?type=sanction&country=BY&date_from=2020-01-01", False),
    ("api search q (ru)", "/api/events?q=%D0%BE%D0%B1%D1%8B%D1%81%D0%BA%D0%B8", False),  # «обыски»
    ("api search, a third match", "/api/events?q=court", False),
    ("api language=ru", "/api/events?language=ru", False),
    ("api stats", "/api/stats", False),
    ("api facets (cached, tiny)", "/api/facets", False),  # the floor: server, HTTP and load generator alone
]


# ------------------------------------------------------------------------------------------- database


def _edtf(rng: random.Random) -> tuple[str | None, date | None, date | None]:
    day = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 365 * 14 + 300))
    roll = rng.random()
    if roll < 0.05:
        return None, None, None
    if roll < 0.65:
        return day.isoformat(), day, day
    if roll < 0.9:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start.isoformat()[:7], start, end
    return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)


def build_database(url: str, n_events: int) -> None:
    """Fill an empty database with n_events events and what they hang on (bulk INSERTs, one transaction)."""
    rng = random.Random(SEED)
    engine = connect(url)
    now = datetime.now(UTC)
    n_articles = max(100, n_events // 5)
    n_entities = max(50, n_events // 30)

    entities, aliases = [], []
    for i in range(1, n_entities + 1):
        word = rng.randrange(len(ORG_WORDS_EN))
        kind = rng.randrange(len(KINDS_EN))
        name_en = f"{ORG_WORDS_EN[word]} {KINDS_EN[kind]} {i}"
        name_ru = f"{KINDS_RU[kind]} «{ORG_WORDS_RU[word]}» {i}"
        entities.append({"id": i, "key": f"bench-{i}", "name": name_en, "kind": "organization", "created_at": now})
        aliases.append({"entity_id": i, "name": name_en, "name_folded": name_en.casefold(), "key": f"bench-{i}",
                        "language": "en", "seen": rng.randint(1, 30)})  # fmt: skip
        aliases.append({"entity_id": i, "name": name_ru, "name_folded": name_ru.casefold(), "key": None,
                        "language": "ru", "seen": rng.randint(1, 30)})  # fmt: skip
    actor_ids = {}
    for name in ACTORS:
        actor_ids[name] = len(entities) + 1
        entities.append({"id": len(entities) + 1, "key": f"actor-{name.casefold()}", "name": name,
                         "kind": "organization", "created_at": now})  # fmt: skip
        aliases.append({"entity_id": actor_ids[name], "name": name, "name_folded": name.casefold(),
                        "key": f"actor-{name.casefold()}", "language": "en", "seen": 100})  # fmt: skip

    articles = []
    for i in range(1, n_articles + 1):
        language = "ru" if rng.random() < 0.4 else "en"
        published = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 365 * 14 + 300))
        title = f"{'Новости' if language == 'ru' else 'News'} {i}: {rng.choice(ORG_WORDS_EN)} under pressure"
        articles.append({
            "id": i, "url": f"https://news.example/{language}/{i}", "title": title, "published": published,
            "language": language, "source_path": None, "text": title + "\n\n" + FILLER * 3,
            "text_hash": hashlib.sha256(f"bench-{i}".encode()).hexdigest(), "event_count": 0,
            "ingested_at": now, "minhash": b"", "story_id": None,
        })  # fmt: skip

    types, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    events, mentions, links = [], [], []
    for i in range(1, n_events + 1):
        type_ = rng.choices(types, weights)[0]
        subtype = rng.choice(EVENT_TYPES[type_])
        status = rng.choices(STATUSES, [85, 10, 5])[0]
        when, start, end = _edtf(rng)
        targets = rng.sample(range(1, n_entities + 1), 2 if rng.random() < 0.15 else 1)
        actor = rng.choice(ACTORS) if rng.random() < 0.8 else None
        reports = rng.sample(range(1, n_articles + 1), rng.choices([1, 2, 3], [70, 22, 8])[0])
        first = articles[reports[0] - 1]
        template = (RU_TEMPLATES if first["language"] == "ru" else EN_TEMPLATES)[type_]
        target_names = [entities[t - 1]["name"] for t in targets]
        evidence = template.format(actor=actor or "authorities", target=" and ".join(target_names),
                                   subtype=subtype.replace("_", " "), when=when or "recently")  # fmt: skip
        boilerplate = rng.random() < 0.03
        confidence = round(rng.uniform(0.4, 0.95), 2)
        events.append({
            "id": i, "type": type_, "subtype": subtype, "status": status, "targets": target_names, "actor": actor,
            "date": when, "date_start": start, "date_end": end, "location": None,
            "country": rng.choice(COUNTRIES), "evidence": evidence, "evidence_article_id": first["id"],
            "evidence_start": 0, "evidence_end": len(evidence), "confidence": confidence,
            "boilerplate": boilerplate, "source_count": len(reports), "first_published": first["published"],
            "last_published": first["published"], "created_at": now, "updated_at": now,
        })  # fmt: skip
        for article_id in reports:
            articles[article_id - 1]["event_count"] += 1
            mentions.append({
                "event_id": i, "article_id": article_id, "type": type_, "subtype": subtype, "status": status,
                "targets": target_names, "actor": actor, "date": when, "location": None, "country": None,
                "evidence": evidence, "evidence_start": 0, "evidence_end": len(evidence),
                "confidence": confidence, "boilerplate": boilerplate, "extra": {},
            })  # fmt: skip
        links += [{"event_id": i, "entity_id": t, "role": "target"} for t in targets]
        if actor:
            links.append({"event_id": i, "entity_id": actor_ids[actor], "role": "actor"})

    with engine.begin() as connection:
        for model, rows in (
            (Entity, entities),
            (Alias, aliases),
            (Article, articles),
            (Event, events),
            (Mention, mentions),
            (EventEntity, links),
        ):
            for start in range(0, len(rows), 5000):
                connection.execute(insert(model), rows[start : start + 5000])
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def ensure_database(path: Path, n_events: int) -> None:
    url = f"sqlite:///{path}"
    if path.exists():
        engine = connect(url)
        with session(engine) as s:
            have = s.scalar(select(func.count()).select_from(Event))
        engine.dispose()
        if have == n_events:
            print(f"database: {path} (reused, {have:,} events)")
            return
        raise SystemExit(f"{path} holds {have:,} events, not {n_events:,}: name another --db or delete it")
    started = time.perf_counter()
    build_database(url, n_events)
    print(f"database: {path}: {n_events:,} events built in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "civicwatch.cli", "serve", "--db", str(db), "--port", str(port)]
    command += ["--workers", str(workers)]
    # the server's messages go to a file: a pipe nobody reads would block it once full
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/facets", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


# ------------------------------------------------------------------------------------------------ load


async def load(base: str, path: str, clients: int, requests: int, seconds: float) -> dict:
    """Closed loop: ``clients`` tasks each send a request as soon as their previous one is answered."""
    latencies: list[float] = []
    errors = 0
    budget = {"left": requests}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(min(clients, 20)):  # warm-up: connections, caches, first template compile
            await client.get(path)
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            nonlocal errors
            while budget["left"] > 0 and time.perf_counter() < deadline:
                budget["left"] -= 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "n": len(latencies),
        "errors": errors,
        "p50": quantiles[49] * 1000,
        "p95": quantiles[94] * 1000,
        "p99": quantiles[98] * 1000,
        "rps": len(latencies) / elapsed,
    }


def load_with_ab(base: str, path: str, clients: int, requests: int, seconds: float) -> dict:
    """The same closed loop with ApacheBench (Debian's apache2-utils): a load generator in C, keep-alive.

    httpx in Python spends about a millisecond of CPU per request, which on a 2-core machine is taken from
    the server under test and shows up as the server's tail latency; ab spends a few microseconds.
    """
    ab = shutil.which("ab")
    assert ab is not None
    url = base + path
    subprocess.run([ab, "-q", "-k", "-c", str(clients), "-n", str(max(clients, 20)), url], capture_output=True)
    with tempfile.NamedTemporaryFile(suffix=".csv") as percentiles:
        command = [ab, "-q", "-k", "-c", str(clients), "-n", str(requests), "-s", "30", "-e", percentiles.name, url]
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
        # lines "P,ms" for P = 0..100: the time within which P % of the requests were answered
        table = dict(line.split(",") for line in Path(percentiles.name).read_text().splitlines()[1:] if "," in line)

    def number(label: str) -> float:
        found = re.search(rf"^{label}:\s+([\d.]+)", output, re.M)
        return float(found.group(1)) if found else 0.0

    done = int(number("Complete requests"))
    return {
        "n": done,
        "errors": int(number("Failed requests") + number("Non-2xx responses")),
        "p50": float(table["50"]),
        "p95": float(table["95"]),
        "p99": float(table["99"]),
        "rps": number("Requests per second"),
    }


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children so far (Linux /proc; None elsewhere)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for process in [pid, *map(int, children)]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def next_page(base: str, path: str) -> str | None:
    """The link to the second page of a list page (rel=next, or the API's next for the same filters)."""
    response = httpx.get(base + path, timeout=30)
    if response.status_code != 200:
        return None
    found = re.search(r'<a[^>]*rel="next"[^>]*href="([^"]+)"|<a[^>]*href="([^"]+)"[^>]*rel="next"', response.text)
    if not found:
        return None
    link = (found.group(1) or found.group(2)).replace("&amp;", "&")
    return link if link.startswith("/") else "/" + link.split("://", 1)[-1].split("/", 1)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file (built when missing, reused when it has the events)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint")
    parser.add_argument("--seconds", type=float, default=30.0, help="time cap per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--only", help="run only endpoints whose label contains this")
    parser.add_argument(
        "--generator",
        choices=["auto", "ab", "httpx"],
        default="auto",
        help="load generator: ab (ApacheBench, apt-get install apache2-utils) or httpx; auto: ab when installed",
    )
    args = parser.parse_args()
    use_ab = args.generator == "ab" or (args.generator == "auto" and shutil.which("ab") is not None)
    if use_ab and shutil.which("ab") is None:
        raise SystemExit("--generator ab: no `ab` on PATH (apt-get install apache2-utils)")

    scratch = None
    if args.db is None:
        scratch = tempfile.TemporaryDirectory()
        args.db = Path(scratch.name) / "bench_web.db"
    ensure_database(args.db, args.events)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = Path(tempfile.mkstemp(prefix="bench_web_server_", suffix=".log")[1])
    server = start_server(args.db, port, args.workers, server_log)
    print(
        f"server: civicwatch serve --workers {args.workers} on {base}; {args.clients} clients, "
        f"{args.requests} requests or {args.seconds:.0f} s per endpoint; {os.cpu_count()} CPUs shared with the load; "
        f"load generator: {'ab (C)' if use_ab else 'httpx (Python)'}"
    )
    print(
        f"{'endpoint':<28} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
        f"{'cpu ms':>7}  goal"
    )
    misses = failures = 0
    try:
        for label, path, counted in ENDPOINTS:
            if args.only and args.only not in label:
                continue
            if path is None:
                path = next_page(base, "/events")
            if path is None or httpx.get(base + path, timeout=30).status_code != 200:
                print(f"{label:<28} skipped: {path or 'no next link'} does not answer 200 (no such page yet?)")
                continue
            load_before = os.getloadavg()[0]
            cpu_before = process_cpu_seconds(server.pid)
            if use_ab:
                result = load_with_ab(base, path, args.clients, args.requests, args.seconds)
            else:
                result = asyncio.run(load(base, path, args.clients, args.requests, args.seconds))
            cpu_after = process_cpu_seconds(server.pid)
            # server CPU per request: what the machine's load does not change much (warm-up included)
            cpu_ms = (cpu_after - cpu_before) * 1000 / (result["n"] + min(args.clients, 20)) if cpu_after else None
            verdict = "PASS" if result["p95"] < GOAL_P95_MS else "MISS"
            if counted and verdict == "MISS":
                misses += 1
            failures += result["errors"]
            goal = f"{verdict} (p95 < {GOAL_P95_MS:.0f} ms)" if counted else f"({verdict})"
            print(
                f"{label:<28} {result['n']:>8} {result['errors']:>6} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                f"{result['p99']:>8.1f} {result['rps']:>7.0f} {cpu_ms or float('nan'):>7.2f}  {goal}  "
                f"[load {load_before:.1f}]"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if scratch is not None:
            scratch.cleanup()
    messages = server_log.read_text().strip().splitlines()
    if failures or len(messages) > 1:
        print(f"server messages ({server_log}):", *messages[-20:], sep="\n  ")
    if misses:
        print(f"{misses} page(s) missed the goal; compare on an idle machine (see the load column)")
    # timings depend on the machine and what else runs on it: only failed requests fail the run
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
