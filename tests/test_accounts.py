"""Accounts, API tokens and browser sessions (civicwatch.store.accounts), and `civicwatch user`."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.store import (
    AccountError,
    add_user,
    authenticate,
    connect,
    create_api_token,
    disable_user,
    end_session,
    list_api_tokens,
    list_users,
    make_engine,
    recent_audit,
    revoke_api_token,
    session,
    set_password,
    start_session,
    user_for_session,
    user_for_token,
)
from civicwatch.store import accounts as accounts_module
from civicwatch.store.engine import accounts_file, sqlite_file
from civicwatch.store.models import ApiToken, User, WebSession

PASSWORD = "correct horse battery"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # fast tests; the defaults cost ~50 ms a hash


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_module, "password_hasher", CHEAP)


@pytest.fixture
def engine(store_engine):
    return store_engine


def test_add_user_and_authenticate(engine) -> None:
    with session(engine) as s:
        user = add_user(s, "Anna", PASSWORD)
        s.commit()
        assert (user.username, user.role, user.disabled) == ("anna", "analyst", False)
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        add_user(s, "boss", PASSWORD, role="admin")
        s.commit()
    with session(engine) as s:
        assert authenticate(s, "anna", PASSWORD).username == "anna"
        assert authenticate(s, " ANNA ", PASSWORD).username == "anna"
        assert authenticate(s, "anna", PASSWORD + "!") is None
        assert authenticate(s, "nobody", PASSWORD) is None
        assert authenticate(s, "anna", "x" * 5000) is None
        assert [(u.username, u.role) for u in list_users(s)] == [("anna", "analyst"), ("boss", "admin")]


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("a", PASSWORD, "analyst", "invalid username"),
        ("anna smith", PASSWORD, "analyst", "invalid username"),
        ("анна", PASSWORD, "analyst", "invalid username"),
        ("x" * 65, PASSWORD, "analyst", "invalid username"),
        ("anna", "short", "analyst", "at least 10 characters"),
        ("anna", PASSWORD, "root", "unknown role"),
        ("taken", PASSWORD, "analyst", "already exists"),
    ],
)
def test_add_user_refuses(engine, username: str, password: str, role: str, message: str) -> None:
    with session(engine) as s:
        add_user(s, "taken", PASSWORD)
        with pytest.raises(AccountError, match=message):
            add_user(s, username, password, role=role)


def test_a_login_redoes_a_hash_made_with_older_parameters(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with session(engine) as s:
        add_user(s, "anna", PASSWORD)
        s.commit()
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts_module, "password_hasher", stronger)
    with session(engine) as s:
        old = s.scalars(select(User.password_hash)).one()
        assert stronger.check_needs_rehash(old)
        assert authenticate(s, "anna", PASSWORD) is not None
        s.commit()
    with session(engine) as s:
        new = s.scalars(select(User.password_hash)).one()
        assert new != old and not stronger.check_needs_rehash(new)
        assert authenticate(s, "anna", PASSWORD) is not None


def test_set_password_and_disable(engine) -> None:
    with session(engine) as s:
        user = add_user(s, "anna", PASSWORD)
        token, _ = start_session(s, user)
        s.commit()
        set_password(s, "anna", "another long password")
        s.commit()
        assert authenticate(s, "anna", PASSWORD) is None
        assert authenticate(s, "anna", "another long password") is not None
        assert user_for_session(s, token) is None  # a new password ends the browser sessions
        with pytest.raises(AccountError, match="too short"):
            set_password(s, "anna", "short")
        with pytest.raises(AccountError, match="no user named"):
            set_password(s, "nobody", PASSWORD)
        api_token = create_api_token(s, "anna", "script")
        disable_user(s, "anna")
        s.commit()
        assert authenticate(s, "anna", "another long password") is None
        assert user_for_token(s, api_token) is None
        with pytest.raises(AccountError, match="disabled"):
            create_api_token(s, "anna", "another")
        actions = [entry.action for entry in recent_audit(s)]
        assert actions == ["user.disable", "token.create", "user.passwd", "user.add"]


def test_api_tokens(engine) -> None:
    with session(engine) as s:
        add_user(s, "anna", PASSWORD)
        token = create_api_token(s, "anna", "nightly export")
        other = create_api_token(s, "anna", "notebook")
        s.commit()
        assert token.startswith("cw_") and len(token) > 40 and token != other
        stored = s.scalars(select(ApiToken.token_hash)).all()
        assert token not in stored and all(len(h) == 64 for h in stored)  # sha256 only
        assert user_for_token(s, token).username == "anna"
        s.commit()
        [first, second] = list_api_tokens(s, "anna")
        assert (first.name, second.name) == ("nightly export", "notebook")
        assert first.last_used_at is not None and second.last_used_at is None
        for wrong in ("", "cw_", token + "x", token[3:], "cw_' OR '1'='1"):
            assert user_for_token(s, wrong) is None
        revoke_api_token(s, first.id)
        s.commit()
        assert user_for_token(s, token) is None
        assert user_for_token(s, other).username == "anna"
        revoke_api_token(s, first.id)  # again: harmless
        with pytest.raises(AccountError, match="no API token"):
            revoke_api_token(s, 999)
        with pytest.raises(AccountError, match="give the token a name"):
            create_api_token(s, "anna", "  ")


def test_browser_sessions(engine) -> None:
    with session(engine) as s:
        user = add_user(s, "anna", PASSWORD)
        token, csrf = start_session(s, user)
        expired, _ = start_session(s, user, lifetime=timedelta(seconds=-1))
        s.commit()
        assert token != csrf and len(token) >= 40
        assert token not in s.scalars(select(WebSession.token_hash)).all()
    with session(engine) as s:
        found = user_for_session(s, token)
        assert found is not None
        who, web_session = found
        assert (who.username, web_session.csrf_token) == ("anna", csrf)
        assert user_for_session(s, expired) is None
        assert user_for_session(s, "") is None
        assert user_for_session(s, token + "x") is None
        assert end_session(s, token) is True
        s.commit()
        assert user_for_session(s, token) is None
        assert end_session(s, token) is False
        other, _ = start_session(s, user)
        disable_user(s, "anna")
        assert user_for_session(s, other) is None  # disabling ends sessions
        with pytest.raises(AccountError, match="disabled"):
            start_session(s, accounts_module.get_user(s, "anna"))


# ------------------------------------------------------------------------------------------ CLI


def test_cli_user_commands(store_engine) -> None:
    db = store_engine.url.render_as_string(hide_password=False)
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(app, ["user", *args, "--db", db], input=stdin)

    added = run("add", "anna", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "user anna (analyst) added" in added.stderr
    assert run("add", "boss", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 0
    prompted = run("add", "carol", stdin=f"{PASSWORD}\n{PASSWORD}\n")  # asked twice, hidden
    assert prompted.exit_code == 0, prompted.output
    duplicate = run("add", "anna", "--password-stdin", stdin=PASSWORD + "\n")
    assert duplicate.exit_code == 1 and "error: a user named 'anna' already exists" in duplicate.stderr
    short = run("add", "dave", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.stderr
    assert run("add", "erin", "--password-stdin", stdin="").exit_code == 2

    listed = run("list")
    assert listed.exit_code == 0
    assert [line.split("\t")[1:4] for line in listed.stdout.splitlines()] == [
        ["anna", "analyst", "active"],
        ["boss", "admin", "active"],
        ["carol", "analyst", "active"],
    ]

    made = run("token", "anna", "--name", "nightly export")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("cw_") and "not shown again" in made.stderr
    with session(store_engine) as s:
        assert user_for_token(s, token).username == "anna"
        s.commit()
    tokens = run("tokens", "anna")
    [line] = tokens.stdout.splitlines()
    token_id, name = line.split("\t")[:2]
    assert name == "nightly export" and line.endswith("active") and token not in tokens.stdout
    assert run("revoke", token_id).exit_code == 0
    assert "revoked" in run("tokens", "anna").stdout
    with session(store_engine) as s:
        assert user_for_token(s, token) is None
    assert run("revoke", "999").exit_code == 1

    assert run("passwd", "anna", "--password-stdin", stdin="a new long password\n").exit_code == 0
    assert run("disable", "carol").exit_code == 0
    assert "disabled" in run("list").stdout
    assert run("disable", "nobody").exit_code == 1
    with session(store_engine) as s:
        assert authenticate(s, "anna", "a new long password") is not None
        assert authenticate(s, "carol", PASSWORD) is None


# ------------------------------------------------------------------------------- accounts apart from the data


def _credentials(engine) -> tuple[str, str, str]:
    """An analyst with an API token and a browser session: (password hash, token's hash, session's hash)."""
    with session(engine) as s:
        user = add_user(s, "anna", PASSWORD)
        s.commit()
        token = create_api_token(s, "anna", "export")
        cookie, _ = start_session(s, user)
        s.commit()
        assert user_for_token(s, token).username == "anna" and user_for_session(s, cookie)[0].username == "anna"
        return user.password_hash, accounts_module.token_hash(token), accounts_module.token_hash(cookie)


def test_the_events_database_holds_no_credentials(db_url: str) -> None:
    """Users, tokens and sessions go to their own file (SQLite) or schema (PostgreSQL); logging in still works."""
    engine = connect(db_url)
    secrets = _credentials(engine)
    with session(engine) as s:
        assert authenticate(s, "anna", PASSWORD) is not None
        assert {"user.add", "token.create"} <= {entry.action for entry in recent_audit(s)}
    main = set(inspect(engine).get_table_names())
    assert {"events", "audit_log"} <= main and not {"users", "api_tokens", "web_sessions"} & main
    with engine.connect() as connection:
        schema = connection.schema_for_object(User.__table__)
    assert {"users", "api_tokens", "web_sessions"} <= set(inspect(engine).get_table_names(schema=schema))
    engine.dispose()
    path = sqlite_file(db_url)
    if path is None:  # PostgreSQL: the accounts schema is not the events' schema
        assert schema.endswith("_accounts") and schema != "public"
        return
    with sqlite3.connect(path) as raw:  # the file alone, as someone it is shared with opens it
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        names = {name for (name,) in raw.execute("SELECT name FROM sqlite_master")}
        assert not {"users", "api_tokens", "web_sessions"} & names
        assert raw.execute("SELECT count(*) FROM audit_log WHERE action = 'user.add'").fetchone()[0] >= 1
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert not any(secret.encode() in data for secret in secrets)
    accounts_data = b"".join(p.read_bytes() for p in accounts_file(path).parent.glob(accounts_file(path).name + "*"))
    assert all(secret.encode() in accounts_data for secret in secrets)
    again = connect(db_url)  # a new process finds them beside the database
    with session(again) as s:
        assert authenticate(s, "anna", PASSWORD) is not None
    again.dispose()


def test_an_older_database_moves_its_accounts_out(db_url: str) -> None:
    """`civicwatch db upgrade` on a database made before accounts moved: the rows go to the accounts file or
    schema, tokens and passwords keep working, new ids follow the moved ones, and running it again changes nothing."""
    from alembic import command

    from civicwatch.store.engine import _alembic_config

    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0004")
    token = accounts_module.TOKEN_PREFIX + "an-old-token"
    day = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:  # as civicwatch 0004 stored them, in the main database
        connection.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, created_at, disabled)"
                " VALUES (7, 'anna', :h, 'analyst', :day, false)"
            ),
            {"h": CHEAP.hash(PASSWORD), "day": day},
        )
        connection.execute(
            text("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (3, 7, 'old', :h, :day)"),
            {"h": accounts_module.token_hash(token), "day": day},
        )
        connection.execute(
            text(
                "INSERT INTO audit_log (at, user_id, username, action, object_type)"
                " VALUES (:day, 7, 'anna', 'user.add', 'user')"
            ),
            {"day": day},
        )
    engine.dispose()
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--db", db_url])
        assert result.exit_code == 0, result.output
    assert "already at schema revision" in result.output
    engine = connect(db_url)
    main = set(inspect(engine).get_table_names())
    assert "events" in main and not {"users", "api_tokens", "web_sessions"} & main
    path = sqlite_file(db_url)
    if path is not None:
        with sqlite3.connect(path) as raw:  # the file alone
            names = {name for (name,) in raw.execute("SELECT name FROM sqlite_master")}
        assert not {"users", "api_tokens", "web_sessions"} & names
    with session(engine) as s:
        assert [(u.id, u.username) for u in list_users(s)] == [(7, "anna")]
        assert authenticate(s, "anna", PASSWORD).id == 7 and user_for_token(s, token).id == 7
        assert recent_audit(s)[0].username == "anna"  # the audit log keeps who it was
        added = add_user(s, "boris", PASSWORD)  # ids go on after the moved ones
        s.commit()
        assert added.id > 7
    engine.dispose()
    users = runner.invoke(app, ["user", "list", "--db", db_url])
    assert users.exit_code == 0 and "anna" in users.output and "boris" in users.output


def test_accounts_db_names_where_the_accounts_live(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--accounts-db FILE` (or $CIVICWATCH_ACCOUNTS_DB) keeps the accounts in FILE, not beside the database; the
    web app finds them there through the variable, as `serve --accounts-db` passes it to its workers."""
    from civicwatch.store import ACCOUNTS_ENV_VAR
    from civicwatch.web.app import create_app

    db = str(tmp_path / "events.db")
    elsewhere = tmp_path / "private" / "team.accounts.db"
    elsewhere.parent.mkdir()
    runner = CliRunner()
    added = runner.invoke(
        app, ["user", "add", "anna", "--password-stdin", "--db", db, "--accounts-db", str(elsewhere)], input=PASSWORD
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["user", "list", "--db", db, "--accounts-db", str(elsewhere)])
    assert listed.exit_code == 0 and "\tanna\tanalyst\tactive\t" in listed.stdout
    beside = runner.invoke(app, ["user", "list", "--db", db])  # the file beside the database has no one
    assert beside.exit_code == 0 and "anna" not in beside.stdout and "0 users" in beside.stderr
    with sqlite3.connect(elsewhere) as raw:
        assert [name for (name,) in raw.execute("SELECT username FROM users")] == ["anna"]
    with sqlite3.connect(accounts_file(tmp_path / "events.db")) as raw:
        assert raw.execute("SELECT count(*) FROM users").fetchone() == (0,)

    monkeypatch.setenv(ACCOUNTS_ENV_VAR, str(elsewhere))
    web = create_app(db)
    with session(web.state.engine) as s:
        assert authenticate(s, "anna", PASSWORD) is not None
    web.state.engine.dispose()
    assert "--accounts-db" in runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).stdout


