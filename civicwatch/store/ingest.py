"""Articles and their events into the database: one transaction per article, idempotent, resumable.

An article is stored once: one whose URL or normalised-text hash is already there is skipped
(before extraction, so a re-run after a crash only extracts what is missing). Each article is
written in one transaction: the article row, a mention per extracted event, the events they
create or merge into (``merge.py``) and the entities they name. A process killed mid-way loses
at most the article in flight; nothing half-written stays behind.

A near-duplicate of a stored article (a repost or syndicated copy: ``dedup.py``) is stored as a copy
of its story: the article row with ``story_id`` set, and no events (``ingest_paths`` does not
extract them; events already extracted, as ``ingest_results`` receives them, are dropped).

Entities are keyed by ``civicwatch.resolve.identity``: within an article an ``AliasTable`` links
the names it defines ("Committee Against Torture (KPP)" ... "KPP"); across articles a name
finds its entity by the entity's canonical key, or by an alias recorded earlier whose own key is
the name's (a bare "KPP" after an article that spelled it out).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from civicwatch.clean.boilerplate import mark_lines
from civicwatch.extract.language import SUPPORTED, detect_language
from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult, expand_paths, process_article, process_file
from civicwatch.resolve import AliasTable, entity_key, name_keys
from civicwatch.sources.files import SourceError, load_article
from civicwatch.sources.inputs import InputOptions, Loaded, iter_inputs
from civicwatch.store import dedup, merge
from civicwatch.store.models import Alias, Article, Entity, Event, EventEntity, Mention, RegistryEventSource

RETRIES = 3  # a concurrent writer created the same entity first: redo the article
_TITLE_MAX_WORDS = 25
_TITLE_LOOKAHEAD = 6  # lines from the top where a headline may stand
# "Agora, Public Verdict and Memorial": a list in one target, split for entity links
_LIST_SEPARATORS = re.compile(r"\s*[,;]\s*(?:and\s+|и\s+)?|\s+(?:and|и)\s+")
_LIST_MAX_WORDS = 6
_PARENTHESES = re.compile(r"\(([^()]+)\)")


@dataclass
class IngestResult:
    """What happened to one input: stored, already there, or failed (with the reason)."""

    path: Path | str  # a file, FILE@OFFSET in an archive, FILE:LINE in JSON lines, or a URL
    status: str  # "stored", "duplicate", "irrelevant" (the prefilter dropped it) or "failed"
    article_id: int | None = None
    events: int = 0  # events the extractor found in it
    new_events: int = 0  # of those, acts not in the database before
    merged: int = 0  # of those, reports added to events already stored
    reason: str | None = None  # why it failed, or which stored article it duplicates
    notice: str | None = None  # as FileResult.notice: e.g. the legacy encoding the text was decoded from
    warning: str | None = None  # as FileResult.warning: a meta file that was ignored ("PATH: reason")
    story_id: int | None = None  # stored as a near-duplicate copy: the story's first article (no events stored)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def normalised_hash(text: str) -> str:
    """sha256 of the text with Unicode forms, case and whitespace normalised."""
    normal = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def ingest_paths(
    engine: Engine, paths: Iterable[Path], published: date | None = None, url: str | None = None
) -> Iterator[IngestResult]:
    """Extract and store text files and folders (as ``civicwatch extract`` reads them), one result each.

    Articles already stored are recognised before extraction and skipped.
    """
    sessions = sessionmaker(engine, expire_on_commit=False)
    stories = dedup.StoryIndex()
    for item in expand_paths(paths):
        if isinstance(item, SourceError):
            yield IngestResult(item.path, "failed", reason=item.reason)
            continue
        try:
            loaded = load_article(item, published=published, url=url)
        except SourceError as exc:
            yield IngestResult(item, "failed", reason=exc.reason)
            continue
        with sessions() as session:
            known = stored_article(session, loaded.article.url, normalised_hash(loaded.article.text))
            copy = stories.find(session, dedup.sign(loaded.article.text)) if known is None else None
        if known is not None:
            yield _duplicate(item, known)
            continue
        if copy:  # a copy of a stored story: stored without extracting its events
            notice = f"not UTF-8, decoded as {loaded.encoding}" if loaded.decoded_from_legacy else None
            result = FileResult(item, article=loaded.article, notice=notice, warning=loaded.meta_warning)
        else:
            result = process_file(item, published=published, url=url)
        yield store_result(sessions, result, stories)


def ingest_inputs(engine: Engine, inputs: Iterable[str | Path], options: InputOptions) -> Iterator[IngestResult]:
    """Extract and store every kind of input (files, folders, JSON lines, WARC archives, URLs, feeds).

    Pages the prefilter finds irrelevant come back with status "irrelevant" and are not stored;
    articles already stored (same URL or text) are skipped before extraction; copies of a stored
    story are stored without extraction.
    """
    sessions = sessionmaker(engine, expire_on_commit=False)
    stories = dedup.StoryIndex()
    for loaded in iter_inputs(inputs, options):
        yield ingest_loaded(sessions, loaded, stories)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def story_index() -> dedup.StoryIndex:
    """The index of stored stories, built lazily from the database; keep one per run."""
    return dedup.StoryIndex()


def ingest_loaded(sessions: sessionmaker[Session], loaded: Loaded, stories: dedup.StoryIndex) -> IngestResult:
    """One input from ``civicwatch.sources.inputs``: stored, skipped or failed, with the reason."""
    notes = {"notice": loaded.notice, "warning": loaded.warning}
    if loaded.error:
        return IngestResult(loaded.origin, "failed", reason=loaded.error, **notes)
    if not loaded.relevant or loaded.article is None:
        return IngestResult(loaded.origin, "irrelevant", reason=loaded.why, **notes)
    article = loaded.article
    with sessions() as session:
        known = stored_article(session, article.url, normalised_hash(article.text))
        copy = stories.find(session, dedup.sign(article.text)) if known is None else None
    if known is not None:
        return _duplicate(loaded.origin, known, **notes)
    result = FileResult(loaded.origin, article=article, notice=loaded.notice, warning=loaded.warning)
    if not copy:  # a copy of a stored story is stored without extracting its events
        try:
            result.events = process_article(article)
        except Exception as exc:  # an extractor bug on one text must not end the batch
            result.error = f"extraction failed: {type(exc).__name__}: {exc}"
    return store_result(sessions, result, stories)


def ingest_results(engine: Engine, results: Iterable[FileResult]) -> Iterator[IngestResult]:
    """Store results of ``civicwatch.pipeline.process_paths`` (or any other source of FileResults)."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    stories = dedup.StoryIndex()
    for result in results:
        yield store_result(sessions, result, stories)


