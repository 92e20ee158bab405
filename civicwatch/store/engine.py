"""Where the database is, and the engine that talks to it: built in a function, never at import.

The database is named by a SQLAlchemy URL, chosen in this order:

1. the ``--db`` option (or the ``db`` argument of ``database_url``);
2. the ``CIVICWATCH_DB`` environment variable;
3. a SQLite file in the user's data folder: ``$XDG_DATA_HOME/civicwatch/civicwatch.db``, that is
   ``~/.local/share/civicwatch/civicwatch.db`` when ``XDG_DATA_HOME`` is unset.

A plain path (no ``://``) is a SQLite file; ``postgresql://`` URLs use the psycopg 3 driver.
A fresh database gets its tables on first use (``connect``); an existing one at an older schema
revision is left alone until ``civicwatch db upgrade`` migrates it.

Accounts live apart from the published data, so that the events database can be shared or served (say
with Datasette) without credentials: the tables ``users``, ``api_tokens`` and ``web_sessions`` are in the
schema ``accounts`` of the models. On SQLite that is a file of its own beside the database
(``events.db`` -> ``events.accounts.db``, ``accounts_file``), attached to every connection under that
name (or the file ``--accounts-db`` / ``CIVICWATCH_ACCOUNTS_DB`` names, say when the database is in a
read-only folder: ``connect``'s ``accounts``); on PostgreSQL a schema of its own (``civicwatch_accounts``,
or ``SCHEMA_accounts`` when the URL sets ``search_path`` to SCHEMA: ``accounts_schema``). Migration 0005
moves the accounts of an older database there; a missing accounts file or schema is made empty on connection
(``ensure_accounts``).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported in the functions that migrate: a program that only reads (the web app) never loads it.

ENV_VAR = "CIVICWATCH_DB"
ACCOUNTS_ENV_VAR = "CIVICWATCH_ACCOUNTS_DB"  # the SQLite accounts file, when not the one beside the database
DEFAULT_FILE_DOC = "$XDG_DATA_HOME/civicwatch/civicwatch.db (~/.local/share/civicwatch/civicwatch.db)"
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000  # a second writer waits this long for the first to commit
SQLITE_MMAP_BYTES = 1 << 30  # map up to 1 GiB of the database file
SQLITE_POOL_SIZE = 20  # connections kept open per process
ACCOUNTS = "accounts"  # the models' schema of the account tables (civicwatch.store.models.ACCOUNTS)


class StoreError(Exception):
    """A database problem, told as a message that says how to fix it."""


def default_db_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``CIVICWATCH_DB`` names a database."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "civicwatch" / "civicwatch.db"


def database_url(db: str | None = None) -> str:
    """The URL of the database to use: ``db``, else ``$CIVICWATCH_DB``, else the default SQLite file."""
    value = db or os.environ.get(ENV_VAR) or str(default_db_path())
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def accounts_file(path: Path) -> Path:
    """The SQLite file of the accounts beside the database file ``path``: events.db -> events.accounts.db."""
    return path.with_name(f"{path.stem}.accounts{path.suffix or '.db'}")


def accounts_schema(url: str) -> str:
    """The PostgreSQL schema of the accounts: ``SCHEMA_accounts`` when the URL sets search_path, else
    ``civicwatch_accounts``."""
    options = str(make_url(url).query.get("options", ""))
    match = re.search(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", options)
    return f"{match.group(1)}_accounts" if match else "civicwatch_accounts"


def make_engine(url: str, accounts: str | Path | None = None) -> Engine:
    """An engine for ``url``; SQLite files get foreign keys, WAL and a busy timeout on every connection, and
    their accounts file attached (``accounts``, else the one beside the database: ``accounts_file``); on
    PostgreSQL the accounts schema is the one of ``accounts_schema``."""
    try:
        # SQLite connections are cheap to keep: enough for every request thread of the web server, so none is
        # opened and closed per request (a fresh connection starts with a cold page cache)
        options = {"pool_size": SQLITE_POOL_SIZE} if url.startswith("sqlite") and ":memory:" not in url else {}
        engine = create_engine(url, future=True, **options)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(
            f"cannot use database URL {url!r} ({exc}); expected e.g. sqlite:///path/to/civicwatch.db "
            "or postgresql://user@host:5432/dbname"
        ) from exc
    if engine.dialect.name == "sqlite":
        attached = sqlite_accounts(url, accounts)
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, accounts=str(attached or ":memory:")))
    elif accounts is not None:
        raise StoreError(
            f"--accounts-db names a SQLite file of accounts; on {engine.dialect.name} the accounts are in the "
            f"schema {accounts_schema(url)} of the same database"
        )
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(schema_translate_map={ACCOUNTS: accounts_schema(url)})
    return engine


def sqlite_accounts(url: str, accounts: str | Path | None = None) -> Path | None:
    """The accounts file a SQLite database at ``url`` attaches: ``accounts``, else the one beside it; None in
    memory."""
    if accounts is not None:
        return Path(accounts).expanduser()
    path = sqlite_file(url)
    return accounts_file(path) if path is not None else None


def _sqlite_pragmas(dbapi_connection, _record, accounts: str = ":memory:") -> None:
    cursor = dbapi_connection.cursor()
    # first, so that the journal mode below applies to it too
    cursor.execute(f"ATTACH DATABASE ? AS {ACCOUNTS}", (accounts,))
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # WAL: readers never block the writer, and a killed writer leaves the last commit intact.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # reads through a memory map share the operating system's page cache: a new connection starts warm
    cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
    cursor.close()


def _alembic_config(connection=None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The schema revision this version of civicwatch expects."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return str(script.get_current_head())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None when it has no civicwatch tables yet."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to the newest schema; returns (revision before, revision after)."""
    from alembic import command

    _ensure_parent(engine)
    try:
        before = current_revision(engine)
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except OperationalError as exc:
        raise StoreError(_connection_hint(engine, exc)) from exc
    return before, head_revision()


