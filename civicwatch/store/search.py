"""Full-text search over events, in English and Russian: SQLite FTS5 or PostgreSQL full-text search.

    ids = fulltext_event_ids(session, "Мемориал штраф")
    events = session.scalars(select(Event).where(Event.id.in_(ids)))

The index (table ``events_fts``) is made and kept up to date by triggers of migration 0004: it holds
an event's evidence, targets, actor, location, type and subtype words and the titles of the articles
that report it.

Across languages: ``civicwatch.store.filters`` passes ``other_names``, the aliases of the entities a term (or
the whole query) is a name of, and a term then matches any of them: ``Мемориал`` finds the English reports
about Memorial and ``Memorial`` the Russian ones.

A query is a list of terms, all of which must match (case-insensitive, diacritics ignored on SQLite):
a word, a "quoted phrase", or a word prefix ``memor*``. Everything else in the query is text to look for,
never syntax: FTS5 operators (OR, NOT, NEAR, ``^``, column filters), quotes and SQL reach the database
as bound parameters, quoted as phrases, so no query can raise a syntax error or change the SQL. A query
with no word in it matches nothing; only its first 1000 characters and 32 terms count.

On a SQLite without FTS5 (rare: Python's own sqlite3 has it) search falls back to LIKE over the event's
fields, case-insensitive for ASCII only; a warning says so once.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Dialect,
    Integer,
    Select,
    String,
    Text,
    and_,
    cast,
    column,
    false,
    func,
    literal,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Session

from civicwatch.store.models import ACCOUNTS, Event

FTS_TABLE = "events_fts"
FTS5_TOKENIZER = "unicode61 remove_diacritics 2"
log = logging.getLogger("civicwatch.store")

# a "quoted phrase" (the closing quote may be missing) or a run of non-space characters
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
_PREFIX = re.compile(r"^([^\W_]+)\*+$")
MAX_QUERY_CHARS = 1000  # longer queries are cut: nobody types more, and a script should not load the server
MAX_TERMS = 32

_sqlite_fts = table(FTS_TABLE, column("rowid", Integer), column("body", Text), column("rank"))
_pg_fts = table(FTS_TABLE, column("event_id", Integer), column("document", TSVECTOR))


@dataclass(frozen=True)
class Term:
    """One thing to look for: the words of a word or phrase, and whether the last one is a prefix;
    ``alternatives``: other names of what it names (the words of each), any of which matches as well."""

    words: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()


# Other names of what a query or one of its terms names: {"мемориал": ["Memorial", ...]}, keyed by the words
# of a term (or of the whole query) joined with spaces; ``civicwatch.store.filters.other_names`` finds them.
OtherNames = Mapping[str, Sequence[str]]


def words_of(name: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(name))


def _with_other_names(terms: list[Term], other_names: OtherNames | None) -> tuple[list[Term], list[tuple[str, ...]]]:
    """The terms with their alternatives, and the alternatives of the whole query (a name of several words)."""
    if not other_names:
        return terms, []

    def alternatives(key: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        found = (words_of(name) for name in other_names.get(" ".join(key), ()))
        return tuple(dict.fromkeys(words for words in found if words and words != key))

    expanded = [term if term.prefix else replace(term, alternatives=alternatives(term.words)) for term in terms]
    whole = list(alternatives(tuple(w for t in terms for w in t.words))) if len(terms) > 1 else []
    return expanded, whole


def parse_query(q: str | None) -> list[Term]:
    """The terms of a user's query; words are lowercased, punctuation between them dropped."""
    terms: list[Term] = []
    for phrase, bare in _TERM.findall((q or "")[:MAX_QUERY_CHARS]):
        text = phrase if phrase else bare
        prefix_match = _PREFIX.match(text) if not phrase else None
        words = tuple(word.lower() for word in _WORD.findall(text))
        if words:
            terms.append(Term(words, prefix=prefix_match is not None))
    return terms[:MAX_TERMS]