def stored_article(session: Session, url: str | None, text_hash: str) -> Article | None:
    """The stored article with this URL or this normalised text, if any."""
    same = Article.text_hash == text_hash
    if url:
        same = or_(same, Article.url == url)
    return session.scalars(select(Article).where(same).limit(1)).first()


def store_result(
    sessions: sessionmaker[Session], result: FileResult, stories: dedup.StoryIndex | None = None
) -> IngestResult:
    """Store one extracted file in its own transaction; a duplicate is reported, not stored again, and
    a near-duplicate is stored as a copy of its story, without events. ``stories``: the index of the
    stored stories, kept across the calls of one ingest run (built here when not given)."""
    notes = {"notice": result.notice, "warning": result.warning}
    if result.error or result.article is None:
        return IngestResult(result.path, "failed", reason=result.error or "no article", **notes)
    text_hash = normalised_hash(result.article.text)
    signature = dedup.sign(result.article.text)
    stories = dedup.StoryIndex() if stories is None else stories
    for _ in range(RETRIES):
        try:
            with sessions.begin() as session:
                known = stored_article(session, result.article.url, text_hash)
                if known is not None:
                    return _duplicate(result.path, known, **notes)
                story = stories.find(session, signature)
                events = [] if story else result.events
                stored = _store(session, result.article, events, text_hash, signature.stored(), story)
                stored.path, stored.notice, stored.warning = result.path, result.notice, result.warning
                return stored
        except IntegrityError:
            continue  # another writer stored this article or one of its entities meanwhile: look again
    return IngestResult(result.path, "failed", reason="conflicting concurrent writes; run again", **notes)


def _duplicate(path: Path, known: Article, **notes: str | None) -> IngestResult:
    how = f"url {known.url}" if known.url else "the same text"
    return IngestResult(path, "duplicate", article_id=known.id, reason=f"already stored ({how})", **notes)


