"""The tables: articles, the events they report, the mentions that link them, and named entities.

* ``Article``: one stored text, known by its URL and by the hash of its normalised text (either one
  already present means the article is stored). ``event_count`` is how many events the extractor
  found in it, so a stored article can be checked against its mentions. ``minhash`` is the MinHash
  signature of its text and ``story_id`` the first article of its story when it is a near-duplicate
  copy of one (a repost or syndicated copy: ``civicwatch.store.dedup``); a copy's events are not
  extracted, so it has no mentions and an ``event_count`` of 0.
* ``Event``: one real-world act (SCHEMA.md), merged across articles and languages. Its fields are
  those of its best report; ``date`` is the most precise date any report gives, ``source_count`` the
  number of articles that report it. ``date_start``/``date_end`` are the EDTF date as a day range,
  for date filters.
* ``Mention``: one article's report of one event, as the extractor gave it: the article's own
  evidence, offsets, confidence and attribute values. An article reports an event at most once.
* ``Entity``: an organization, person, place or law named as a target, actor or location, known by
  its canonical key from ``civicwatch.resolve.identity``; ``Alias`` holds every surface name it was
  seen under, in every language. ``EventEntity`` says which entities an event names, in which role.

Registry data (``civicwatch.store.registry``): ``RegistryImport`` is one imported register file (a dated
snapshot); ``RegistryRecord`` one entry of a register as its newest imported snapshot gives it, attached
to the ``Entity`` its name is keyed to; ``RegistryEventSource`` marks the events a register's inclusions
and exclusions became (those events have no mentions); ``RegistryCheck`` holds the verdict of the
register on a news event (``civicwatch.store.link``).
Accounts and review (``civicwatch.store.accounts``, ``civicwatch.store.review``): ``User`` is an analyst or
admin account (argon2 password hash), ``ApiToken`` a token for scripts and ``WebSession`` a logged-in browser
(both stored as sha256 hashes only), in the schema ``accounts``, apart from the published data (a file of
their own on SQLite: civicwatch.store.engine); ``AuditLogEntry`` one change an analyst made (before and after). The
full-text index over events (``events_fts``: civicwatch.store.search) is made and kept up to date by SQL in
the migration (triggers), not by models.
Schema changes go through Alembic: ``civicwatch/store/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

Day = date  # within Event, "date" is a column
ROLES = ("target", "actor", "location")
REVIEW_STATES = ("unreviewed", "confirmed", "rejected", "edited", "merged")
# events no listing shows: rejected by an analyst, or merged into another event (``merged_into``)
HIDDEN_STATES = ("rejected", "merged")
USER_ROLES = ("analyst", "admin")
KINDS = ("organization", "person", "place", "law")
# Ids are INTEGER columns: 32-bit in PostgreSQL (SERIAL), 64-bit in SQLite. A larger number names no row
# (and PostgreSQL cannot even compare it to the column), so lookups stop at the smaller bound.
MAX_ID = 2**31 - 1


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    # named constraints, so that later migrations can drop or alter them (SQLite batch mode needs names)
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(8))
    source_path: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the normalised text
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # near-duplicates (civicwatch.store.dedup): the signature of the text (b"" when too short to compare),
    # and for a copy the first article of its story (None: the article is the first or only one of its story)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)

    mentions: Mapped[list[Mention]] = relationship(back_populates="article", cascade="all, delete-orphan")


class ReportColumns:
    """The columns of one report of an event, ``civicwatch.core.schema.REPORT_FIELDS``: an ``Event`` holds its
    best report's values, a ``Mention`` the values one article gave."""

    type: Mapped[str] = mapped_column(String(32))
    subtype: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    targets: Mapped[list[str]] = mapped_column(JSON)  # surface names
    actor: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32))  # EDTF
    location: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    evidence: Mapped[str] = mapped_column(Text)
    evidence_start: Mapped[int] = mapped_column(Integer, default=0)
    evidence_end: Mapped[int] = mapped_column(Integer, default=0)
    confidence: Mapped[float] = mapped_column(Float)
    boilerplate: Mapped[bool] = mapped_column(Boolean, default=False)