@functools.cache
def fts5_available() -> bool:
    """Whether this Python's sqlite3 has the FTS5 extension (with the unicode61 tokenizer options we use)."""
    try:
        with sqlite3.connect(":memory:") as connection:
            connection.execute(
                "CREATE VIRTUAL TABLE probe USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        return True
    except sqlite3.Error:
        return False


def _dialect_name(session_or_dialect) -> str:
    """The database kind of a session, engine, connection, dialect or dialect name."""
    if isinstance(session_or_dialect, str):
        return session_or_dialect
    if isinstance(session_or_dialect, Session):
        return session_or_dialect.get_bind().dialect.name
    if hasattr(session_or_dialect, "dialect"):  # an Engine or a Connection
        return session_or_dialect.dialect.name
    return session_or_dialect.name


def _fts5_phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def fts5_query(terms: list[Term], whole: list[tuple[str, ...]] | None = None) -> str:
    """The FTS5 MATCH string for the terms: each a quoted string (inner quotes doubled), ANDed; a term with
    alternatives is an OR of them, and ``whole`` (other names of the whole query) are ORed with the lot."""
    parts = []
    for term in terms:
        quoted = _fts5_phrase(term.words) + ("*" if term.prefix else "")
        if term.alternatives:
            quoted = "(" + " OR ".join([quoted, *map(_fts5_phrase, term.alternatives)]) + ")"
        parts.append(quoted)
    query = " AND ".join(parts)
    if whole:
        query = "(" + query + ") OR " + " OR ".join(map(_fts5_phrase, whole))
    return query


def fulltext_event_ids(
    session_or_dialect: Session | Dialect | str, q: str | None, other_names: OtherNames | None = None
) -> Select:
    """A SELECT of the ids of events matching ``q`` (use it as ``Event.id.in_(...)``); the query text is
    always a bound parameter. ``session_or_dialect``: a session, an engine's dialect, or its name.
    ``other_names``: other names of the query's terms (an entity's aliases in other languages), which match too."""
    event_id, _, condition = _search(session_or_dialect, q, other_names)
    return select(event_id).where(condition)


def fulltext_ranked(
    session_or_dialect: Session | Dialect | str, q: str | None, other_names: OtherNames | None = None
) -> Select:
    """A SELECT of (event_id, rank) for events matching ``q``: a lower rank is a better match (order by
    it ascending). Use it as a subquery joined to events to sort results by relevance."""
    event_id, rank, condition = _search(session_or_dialect, q, other_names)
    return select(event_id.label("event_id"), rank.label("rank")).where(condition)


def _search(session_or_dialect: Session | Dialect | str, q: str | None, other_names: OtherNames | None = None):
    """(event id column, rank expression, condition) of a search on this database."""
    terms, whole = _with_other_names(parse_query(q), other_names)
    dialect = _dialect_name(session_or_dialect)
    if dialect == "postgresql":
        return _postgresql(terms, whole)
    if dialect == "sqlite" and fts5_available():
        return _sqlite(terms, whole)
    return _like(terms, whole)


def _sqlite(terms: list[Term], whole: list[tuple[str, ...]]):
    condition = _sqlite_fts.c.body.match(fts5_query(terms, whole)) if terms else false()
    return _sqlite_fts.c.rowid, _sqlite_fts.c.rank, condition  # rank: FTS5's bm25, lower is better


def _tsquery_phrase(words: tuple[str, ...]):
    return func.phraseto_tsquery("simple", literal(" ".join(words), String))


def _postgresql(terms: list[Term], whole: list[tuple[str, ...]]):
    document = _pg_fts.c.document
    if not terms:
        return _pg_fts.c.event_id, literal(0.0), false()
    queries = []
    for term in terms:
        if term.prefix:  # one word of letters and digits only (see _PREFIX): nothing in it is tsquery syntax
            one: Any = func.to_tsquery("simple", literal(term.words[0] + ":*", String))
        else:
            one = _tsquery_phrase(term.words)
        for alternative in term.alternatives:
            one = one.op("||")(_tsquery_phrase(alternative))
        queries.append(one)
    query: Any = queries[0]
    for more in queries[1:]:
        query = query.op("&&")(more)
    for alternative in whole:
        query = query.op("||")(_tsquery_phrase(alternative))
    return _pg_fts.c.event_id, -func.ts_rank(document, query), document.op("@@")(query)


_warned_like = False


def _like(terms: list[Term], whole: list[tuple[str, ...]] | None = None):
    global _warned_like
    if not _warned_like:
        _warned_like = True
        log.warning("full-text search: this sqlite3 has no FTS5; searching events with LIKE (slower, ASCII-only case)")
    if not terms:
        return Event.id, literal(0.0), false()
    fields = [Event.evidence, Event.actor, Event.location, Event.type, Event.subtype, cast(Event.targets, Text)]

    def contains(words: tuple[str, ...]):
        needle = " ".join(words)
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return or_(*(func.lower(field).like(pattern, escape="\\") for field in fields))

    condition = and_(*(or_(contains(t.words), *map(contains, t.alternatives)) for t in terms))
    return Event.id, literal(0.0), or_(condition, *map(contains, whole or []))


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """For Alembic autogenerate: leave alone the full-text index, which the migration makes in SQL
    (the FTS5 table and its shadow tables on SQLite, the tsvector table and its index on PostgreSQL), and
    the account tables, which live in a schema of their own (an attached file on SQLite: migration 0005)."""
    table = getattr(obj, "table", obj)
    if getattr(table, "schema", None) == ACCOUNTS:
        return False
    return not (reflected and compare_to is None and name and name.startswith((FTS_TABLE, "ix_events_fts")))
