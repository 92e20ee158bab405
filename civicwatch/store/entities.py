"""The entities a report names, found or created: one per canonical key, with every name as an alias.

Entities are keyed by ``civicwatch.resolve``: a name the shipped alias table lists takes its entity's key
("Justice Ministry" and «Минюст» are one entity); within an article an ``AliasTable`` links the names it
defines ("Committee Against Torture (KPP)" ... "KPP"); across articles a name finds its entity by the
entity's canonical key, or by an alias recorded earlier whose own key is the name's (a bare "KPP" after an
article that spelled it out). A law event is also linked to the act it is about
(``civicwatch.resolve.laws``: "121-FZ of 2012" for "the foreign agent law" of 2013), so reports of one act
meet whatever they call it. Used when an article
is stored (``ingest``) and when an analyst edits an
event's names (``review``).
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from civicwatch.model import Event as EventIn
from civicwatch.resolve import AliasTable, entity_key, name_keys, shipped_aliases, split_list
from civicwatch.resolve.laws import article_law_keys, law_by_key, law_key
from civicwatch.store.models import Alias, Entity

_PARENTHESES = re.compile(r"\(([^()]+)\)")
_KINDS = {"person": "person", "law": "law"}  # the shipped table's kinds as stored (outlets, courts: organizations)


class EntityResolver:
    """The entities an article names, found or created (one per canonical key), with their aliases.

    What the article's names already have in the database (entities, aliases) is read in three
    queries up front; new entities and aliases are added to the session.
    """

    def __init__(
        self, session: Session, language: str | None, events: list[EventIn], record_aliases: bool = True
    ) -> None:
        self.session = session
        self.language = language
        self.record_aliases = record_aliases  # False: only look up (relinking stored reports counts no sighting)
        self.table = AliasTable(shipped=shipped_aliases())  # the curated names, then what this article defines
        for event in events:  # names that define their acronyms: "Committee Against Torture (KPP)"
            for name in [*event.targets, event.actor]:
                if name:
                    self.table.add(name)
        names = {name for event in events for name, _, _ in named(event)}
        keys = {key for key in map(self.table.key, names) if key}
        laws = [event for event in events if event.type == "law"]
        found = [(law_key([*e.targets, e.evidence], e.country, _year(e.date)), e.country) for e in laws]
        self._laws = {id(e): key for e, key in zip(laws, article_law_keys(found), strict=True) if key}
        keys |= set(self._laws.values())
        self._entities: dict[str, Entity] = {
            e.key: e for e in session.scalars(select(Entity).where(Entity.key.in_(keys)))
        }
        self._alias_owner = self._owners_by_alias(keys - set(self._entities))
        self._analysts = self._analysts_aliases(names)
        ids = [e.id for e in self._entities.values()] + list(self._alias_owner.values()) + list(self._analysts.values())
        self._aliases: dict[tuple[int, str], Alias] = {
            (a.entity_id, a.name): a for a in session.scalars(select(Alias).where(Alias.entity_id.in_(ids)))
        }
        self._seen_here: set[tuple[int, str]] = set()  # (id() of the entity object, alias name)
        self._namesakes: dict[int, set[int]] = {}

    def _owners_by_alias(self, keys: set[str]) -> dict[str, int]:
        """Keys recorded earlier as an alias of exactly one entity ("KPP" of the Committee Against Torture)."""
        owners: dict[str, set[int]] = {}
        for key, entity_id in self.session.execute(select(Alias.key, Alias.entity_id).where(Alias.key.in_(keys))):
            if key is not None:  # (the query asks for given keys only)
                owners.setdefault(key, set()).add(entity_id)
        return {key: ids.pop() for key, ids in owners.items() if len(ids) == 1}

    def _analysts_aliases(self, names: set[str]) -> dict[str, int]:
        """Aliases analysts added from entity pages (``Alias.added_by``), by folded name and by key: they
        take precedence over the shipped table and over what the names' keys would otherwise find."""
        folded = {_fold(name) for name in names}
        keys = {key for name in names if (key := entity_key(name))}
        query = select(Alias.name_folded, Alias.key, Alias.entity_id).where(
            Alias.added_by.is_not(None), or_(Alias.name_folded.in_(folded), Alias.key.in_(keys))
        )
        found: dict[str, int] = {}
        for name_folded, key, entity_id in self.session.execute(query.order_by(Alias.id)):
            found[name_folded] = entity_id
            if key:
                found.setdefault("key:" + key, entity_id)
        return found

    def links(self, event: EventIn) -> list[tuple[Entity, str]]:
        """(entity, role) for each target, actor and location of the event that has a key."""
        out: list[tuple[Entity, str]] = []
        for name, role, kind in named(event):
            entity = self.entity(name, kind)
            if entity is not None and (entity, role) not in out:
                out.append((entity, role))
        act = self._law(event)
        if act is not None and (act, "target") not in out:
            out.append((act, "target"))
        return out

    def _law(self, event: EventIn) -> Entity | None:
        """The act a law event is about (``civicwatch.resolve.laws``), found or created, named canonically."""
        key = self._laws.get(id(event))
        law = law_by_key(key) if key else None
        if key is None or law is None:
            return None
        entity = self._entities.get(key)
        if entity is None:
            entity = Entity(key=key, name=law.name, kind="law")
            self.session.add(entity)
            self._entities[key] = entity
        return entity

    def entity(self, name: str, kind: str | None = None) -> Entity | None:
        """The entity ``name`` stands for, created when new; None for generic names ("the group")."""
        chosen = self._analysts.get(_fold(name)) or self._analysts.get(f"key:{entity_key(name)}")
        if chosen is not None and (entity := self.session.get(Entity, chosen)) is not None:
            if self.record_aliases:
                self._alias(entity, name)
            return entity
        key = self.table.key(name)
        if key is None:
            return None
        entity = self._entities.get(key)
        if entity is None and key in self._alias_owner:
            entity = self.session.get(Entity, self._alias_owner[key])
        if entity is None:
            listed = self.table.shipped.entries.get(key) if self.table.shipped else None
            if kind is None:
                kind = _KINDS.get(listed.kind, "organization") if listed else None
                kind = kind or ("person" if name_keys(name).person else "organization")
            entity = Entity(key=key, name=name, kind=kind)
            self.session.add(entity)
        self._entities[key] = entity
        if self.record_aliases:
            self._alias(entity, name)
        return entity

    def homes(self, named: list[tuple[Entity, str]]) -> set[str]:
        """The countries the shipped alias table gives the target entities (Meduza: LV)."""
        shipped = self.table.shipped
        listed = [shipped.entries.get(e.key) for e, role in named if role == "target"] if shipped else []
        return {entry.country for entry in listed if entry is not None and entry.country}

    def namesakes(self, entity: Entity) -> set[int]:
        """Ids of other stored people this person may be, for merging reports (never for links): the same
        surname and first initial ("Nika Gvaramia" and «Ника Гварамия», whose given names lemmatise
        apart), or the bare surname; a foreign h that Russian writes г counts as the same letter
        ("Tatiana Felgenhauer", «Татьяна Фельгенгауэр»). Empty for organisations, places and laws."""
        if entity.kind != "person" or entity.id is None:
            return set()
        keys = name_keys(entity.name, "PERSON")
        if not keys.surname or not keys.initial:
            return set()
        if entity.id not in self._namesakes:
            surname = _G_OR_H.sub("_", keys.surname)  # "_": one letter in LIKE
            like = Entity.key.like(f"{keys.initial}%-{surname}")
            query = select(Entity.id, Entity.key).where(
                Entity.kind == "person", or_(like, Entity.key.like(surname)), Entity.id != entity.id
            )
            self._namesakes[entity.id] = {
                id_
                for id_, key in self.session.execute(query)
                if _same_surname(key[-len(keys.surname) :], keys.surname)
            }
        return self._namesakes[entity.id]

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


_G_OR_H = re.compile(r"[gh]")


def _same_surname(a: str, b: str) -> bool:
    """Whether two surname keys are one name, where Russian writes a foreign h as г (Фельгенгауэр,
    Felgenhauer): they differ only in letters that are g in one and h in the other."""
    return len(a) == len(b) and all(x == y or {x, y} == {"g", "h"} for x, y in zip(a, b, strict=True))


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _year(edtf: str | None) -> int | None:
    return int(edtf[:4]) if edtf and edtf[:4].isdigit() else None


def named(event: EventIn) -> list[tuple[str, str, str | None]]:
    """(name, role, kind if the role decides it) for the targets, actor and location of an event."""
    target_kind = "law" if event.type == "law" else None
    named = [(part, "target", target_kind) for target in event.targets for part in split_list(target)]
    if event.actor:
        named.append((event.actor, "actor", None))
    if event.location:
        named.append((event.location, "location", "place"))
    return named