class Event(ReportColumns, Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_subtype", "type", "subtype"),
        Index("ix_events_date_start", "date_start"),
    )

    # the ReportColumns hold the best report's values: the targets of every report, the most precise date
    # (as a day range below), the best evidence; boilerplate when every report is
    id: Mapped[int] = mapped_column(primary_key=True)
    date_start: Mapped[Day | None] = mapped_column(Date)
    date_end: Mapped[Day | None] = mapped_column(Date)
    evidence_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    # the span of its reports' publication dates: the window for undated reports (see merge.py)
    first_published: Mapped[Day | None] = mapped_column(Date)
    last_published: Mapped[Day | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
    # the analyst review (civicwatch.store.review): one of REVIEW_STATES, who reviewed it last and when, and
    # the fields an analyst changed (merging a later report never overwrites those: merge.py)
    review_state: Mapped[str] = mapped_column(String(16), default="unreviewed", server_default="unreviewed", index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    edited_fields: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # an analyst merged this event into another (civicwatch.store.merges): review state "merged", no mentions
    # (an event id, with no foreign key: SQLite cannot add one to a stored table, and merged events stay)
    merged_into: Mapped[int | None] = mapped_column(Integer, index=True)

    mentions: Mapped[list[Mention]] = relationship(back_populates="event", order_by="Mention.id")
    entity_links: Mapped[list[EventEntity]] = relationship(back_populates="event", cascade="all, delete-orphan")


class Mention(ReportColumns, Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("event_id", "article_id", name="uq_mentions_event_article"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # the extractor's extras (trigger, headline...)

    event: Mapped[Event] = relationship(back_populates="mentions")
    article: Mapped[Article] = relationship(back_populates="mentions")


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)  # civicwatch.resolve.identity.entity_key
    name: Mapped[str] = mapped_column(Text)  # the name it was first seen under
    kind: Mapped[str] = mapped_column(String(16))  # one of KINDS
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    aliases: Mapped[list[Alias]] = relationship(back_populates="entity", cascade="all, delete-orphan")
    event_links: Mapped[list[EventEntity]] = relationship(back_populates="entity")


class Alias(Base):
    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("entity_id", "name", name="uq_aliases_entity_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)  # as written in an article
    name_folded: Mapped[str] = mapped_column(Text, index=True)  # casefolded, for lookups by name
    key: Mapped[str | None] = mapped_column(Text, index=True)  # the alias's own key ("kpp" for KPP)
    language: Mapped[str | None] = mapped_column(String(8))
    seen: Mapped[int] = mapped_column(Integer, default=1)  # how many reports used it
    # the analyst who added it from the entity page (None: seen in an article or a register); such aliases
    # take precedence over the shipped alias table (civicwatch.store.entities)
    added_by: Mapped[str | None] = mapped_column(String(64))

    entity: Mapped[Entity] = relationship(back_populates="aliases")


class EventEntity(Base):
    __tablename__ = "event_entities"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # one of ROLES

    event: Mapped[Event] = relationship(back_populates="entity_links")
    entity: Mapped[Entity] = relationship(back_populates="event_links")


# ----------------------------------------------------------------------------------------- registers

REGISTRY_EVENT_KINDS = ("designation", "delisting")
VERDICTS = ("confirmed", "contradicted", "absent", "not_checked")


class RegistryImport(Base):
    """One register file imported: a dated snapshot (a file already imported, by content, is not imported again)."""

    __tablename__ = "registry_imports"
    __table_args__ = (UniqueConstraint("register", "sha256", name="uq_registry_imports_register_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(32))  # civicwatch.registries.KINDS: "ru-foreign-agents", ...
    source: Mapped[str] = mapped_column(Text)  # the file name
    source_format: Mapped[str] = mapped_column(String(32))  # "minjust-xlsx", "fara-bulk-csv", ...
    as_of: Mapped[date | None] = mapped_column(Date)  # the day the snapshot describes
    as_of_source: Mapped[str | None] = mapped_column(String(32))  # "xlsx-cell-A2", "file-name", ...
    sha256: Mapped[str] = mapped_column(String(64))  # of the file's bytes
    entries: Mapped[int] = mapped_column(Integer, default=0)
    new_entries: Mapped[int] = mapped_column(Integer, default=0)
    changed_entries: Mapped[int] = mapped_column(Integer, default=0)
    designations: Mapped[int] = mapped_column(Integer, default=0)  # events added by this import
    delistings: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)  # malformed rows skipped
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RegistryRecord(Base):
    """One register entry (by the register's own id), as the newest imported snapshot that lists it gives it.

    Never holds pension numbers, dates of birth, bank account numbers or individuals' addresses.
    """

    __tablename__ = "registry_records"
    __table_args__ = (UniqueConstraint("register", "entry_id", name="uq_registry_records_register_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str] = mapped_column(Text)  # № п/п, registration number, ...
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(Text)
    other_names: Mapped[list[str]] = mapped_column(JSON)
    is_person: Mapped[bool | None] = mapped_column(Boolean)
    entity_type: Mapped[str | None] = mapped_column(Text)
    date_in: Mapped[date | None] = mapped_column(Date)  # decision to include (registration date for FARA)
    date_out: Mapped[date | None] = mapped_column(Date)  # decision to exclude (termination date for FARA)
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    ogrn: Mapped[str | None] = mapped_column(String(13), index=True)
    reg_number: Mapped[str | None] = mapped_column(Text)
    grounds: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[list[str]] = mapped_column(JSON)
    country: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict] = mapped_column(JSON)  # RegistryEntry.extra (no personal data beyond names)
    first_import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"), index=True)
    last_import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"), index=True)
    data_as_of: Mapped[date | None] = mapped_column(Date)  # as_of of the snapshot these fields come from
    missing_since: Mapped[date | None] = mapped_column(Date)  # a newer snapshot no longer lists it

    entity: Mapped[Entity | None] = relationship()


class RegistryEventSource(Base):
    """An event that a register's inclusion or exclusion of an entry became: one per (entry, kind)."""

    __tablename__ = "registry_event_sources"
    __table_args__ = (UniqueConstraint("record_id", "kind", name="uq_registry_event_sources_record_kind"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("registry_records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of REGISTRY_EVENT_KINDS
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"), index=True)


class RegistryCheck(Base):
    """What the registers say about a designation or delisting reported in the news (one row per news event)."""

    __tablename__ = "registry_checks"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16), index=True)  # one of VERDICTS
    register: Mapped[str | None] = mapped_column(String(32))  # the register of the matched entry
    record_id: Mapped[int | None] = mapped_column(ForeignKey("registry_records.id", ondelete="SET NULL"), index=True)
    register_date: Mapped[date | None] = mapped_column(Date)  # the entry's decision date compared
    days_apart: Mapped[int | None] = mapped_column(Integer)  # from the reported date range (0: inside it)
    matched_by: Mapped[str | None] = mapped_column(String(16))  # "inn", "ogrn", "exact-name", "shared-key"
    reason: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    record: Mapped[RegistryRecord | None] = relationship()


# ----------------------------------------------------------------------------------- accounts and review


# The account tables live apart from the published data: their own SQLite file or PostgreSQL schema (see
# civicwatch.store.engine, which maps this schema name); nothing in the main database points into them.
ACCOUNTS = "accounts"


class User(Base):
    """An analyst or admin account (``civicwatch user add``); anonymous visitors need none to read."""

    __tablename__ = "users"
    __table_args__ = {"schema": ACCOUNTS}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, in the PHC string format
    role: Mapped[str] = mapped_column(String(16), default="analyst")  # one of USER_ROLES
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ApiToken(Base):
    """A token for scripts; only its sha256 is stored (the token is shown once, when made)."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"), {"schema": ACCOUNTS})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(f"{ACCOUNTS}.users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A logged-in browser: the cookie's token (stored as sha256) and the CSRF token of its forms."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user_id", "user_id"), {"schema": ACCOUNTS})

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(f"{ACCOUNTS}.users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class AuditLogEntry(Base):
    """One change made by a person: who, when, what, and the changed fields before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    # the account's id in the accounts database (no key across databases); username keeps who it was
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))  # kept when the account is gone
    action: Mapped[str] = mapped_column(String(32))  # "confirm", "reject", "reopen", "edit", "user.add", ...
    object_type: Mapped[str] = mapped_column(String(32))  # "event", "user", "api_token"
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


# the account tables, parents first (keys of a schema's tables are "schema.name")
ACCOUNT_TABLES = tuple(Base.metadata.tables[f"{ACCOUNTS}.{name}"] for name in ("users", "api_tokens", "web_sessions"))
