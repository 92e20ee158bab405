"""Shared fixtures."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date

import pytest

import civicwatch.pipeline
from civicwatch.model import Article, Event

# Installed model versions (``civicwatch train``) live in the user's data folder: tests use their own, empty.
os.environ["CIVICWATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="civicwatch-data-")

# Markers that make the fake extractor misbehave, so file-handling tests do
# not depend on what the real extractor finds.
RAISE = "FAKE-RAISE"
BOILERPLATE = "FAKE-BOILERPLATE"
NO_EVENTS = "FAKE-NONE"
SLOW = "FAKE-SLOW"  # the extractor hangs (a minute) until the per-article time cap stops it


def fake_extract(
    text: str, published: date | str | None = None, url: str | None = None, language: str | None = None
) -> list[Event]:
    """One designation event per call, dated with ``published``; see the markers above."""
    if RAISE in text:
        raise RuntimeError("fake extractor exploded")
    if SLOW in text:
        time.sleep(60)
    if NO_EVENTS in text:
        return []
    events = [
        Event(
            type="designation",
            subtype="foreign_agent",
            status="occurred",
            targets=["Fake Org"],
            evidence=text.strip()[:80],
            date=str(published) if published else None,
            extra={"url": url} if url else {},
        )
    ]
    if BOILERPLATE in text:
        events.append(
            Event(
                type="reaction",
                subtype="condemnation",
                status="occurred",
                targets=["Fake Org"],
                evidence=BOILERPLATE,
                boilerplate=True,
            )
        )
    return events


def fake_article_extract(article: Article) -> list[Event]:
    """``fake_extract`` as an extractor of articles (``civicwatch.pipeline.ingest``'s ``extractor`` argument)."""
    return fake_extract(article.text, published=article.published, url=article.url, language=article.language)


@pytest.fixture
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the extractor the command line runs (through civicwatch.pipeline) with ``fake_extract``."""
    monkeypatch.setattr(civicwatch.pipeline, "extract", fake_extract)


# ----------------------------------------------------------------------------------- database fixtures
# Store tests run on SQLite (a file in tmp_path) and on PostgreSQL when CIVICWATCH_TEST_PG names a server
# (CI sets it: .ci/with-postgres starts a throwaway cluster); each PostgreSQL test gets a schema of its own.

PG_ENV = "CIVICWATCH_TEST_PG"
BACKENDS = ["sqlite", "postgresql"]
STORE_TABLES = (
    "event_entities", "mentions", "aliases", "events", "entities", "articles",
    "registry_checks", "registry_event_sources", "registry_records", "registry_imports",
    "audit_log", "events_fts",
)  # fmt: skip
ACCOUNT_TABLES = ("web_sessions", "api_tokens", "users")  # in the accounts schema (civicwatch.store.engine)


def _fresh_database(backend: str, folder):
    """A context manager giving the URL of a new, empty database, dropped (PostgreSQL) on exit."""
    import contextlib
    import os
    import uuid

    @contextlib.contextmanager
    def fresh():
        if backend == "sqlite":
            yield f"sqlite:///{folder / 'civicwatch.db'}"
            return
        base = os.environ.get(PG_ENV)
        if not base:
            pytest.skip(
                f"PostgreSQL backend: set {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB to run it "
                "(CI does; `.ci/with-postgres .venv/bin/pytest` starts a throwaway server)"
            )
        import sqlalchemy

        schema = f"test_{uuid.uuid4().hex[:12]}"
        admin = sqlalchemy.create_engine(base)
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        url = sqlalchemy.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
                connection.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}_accounts" CASCADE'))
            admin.dispose()

    return fresh()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path):
    """The URL of a fresh, empty database on each backend."""
    with _fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def _migrated_template(request: pytest.FixtureRequest, tmp_path_factory):
    """(backend, URL) of a database migrated once per test module."""
    from civicwatch.store import connect

    with _fresh_database(request.param, tmp_path_factory.mktemp("template")) as url:
        connect(url).dispose()
        yield request.param, url


@pytest.fixture
def store_engine(_migrated_template, tmp_path):
    """An engine on an empty, migrated database on each backend (faster than migrating each time:
    SQLite copies a migrated file, PostgreSQL empties the tables of a migrated schema)."""
    import shutil

    import sqlalchemy

    from civicwatch.store import connect
    from civicwatch.store.engine import accounts_schema

    backend, url = _migrated_template
    if backend == "sqlite":
        shutil.copy(sqlalchemy.engine.make_url(url).database, tmp_path / "civicwatch.db")
        url = f"sqlite:///{tmp_path / 'civicwatch.db'}"
    engine = connect(url)
    if backend == "postgresql":
        with engine.begin() as connection:
            accounts = accounts_schema(url)
            tables = [*STORE_TABLES, *(f'"{accounts}".{name}' for name in ACCOUNT_TABLES)]
            connection.execute(sqlalchemy.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


# ------------------------------------------------------------------------------------ parallel runs
# `make test` runs the suite in two processes (pytest-xdist, `--dist loadfile --no-loadscope-reorder`): each
# file runs whole in one process, handed out in collection order as a process becomes free. The longest files
# (measured: the Spark cluster, the 990 bench pages, local Spark, the schemathesis runs, the register imports,
# the F1 gate) go first, so that no long file starts last while the other process has nothing left to do.
LONGEST_FIRST = (
    "test_spark_cluster.py",
    "test_extract_web_pages.py",
    "test_spark.py",
    "test_api_schema.py",
    "test_registry_import.py",
    "test_eval_gate.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process: the usual order

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each file's tests keep their order