def _store(
    session: Session,
    article: ArticleIn,
    events: list[EventIn],
    text_hash: str,
    minhash: bytes | None = None,
    story: dedup.StoryMatch | None = None,
) -> IngestResult:
    language = article.language or _language_of(article.text, events)
    row = Article(
        url=article.url,
        title=guess_title(article.text, language),
        published=article.published,
        language=language,
        source_path=article.source,
        text=article.text,
        text_hash=text_hash,
        event_count=len(events),
        minhash=minhash,
        story_id=story.story_id if story else None,
    )
    session.add(row)
    entities = EntityResolver(session, language, events)
    links = [entities.links(event) for event in events]
    session.flush()  # ids for the article and new entities: merging looks events up by entity
    outcome = IngestResult(Path(article.source or ""), "stored", article_id=row.id, events=len(events))
    if story:
        outcome.story_id = story.story_id
        outcome.reason = f"a copy of article {story.story_id} (similarity {story.similarity:.2f}): events not stored"
    reports = [
        merge.Report(_mention(event, row.id), article.published, {e.id for e, role in named if role == "target"})
        for event, named in zip(events, links, strict=True)
    ]
    assigned = merge.assign(session, reports, row.id)
    known_ids = [event.id for event in assigned if event is not None]
    linked = {
        (event_id, entity_id, role)
        for event_id, entity_id, role in session.execute(
            select(EventEntity.event_id, EventEntity.entity_id, EventEntity.role).where(
                EventEntity.event_id.in_(known_ids)
            )
        )
    }
    with session.no_autoflush:
        for report, named, stored in zip(reports, links, assigned, strict=True):
            if stored is None:
                stored = merge.new_event(report)
                session.add(stored)
                outcome.new_events += 1
            else:
                merge.absorb(session, stored, report)
                outcome.merged += 1
            report.mention.event = stored
            session.add(report.mention)
            for entity, role in named:
                if merge.keeps_role(stored, role):
                    continue  # an analyst edited this field (civicwatch.store.review): the report adds no link
                link = (stored.id if stored.id is not None else id(stored), entity.id, role)
                if link not in linked:
                    linked.add(link)
                    session.add(EventEntity(event=stored, entity=entity, role=role))
    session.flush()
    # the registers' verdict on the designations this article reports (nothing to do until a registry import)
    from civicwatch.store.link import check_events

    check_events(session, [report.mention.event for report in reports])
    return outcome


def _language_of(text: str, events: list[EventIn]) -> str | None:
    for event in events:
        if event.extra.get("language"):
            return str(event.extra["language"])
    return detect_language(text)


def _mention(event: EventIn, article_id: int) -> Mention:
    extra = {k: v for k, v in event.extra.items() if isinstance(v, str | int | float | bool) or v is None}
    return Mention(
        article_id=article_id,
        type=event.type,
        subtype=event.subtype,
        status=event.status,
        targets=list(event.targets),
        actor=event.actor,
        date=event.date,
        location=event.location,
        country=event.country,
        evidence=event.evidence,
        evidence_start=event.evidence_start,
        evidence_end=event.evidence_end,
        confidence=event.confidence,
        boilerplate=event.boilerplate,
        extra=extra,
    )


def guess_title(text: str, language: str | None) -> str | None:
    """The headline: the first short line without a full stop near the top, page furniture skipped."""
    lines = mark_lines(text[:4000], language if language in SUPPORTED else "en")
    for line in lines[:_TITLE_LOOKAHEAD]:
        words = line.text.split()
        if line.boilerplate or not 3 <= len(words) <= _TITLE_MAX_WORDS or line.text[-1] in ".!?:;,":
            continue
        if sum(ch.isalpha() for ch in line.text) < len(line.text) / 2:
            continue  # a date or a time stamp
        return line.text
    return None


def split_list(name: str) -> list[str]:
    """A list named as one target ("Agora, Public Verdict and Memorial") as its names; else [name].

    Split only when there are three or more parts, each a short name with a key of its own, so that
    "Committee for Human Rights and Freedoms" or "Golos, an election monitor" stay whole.
    """
    parts = [p.strip() for p in _LIST_SEPARATORS.split(name) if p and p.strip()]
    if len(parts) < 3 or "," not in name:
        return [name]
    if any(len(p.split()) > _LIST_MAX_WORDS or entity_key(p) is None for p in parts):
        return [name]
    return parts


