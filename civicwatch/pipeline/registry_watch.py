"""Registers kept current: poll a register's official file and import it when it changed.

``poll_registry`` fetches the file with the guarded fetcher (``civicwatch.sources.fetch``: SSRF guard,
robots.txt, retries, size and time limits) as a conditional GET: the ETag and Last-Modified of the last
import are sent back (If-None-Match, If-Modified-Since), so an unchanged file costs a 304 and nothing
else. A changed file is read as its kind (``civicwatch.registries.read_registry``; the URL's file name
carries the snapshot date as a downloaded file's would) and imported as a new snapshot
(``civicwatch.store.registry.import_snapshot``), which adds only what changed and checks the news
designations and delistings against the registers again, so their verdicts follow the register. A body
already imported (the same bytes under a new ETag) changes nothing.

``WatchState`` remembers, per URL, the validators of the last import in a small JSON file.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine

from civicwatch.registries import read_registry
from civicwatch.sources.feeds import user_data_dir
from civicwatch.sources.fetch import Fetcher, FetchError
from civicwatch.store.registry import ImportResult, import_snapshot

STATE_FILE_NAME = "registry-watch.json"


@dataclass
class WatchResult:
    """One poll: "unchanged" (304, or bytes already imported), "imported" or "failed" (with the reason)."""

    url: str
    status: str
    reason: str | None = None
    imported: ImportResult | None = None


class WatchState:
    """Per URL, the ETag and Last-Modified of the file last imported."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else user_data_dir() / STATE_FILE_NAME
        try:
            self.validators: dict[str, dict[str, str]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.validators = {}

    def headers(self, url: str) -> dict[str, str]:
        saved = self.validators.get(url, {})
        names = {"etag": "If-None-Match", "last-modified": "If-Modified-Since"}
        return {names[key]: value for key, value in saved.items() if key in names and value}

    def remember(self, url: str, headers: dict[str, str]) -> None:
        self.validators[url] = {k: headers[k] for k in ("etag", "last-modified") if headers.get(k)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.validators, indent=1, sort_keys=True), encoding="utf-8")


def poll_registry(engine: Engine, url: str, kind: str, state: WatchState, fetcher: Fetcher) -> WatchResult:
    """Fetch ``url`` if it changed since the last import and import it as a snapshot of ``kind``."""
    try:
        fetched = fetcher.fetch(url, headers=state.headers(url) or None)
    except FetchError as exc:
        return WatchResult(url, "failed", exc.reason)
    if fetched.status == 304:
        return WatchResult(url, "unchanged", "not modified since the last import")
    name = Path(unquote(urlsplit(fetched.final_url).path)).name or "register"
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_bytes(fetched.body)
        try:
            snapshot = read_registry(path, kind)
        except Exception as exc:  # whatever the server sent: one line, never a traceback
            return WatchResult(url, "failed", f"cannot be read as {kind} ({type(exc).__name__}: {exc})")
        imported = import_snapshot(engine, snapshot, hashlib.sha256(fetched.body).hexdigest())
    state.remember(url, fetched.headers)
    if imported.status == "already imported":
        return WatchResult(url, "unchanged", "the same file was imported before", imported)
    return WatchResult(url, "imported", None, imported)


def parse_every(value: str) -> float:
    """Seconds in "90s", "15m", "2h" or "1d"."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = value[:-1], value[-1:].lower()
    if unit not in units or not number.replace(".", "", 1).isdigit() or float(number) <= 0:
        raise ValueError("use a number with s, m, h or d, such as 1d")
    return float(number) * units[unit]
