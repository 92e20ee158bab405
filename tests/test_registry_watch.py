"""registry watch: a register polled over HTTP, imported when it changed, verdicts following it."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.pipeline.registry_watch import WatchState, parse_every, poll_registry
from civicwatch.sources.fetch import Fetcher, FetchSettings
from civicwatch.store import session
from civicwatch.store.models import RegistryCheck, RegistryImport

REGISTRIES = Path(__file__).resolve().parents[2] / "shared" / "registries"
SNAPSHOTS = ["ru_minjust_foreign_agents_2025-08-08.xlsx", "ru_minjust_foreign_agents_2025-08-15.xlsx"]


class _Register(BaseHTTPRequestHandler):
    """Serves the current snapshot at /export.xlsx with an ETag, and 304 to a request that has it."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        if self.path != "/export.xlsx":
            self._answer(404, b"not here")
            return
        etag = f'"{self.server.current}"'
        self.server.conditional.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == etag:
            self._answer(304, b"", etag)
            return
        self._answer(200, (REGISTRIES / SNAPSHOTS[self.server.current]).read_bytes(), etag)

    def _answer(self, code: int, body: bytes, etag: str | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    current = 0
    conditional: list[str | None]


@pytest.fixture
def register():
    server = _Server(("127.0.0.1", 0), _Register)
    server.conditional = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_register_is_imported_when_it_changes_and_verdicts_follow(store_engine, register, tmp_path) -> None:
    if not REGISTRIES.is_dir():
        pytest.skip("../shared/registries is not here")
    article = ArticleIn(text="Headline\n\nKrotov designated.", published=date(2025, 8, 16), source="/news/1.txt")
    news = EventIn(
        type="designation",
        subtype="foreign_agent",
        status="occurred",
        targets=["Марк Кротов"],
        date="2025-08-15",
        country="RU",
        evidence="Krotov designated",
    )
    assert all(r.ok for r in ingest_results(store_engine, [FileResult(Path(article.source), article, [news])]))
    url = f"http://127.0.0.1:{register.server_address[1]}/export.xlsx"
    state = WatchState(tmp_path / "watch.json")
    settings = FetchSettings(allow_private=True, host_delay=0.0, backoff=0.0)
    with Fetcher(settings) as fetcher:
        first = poll_registry(store_engine, url, "ru-foreign-agents", state, fetcher)
        assert first.status == "imported" and first.imported is not None
        assert verdict(store_engine) == "not_checked"  # the 2025-08-08 snapshot cannot know of the 15th
        again = poll_registry(store_engine, url, "ru-foreign-agents", state, fetcher)
        assert again.status == "unchanged" and register.conditional[-1] == '"0"'  # a 304: nothing fetched
        register.current = 1  # the next weekly export is published
        later = poll_registry(store_engine, url, "ru-foreign-agents", state, fetcher)
    assert later.status == "imported" and later.imported is not None
    assert later.imported.new_entries == 5  # rows 1046-1050
    assert verdict(store_engine) == "confirmed"  # recomputed after the import
    with session(store_engine) as s:
        assert s.scalar(select(func.count()).select_from(RegistryImport)) == 2
    assert WatchState(tmp_path / "watch.json").headers(url) == {"If-None-Match": '"1"'}  # kept across restarts


def test_a_bad_url_or_file_is_one_line(store_engine, register, tmp_path) -> None:
    state = WatchState(tmp_path / "watch.json")
    with Fetcher(FetchSettings(allow_private=True, host_delay=0.0, backoff=0.0)) as fetcher:
        missing = poll_registry(store_engine, register_url(register, "/nothing"), "ru-foreign-agents", state, fetcher)
    assert (missing.status, missing.reason) == ("failed", "http-404 (Not Found)")
    with Fetcher(FetchSettings(host_delay=0.0, backoff=0.0)) as fetcher:  # the SSRF guard on
        private = poll_registry(
            store_engine, register_url(register, "/export.xlsx"), "ru-foreign-agents", state, fetcher
        )
    assert private.status == "failed" and "blocked" in (private.reason or "")


def test_intervals() -> None:
    assert parse_every("1d") == 86400 and parse_every("6h") == 21600 and parse_every("90s") == 90
    with pytest.raises(ValueError):
        parse_every("daily")


def register_url(server: _Server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def verdict(engine) -> str:
    with session(engine) as s:
        return s.scalars(select(RegistryCheck.verdict)).one()


def test_a_changed_register_rechecks_only_the_events_of_changed_entries(store_engine, register, tmp_path) -> None:
    """Between the two weekly exports, 5 entries are added and 2 changed (one of them delisted on 2025-08-15):
    only the news events naming those entries are checked again; the others keep their stored check."""
    if not REGISTRIES.is_dir():
        pytest.skip("../shared/registries is not here")

    def news(name: str, when: str, target: str, kind: str = "designation", country: str = "RU") -> FileResult:
        article = ArticleIn(text=f"Headline {name}\n\n{target} news.", published=date(2025, 8, 16), source=f"/{name}")
        event = EventIn(kind, "foreign_agent", "occurred", [target], f"{target} {kind}", date=when, country=country)
        return FileResult(Path(article.source), article, [event])

    items = [
        news("krotov", "2025-08-15", "Марк Кротов"),  # added on the 15th
        news("parliament", "2015-03-06", "Новгородский Женский Парламент"),  # unchanged since 2015
        news("philosophy", "2025-08-15", "Философия ненасилия", "delisting"),  # its entry changed: delisted
        news("aksenov", "2025-03-14", "Андрей Аксенов"),  # its entry changed (its resources), not its dates
        news("georgia", "2025-08-14", "Tbilisi Reporters Club", country="GE"),  # no register covers it
    ]
    assert all(r.ok for r in ingest_results(store_engine, items))
    url = register_url(register, "/export.xlsx")
    state = WatchState(tmp_path / "watch.json")
    with Fetcher(FetchSettings(allow_private=True, host_delay=0.0, backoff=0.0)) as fetcher:
        first = poll_registry(store_engine, url, "ru-foreign-agents", state, fetcher)
        assert first.imported is not None and first.imported.rechecked == 5  # a first import checks them all
        with session(store_engine) as s:
            before = {c.event_id: (c.verdict, c.checked_at) for c in s.scalars(select(RegistryCheck))}
        assert before[2][0] == before[4][0] == "confirmed"
        assert before[1][0] == before[3][0] == "not_checked"  # after the snapshot of the 8th
        assert before[5][0] == "not_checked"  # no register of Georgia
        register.current = 1
        later = poll_registry(store_engine, url, "ru-foreign-agents", state, fetcher)
    done = later.imported
    assert done is not None and (done.new_entries, done.changed_entries) == (5, 2)
    assert done.touched_entries == 7
    assert done.rechecked == 3 and done.checks == {"confirmed": 3}  # not the 2015 designation, not Georgia's
    assert done.verdicts_changed == 2  # not_checked -> confirmed, twice
    with session(store_engine) as s:
        after = {c.event_id: (c.verdict, c.checked_at) for c in s.scalars(select(RegistryCheck))}
    assert after[2] == before[2]  # not checked again: its entry did not change
    assert after[5] == before[5]
    assert after[1][0] == after[3][0] == after[4][0] == "confirmed"
