"""Analyst accounts, API tokens for scripts and logged-in browser sessions.

    user = add_user(s, "anna", "a long passphrase", role="analyst"); s.commit()
    user = authenticate(s, "anna", "a long passphrase")          # None when wrong, unknown or disabled
    token = create_api_token(s, "anna", "nightly export"); s.commit()   # shown once, stored as sha256
    user = user_for_token(s, token)
    session_token, csrf = start_session(s, user); s.commit()     # the cookie and the forms' CSRF token
    found = user_for_session(s, session_token)                   # (user, web session) or None

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile); a hash made
with older parameters is redone on the next good login. API and session tokens are random (secrets) and
only their sha256 is stored, so a copy of the database does not let anyone in.

These functions add and change rows in the caller's session and flush; **the caller commits** (the
command line and the web app each own their transactions). Changes to accounts are written to the audit
log (``civicwatch.store.review.record_audit``); ``by`` names who made them (None: the command line).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from civicwatch.store.models import USER_ROLES, ApiToken, User, WebSession
from civicwatch.store.review import record_audit

USERNAME = re.compile(r"^[a-z0-9_.-]{2,64}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is only a way to load the server
TOKEN_PREFIX = "cw_"  # API tokens look like cw_...: easy to spot in a leaked file or a secret scanner
SESSION_LIFETIME = timedelta(days=7)
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at / last_seen_at are written at most this often

# Module-level so that tests can use cheaper parameters (and check that a login rehashes).
password_hasher = PasswordHasher()


class AccountError(Exception):
    """A problem with an account request, told as a message for the person who made it."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normal_username(username: str) -> str:
    return username.strip().lower()


def _check_username(username: str) -> str:
    name = normal_username(username)
    if not USERNAME.match(name):
        raise AccountError(
            f"invalid username {username!r}: use 2 to 64 characters, lowercase letters a-z, digits, '_', '.' or '-'"
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters")


def get_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == normal_username(username))).first()


def _existing(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"no user named {username!r} (see `civicwatch user list`)")
    return user


def add_user(session: Session, username: str, password: str, role: str = "analyst", *, by: User | None = None) -> User:
    """A new account; AccountError for a bad or taken username, a short password or an unknown role."""
    name = _check_username(username)
    _check_password(password)
    if role not in USER_ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(USER_ROLES)}")
    if get_user(session, name) is not None:
        raise AccountError(f"a user named {name!r} already exists")
    user = User(username=name, password_hash=password_hasher.hash(password), role=role, disabled=False)
    session.add(user)
    session.flush()
    record_audit(session, by, "user.add", "user", user.id, None, {"username": name, "role": role})
    return user


def set_password(session: Session, username: str, password: str, *, by: User | None = None) -> User:
    """Give the user a new password; their browser sessions end (API tokens stay)."""
    user = _existing(session, username)
    _check_password(password)
    user.password_hash = password_hasher.hash(password)
    for web_session in session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
        session.delete(web_session)
    session.flush()
    record_audit(session, by, "user.passwd", "user", user.id, None, None)
    return user


def disable_user(session: Session, username: str, *, by: User | None = None) -> User:
    """Lock the account: no login, and its sessions and API tokens stop working (they are kept, for the record)."""
    user = _existing(session, username)
    if not user.disabled:
        user.disabled = True
        for web_session in session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
            session.delete(web_session)
        session.flush()
        record_audit(session, by, "user.disable", "user", user.id, {"disabled": False}, {"disabled": True})
    return user


def enable_user(session: Session, username: str, *, by: User | None = None) -> User:
    user = _existing(session, username)
    if user.disabled:
        user.disabled = False
        session.flush()
        record_audit(session, by, "user.enable", "user", user.id, {"disabled": True}, {"disabled": False})
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


@functools.cache
def _dummy_hash(parameters: tuple) -> str:
    return password_hasher.hash("not a password of anyone: " + secrets.token_hex(8))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password is theirs and the account is enabled; else None.

    An unknown username costs one hash verification too, so response times do not tell which names
    exist. A hash made with parameters older than the current ones is redone (flushed; the caller commits).
    """
    user = get_user(session, username) if len(password) <= MAX_PASSWORD_LENGTH else None
    if user is None:
        hasher = password_hasher
        try:
            hasher.verify(_dummy_hash((hasher.time_cost, hasher.memory_cost, hasher.parallelism)), password)
        except VerificationError:
            pass
        return None
    try:
        password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if user.disabled:
        return None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
        session.flush()
    return user


# ---------------------------------------------------------------------------------------- API tokens


def create_api_token(session: Session, username: str, name: str, *, by: User | None = None) -> str:
    """A new API token for the user, returned once (only its sha256 is stored)."""
    user = _existing(session, username)
    if user.disabled:
        raise AccountError(f"user {user.username!r} is disabled")
    label = name.strip()
    if not label:
        raise AccountError("give the token a name that says what it is for (e.g. --name 'nightly export')")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=label, token_hash=token_hash(token))
    session.add(row)
    session.flush()
    record_audit(session, by, "token.create", "api_token", row.id, None, {"user": user.username, "name": label})
    return token


def list_api_tokens(session: Session, username: str) -> list[ApiToken]:
    """The user's API tokens (revoked ones too), oldest first."""
    user = _existing(session, username)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def user_for_token(session: Session, token: str) -> User | None:
    """The enabled user a live (not revoked) API token belongs to; notes when it was used."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None or row.user.disabled:
        return None
    now = _now()
    last = _aware(row.last_used_at)
    if last is None or now - last >= TOUCH_INTERVAL:
        row.last_used_at = now
        session.flush()
    return row.user


def revoke_api_token(session: Session, token_id: int, *, by: User | None = None) -> ApiToken:
    """Revoke a token by its id (as `civicwatch user tokens NAME` lists them); revoking twice is harmless."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise AccountError(f"no API token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = _now()
        session.flush()
        record_audit(session, by, "token.revoke", "api_token", row.id, None, {"user": row.user.username})
    return row


# ------------------------------------------------------------------------------------ browser sessions


def start_session(session: Session, user: User, lifetime: timedelta = SESSION_LIFETIME) -> tuple[str, str]:
    """A new browser session for the user: (session token for the cookie, CSRF token for its forms)."""
    if user.disabled:
        raise AccountError(f"user {user.username!r} is disabled")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    session.add(
        WebSession(
            token_hash=token_hash(token), user_id=user.id, csrf_token=csrf, expires_at=now + lifetime, last_seen_at=now
        )
    )
    session.flush()
    return token, csrf


def user_for_session(session: Session, token: str) -> tuple[User, WebSession] | None:
    """The user and web session of a session token; None when unknown, expired or the user is disabled."""
    if not token:
        return None
    row = session.scalars(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is None:
        return None
    now = _now()
    expires = _aware(row.expires_at)
    if expires is None or expires <= now or row.user.disabled:
        return None
    last = _aware(row.last_seen_at)
    if last is None or now - last >= TOUCH_INTERVAL:
        row.last_seen_at = now
        session.flush()
    return row.user, row


def end_session(session: Session, token: str) -> bool:
    """Log out: forget the session (True when there was one)."""
    row = session.scalars(select(WebSession).where(WebSession.token_hash == token_hash(token or ""))).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def purge_expired_sessions(session: Session) -> int:
    """Delete expired browser sessions; returns how many."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= _now()))
    return getattr(result, "rowcount", 0) or 0  # a DML statement's result is a CursorResult