class EntityResolver:
    """The entities an article names, found or created (one per canonical key), with their aliases.

    What the article's names already have in the database (entities, aliases) is read in three
    queries up front; new entities and aliases are added to the session.
    """

    def __init__(self, session: Session, language: str | None, events: list[EventIn]) -> None:
        self.session = session
        self.language = language
        self.table = AliasTable()
        for event in events:  # names that define their acronyms: "Committee Against Torture (KPP)"
            for name in [*event.targets, event.actor]:
                if name:
                    self.table.add(name)
        names = {name for event in events for name, _, _ in _named(event)}
        keys = {key for key in map(self.table.key, names) if key}
        self._entities: dict[str, Entity] = {
            e.key: e for e in session.scalars(select(Entity).where(Entity.key.in_(keys)))
        }
        self._alias_owner = self._owners_by_alias(keys - set(self._entities))
        ids = [e.id for e in self._entities.values()] + list(self._alias_owner.values())
        self._aliases: dict[tuple[int, str], Alias] = {
            (a.entity_id, a.name): a for a in session.scalars(select(Alias).where(Alias.entity_id.in_(ids)))
        }
        self._seen_here: set[tuple[int, str]] = set()  # (id() of the entity object, alias name)

    def _owners_by_alias(self, keys: set[str]) -> dict[str, int]:
        """Keys recorded earlier as an alias of exactly one entity ("KPP" of the Committee Against Torture)."""
        owners: dict[str, set[int]] = {}
        for key, entity_id in self.session.execute(select(Alias.key, Alias.entity_id).where(Alias.key.in_(keys))):
            owners.setdefault(key, set()).add(entity_id)
        return {key: ids.pop() for key, ids in owners.items() if len(ids) == 1}

    def links(self, event: EventIn) -> list[tuple[Entity, str]]:
        """(entity, role) for each target, actor and location of the event that has a key."""
        out: list[tuple[Entity, str]] = []
        for name, role, kind in _named(event):
            entity = self.entity(name, kind)
            if entity is not None and (entity, role) not in out:
                out.append((entity, role))
        return out

    def entity(self, name: str, kind: str | None = None) -> Entity | None:
        """The entity ``name`` stands for, created when new; None for generic names ("the group")."""
        key = self.table.key(name)
        if key is None:
            return None
        entity = self._entities.get(key)
        if entity is None and key in self._alias_owner:
            entity = self.session.get(Entity, self._alias_owner[key])
        if entity is None:
            if kind is None:
                kind = "person" if name_keys(name).person else "organization"
            entity = Entity(key=key, name=name, kind=kind)
            self.session.add(entity)
        self._entities[key] = entity
        self._alias(entity, name)
        return entity

    def _alias(self, entity: Entity, name: str) -> None:
        """Record the name (counted once per article), and the acronyms it defines: "Committee Against
        Torture (KPP)" also gives the alias "KPP", so a later article's bare "KPP" finds this entity."""
        names = [(name, entity_key(name))]
        for acronym in sorted(name_keys(name).acronyms - {entity.key, entity_key(name)}):
            spelled = [inner for inner in _PARENTHESES.findall(name) if entity_key(inner) == acronym]
            names.append((spelled[0] if spelled else acronym.upper(), acronym))
        for alias_name, key in names:
            if (id(entity), alias_name) in self._seen_here:
                continue
            self._seen_here.add((id(entity), alias_name))  # the object: a new entity has no id until a flush
            alias = self._aliases.get((entity.id, alias_name)) if entity.id is not None else None
            if alias is None:
                entity.aliases.append(
                    Alias(name=alias_name, name_folded=alias_name.casefold(), key=key, language=self.language)
                )
            else:
                alias.seen = alias.seen + 1


def _named(event: EventIn) -> list[tuple[str, str, str | None]]:
    """(name, role, kind if the role decides it) for the targets, actor and location of an event."""
    target_kind = "law" if event.type == "law" else None
    named = [(part, "target", target_kind) for target in event.targets for part in split_list(target)]
    if event.actor:
        named.append((event.actor, "actor", None))
    if event.location:
        named.append((event.location, "location", "place"))
    return named


def count_consistency_problems(session: Session) -> list[str]:
    """What does not add up: articles whose mentions do not match their event count, events without
    mentions or with a wrong source count. Empty when the database is consistent."""
    problems: list[str] = []
    mentions_per_article = (
        select(Article.id, Article.event_count, func.count(Mention.id))
        .outerjoin(Mention, Mention.article_id == Article.id)
        .group_by(Article.id, Article.event_count)
    )
    for article_id, expected, found in session.execute(mentions_per_article):
        if expected != found:
            problems.append(f"article {article_id}: {found} mentions for {expected} events")
    from_register = exists().where(RegistryEventSource.event_id == Event.id)  # a register's events have no mentions
    per_event = (
        select(Event.id, Event.source_count, func.count(Mention.id))
        .outerjoin(Mention, Mention.event_id == Event.id)
        .where(~from_register)
        .group_by(Event.id, Event.source_count)
    )
    for event_id, sources, found in session.execute(per_event):
        if found == 0 or sources != found:
            problems.append(f"event {event_id}: {found} mentions, source_count {sources}")
    return problems