def test_accounts_that_cannot_be_opened_are_one_clear_line(tmp_path) -> None:
    db = str(tmp_path / "events.db")
    connect(db).dispose()
    runner = CliRunner()
    missing = tmp_path / "no-such-folder" / "accounts.db"
    result = runner.invoke(app, ["user", "list", "--db", db, "--accounts-db", str(missing)])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot create the accounts file {missing} (") and "--accounts-db FILE" in line
    assert not missing.parent.exists()
    pg = runner.invoke(app, ["user", "list", "--db", "postgresql://nobody@127.0.0.1:9/none", "--accounts-db", "a.db"])
    assert pg.exit_code == 1
    assert pg.stderr.strip() == (
        "error: --accounts-db names a SQLite file of accounts; on postgresql the accounts are in the schema "
        "civicwatch_accounts of the same database"
    )


def test_a_database_in_a_read_only_folder_is_one_clear_line(tmp_path) -> None:
    """The folder mounted read-only (a private mount namespace: root is not stopped by file modes) with the
    database and no accounts file: the command says why in one line, whatever the accounts file."""
    import shutil
    import subprocess
    import sys

    folder = tmp_path / "published"
    folder.mkdir()
    connect(str(folder / "events.db")).dispose()
    accounts_file(folder / "events.db").unlink()
    if not shutil.which("unshare"):
        pytest.skip("needs unshare(1) to mount a folder read-only")
    command = f"{sys.executable} -m civicwatch.cli events --db {folder / 'events.db'}"
    script = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && {command}"
    for accounts in ("", str(tmp_path / "accounts.db")):
        env = {**os.environ, "CIVICWATCH_ACCOUNTS_DB": accounts}
        done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env)
        if "mount" in done.stderr and "civicwatch" not in done.stderr:
            pytest.skip(f"cannot mount a folder read-only here: {done.stderr.strip()}")
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip() == (
            f"error: the folder {folder} is read-only: SQLite writes its journal beside events.db (and civicwatch "
            "the accounts file, when missing); copy the database to a writable folder"
        )