def connect(db: str | None = None, create: bool = True, accounts: str | None = None) -> Engine:
    """The engine for the database (see the module doc), with its schema up to date.

    A fresh database is migrated here. With ``create=False`` a missing SQLite file is an error
    rather than a new empty database (for commands that only read). ``accounts`` (else
    ``$CIVICWATCH_ACCOUNTS_DB``) is the SQLite file of the accounts when not the one beside the database.
    """
    url = database_url(db)
    accounts = accounts or os.environ.get(ACCOUNTS_ENV_VAR) or None
    engine = make_engine(url, accounts)
    path = sqlite_file(url)
    attached = sqlite_accounts(url, accounts) if engine.dialect.name == "sqlite" else None
    if path is not None and not path.exists() and not create:
        raise StoreError(f"no database at {path}; store articles first with `civicwatch ingest PATH --db {path}`")
    try:
        revision = current_revision(engine) if path is None or path.exists() else None
        fresh = revision is None and not _has_tables(engine)
    except OperationalError as exc:
        raise StoreError(_connection_hint(engine, exc, attached)) from exc
    if fresh:
        upgrade(engine)
    elif revision == head_revision():
        ensure_accounts(engine, attached)
    else:
        raise StoreError(
            f"the database {describe(url)} is at schema revision {revision or 'none (not a civicwatch database?)'}, "
            f"this civicwatch needs {head_revision()}: run `civicwatch db upgrade --db {describe(url)}`"
        )
    return engine


def ensure_accounts(engine: Engine, accounts: Path | None = None) -> None:
    """Make the account tables when they are missing (a new accounts file beside a copied database): empty."""
    from civicwatch.store.models import ACCOUNT_TABLES

    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                schema = connection.schema_for_object(ACCOUNT_TABLES[0])
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            for table in ACCOUNT_TABLES:
                table.create(connection, checkfirst=True)
    except OperationalError as exc:
        raise StoreError(_connection_hint(engine, exc, accounts)) from exc


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def _ensure_parent(engine: Engine) -> None:
    path = sqlite_file(str(engine.url))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create folder {path.parent} for the database ({exc.strerror or exc})") from exc


def _connection_hint(engine: Engine, exc: OperationalError, accounts: Path | None = None) -> str:
    """One line for a database that cannot be opened (``accounts``: the SQLite accounts file it attaches)."""
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    where = engine.url.render_as_string(hide_password=True)
    if engine.dialect.name == "sqlite":
        database = sqlite_file(str(engine.url))
        if _readable(database) and not os.access(database.parent, os.W_OK):
            return (
                f"the folder {database.parent} is read-only: SQLite writes its journal beside {database.name} "
                f"(and civicwatch the accounts file, when missing); copy the database to a writable folder"
            )
        if _readable(database) and accounts is not None and not accounts.exists():
            return (
                f"cannot create the accounts file {accounts} ({reason}); check that its folder exists and is "
                f"writable, or name another with --accounts-db FILE (or ${ACCOUNTS_ENV_VAR})"
            )
        return f"cannot open {where} ({reason}); check that the folder exists and is writable"
    return f"cannot connect to {where} ({reason}); check that the server is running and the URL is right"


def _readable(path: Path | None) -> TypeGuard[Path]:
    """Whether the file ``path`` exists and can be read."""
    return path is not None and path.is_file() and os.access(path, os.R_OK)


def make_revision(message: str, rev_id: str | None = None) -> None:
    """Write a new migration autogenerated from the models (a developer tool; review the file it writes).

    It compares the models with a scratch SQLite database migrated to the current head.
    """
    import tempfile

    from alembic import command

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/scratch.db")
        upgrade(engine)
        with engine.begin() as connection:
            command.revision(_alembic_config(connection), message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()
