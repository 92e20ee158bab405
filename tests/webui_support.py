"""Helpers for the web UI tests (test_web_pages, test_web_auth, test_browser): a database with real
articles in it, accounts with cheap password hashing, log-in through the real form."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_paths, ingest_results
from civicwatch.store import accounts
from civicwatch.store.models import Mention

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DEV = ROOT.parent / "shared" / "eval" / "dev"  # the evaluation set beside the repository, when there
SAMPLE_NAMES = (
    "memorial-hrc-2015-labelling-fine",
    "meduza-2021-foreign-agent",
    "memorial-2021-supreme-court-liquidation",
)
DEV_NAMES = ("lenta-2015-soldiers-mothers-delisted",)  # a Russian article, when ../shared is there

PASSWORD = "correct horse battery"
# Fast argon2 parameters: the tests check the flow, not the cost (accounts.password_hasher is meant to be swapped).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def article_paths() -> list[Path]:
    paths = [SAMPLES / f"{name}.txt" for name in SAMPLE_NAMES]
    paths += [DEV / f"{name}.txt" for name in DEV_NAMES if (DEV / f"{name}.txt").exists()]
    return paths


def ingest_real_articles(engine: Engine) -> None:
    """A few real articles through the real extractor (English samples, and a Russian dev article when present)."""
    results = list(ingest_paths(engine, article_paths()))
    assert all(r.status == "stored" for r in results), [(r.path, r.status, r.reason) for r in results]


@contextmanager
def serve_app(url: str) -> Iterator[str]:
    """A real uvicorn server of the web app over the database ``url``, in a thread, on a free port of
    127.0.0.1 (held from the start: no race with other processes); yields its base URL, stops it after."""
    import uvicorn

    from civicwatch.web.app import create_app

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    uvicorn_server = uvicorn.Server(uvicorn.Config(create_app(url), log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(10)
        listener.close()


@contextmanager
def browser_tab(browser, base: str) -> Iterator:
    """A fresh Playwright tab (1280x900, 10 s timeouts) in a context of its own, closed after. It records
    the page's script errors in ``tab.errors`` and requests to any host but ``base`` in ``tab.elsewhere``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.errors, tab.elsewhere = [], []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("request", lambda request: None if request.url.startswith(base) else tab.elsewhere.append(request.url))
    try:
        yield tab
    finally:
        context.close()


def add_user(engine: Engine, username: str = "anna", role: str = "analyst", password: str = PASSWORD) -> None:
    with Session(engine) as session:
        accounts.add_user(session, username, password, role=role)
        session.commit()


def api_token(engine: Engine, username: str = "anna") -> str:
    with Session(engine) as session:
        token = accounts.create_api_token(session, username, "tests")
        session.commit()
    return token


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client, username: str = "anna", password: str = PASSWORD):
    """Log in through the real form (GET /login for its CSRF token, then POST); returns the POST's response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text), "next": "/"},
        follow_redirects=False,
    )


# ---------------------------------------------------------------------------------------- hostile input

PAYLOAD = (
    "Hostile article\n\n"
    "The court fined the <script>window.__xss = 1</script> group Evil & Co on Monday.\n"
    "An image <img src=x onerror=\"window.__xss = 2; document.title = 'pwned'\"> "
    'and a <a href="javascript:window.__xss=3">link</a>.\n'
)


def store_hostile_article(engine, url: str = "javascript:window.__xss=4") -> tuple[int, int]:
    """An article with markup in its text, a javascript: URL and an event whose evidence holds a <script>."""
    evidence = "The court fined the <script>window.__xss = 1</script> group Evil & Co on Monday."
    start = PAYLOAD.index(evidence)
    article = ArticleIn(text=PAYLOAD, url=url, published=date(2024, 5, 6), title="<b>Hostile</b> title")
    event = EventIn(
        type="sanction",
        subtype="fine",
        status="occurred",
        targets=['<img src=x onerror="window.__xss=5">'],
        actor="<script>window.__xss=6</script>",
        evidence=evidence,
        evidence_start=start,
        evidence_end=start + len(evidence),
        date="2024-05-06",
    )
    [result] = list(ingest_results(engine, [FileResult("hostile.txt", article, [event])]))
    assert result.status == "stored", result.reason
    with Session(engine) as session:
        event_id = session.scalar(select(Mention.event_id).where(Mention.article_id == result.article_id))
    return result.article_id, event_id
