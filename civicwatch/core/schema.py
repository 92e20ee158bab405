"""The event schema, declared once (``shared/eval/SCHEMA.md``).

* ``EVENT_TYPES`` and ``STATUSES``: the vocabulary an event's type, subtype and status take.
* ``COMPATIBLE_SUBTYPES``: subtypes that may name one act ("vandalism"/"assault", "condemnation"/"appeal");
  ``subtypes_agree`` is the rule the extractor (within an article) and the store (across articles) share.
  ``COMPATIBLE_ACTS`` adds pairs across types (a forced liquidation and a ban), ``acts_agree`` both.
  ``ONE_SENTENCE_SUBTYPES``: subtypes that one sentence gives one act on one target (a sentence to prison is
  a conviction, not also a detention); only the extractor uses it, within a sentence.
* ``MERGE_WINDOW_DAYS``: per type, how far a report without a date of its own may be from the act.
* ``REPORT_FIELDS``: the fields of one report of an event, as the extractor gives them
  (``civicwatch.model.Event`` without its extras). The stored event, its mentions, the read models and the
  API carry these fields under these names.

``field_values`` and ``dataclass_from`` copy fields by name from one shape to another (an extracted event to a
mention, a row to a read model), so that each mapping is written once, as the list of names it keeps.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "designation": ("foreign_agent", "undesirable", "extremist", "terrorist", "other"),
    "delisting": ("foreign_agent", "undesirable", "extremist", "terrorist", "other"),
    "law": ("proposed", "adopted", "signed", "in_force", "amended"),
    "sanction": ("fine", "warning", "inspection", "block", "ban", "asset_freeze"),
    "prosecution": ("raid", "detention", "criminal_case", "conviction", "lawsuit"),
    "closure": ("self_liquidation", "forced_liquidation", "suspension", "relocation"),
    "attack": ("assault", "arson", "vandalism", "harassment", "killing"),
    "reaction": ("condemnation", "appeal"),
}
STATUSES = ("occurred", "planned", "threatened")
ALL_SUBTYPES = tuple(dict.fromkeys(subtype for subtypes in EVENT_TYPES.values() for subtype in subtypes))

COMPATIBLE_SUBTYPES: tuple[frozenset[str], ...] = (
    frozenset({"vandalism", "assault"}),
    frozenset({"condemnation", "appeal"}),
)

# Subtypes that one sentence may give one act on one target, which is then one event: "was sentenced to
# two years in prison" (a conviction, not also a detention), "convicted in the case" (not also the criminal
# case), "charged" read both as a criminal case and as a lawsuit. Across sentences they stay apart: an
# arrest and the later sentence are two acts.
ONE_SENTENCE_SUBTYPES: tuple[frozenset[str], ...] = (
    frozenset({"conviction", "detention"}),
    frozenset({"conviction", "criminal_case"}),
    frozenset({"criminal_case", "lawsuit"}),
)

# One act told from two sides, across types: a court's liquidation order is a forced closure to one outlet
# and a ban to another. Each group lists "type/subtype" pairs; with COMPATIBLE_SUBTYPES it is the whole
# table of what may merge across articles (``acts_agree``). Pairs that are two acts stay out: adoption and
# signing of a law, a regulator's block and the court order before it, a lawsuit and the ruling on it.
COMPATIBLE_ACTS: tuple[frozenset[str], ...] = (
    frozenset({"closure/forced_liquidation", "sanction/ban"}),
    frozenset({"closure/suspension", "sanction/ban"}),
)

# Days between an act and a report of it that gives no date of its own (or only its publication day):
# a designation is dated by its decision and reported within days; a law's steps, a fine or a closure are
# told for a week or two; a detention or an attack is news on the day. WINDOW_DAYS is the widest.
MERGE_WINDOW_DAYS: dict[str, int] = {
    "designation": 10,
    "delisting": 10,
    "law": 14,
    "sanction": 14,
    "prosecution": 7,
    "closure": 14,
    "attack": 7,
    "reaction": 7,
}
WINDOW_DAYS = max(MERGE_WINDOW_DAYS.values())
# An event's ``extra`` flag: the act its article reports first (in its headline or its first reporting
# sentence): the article's news, not background told further down.
LEAD_ACT = "lead_act"

# What an analyst may change on a stored event (civicwatch.store.review).
EDITABLE_FIELDS = ("type", "subtype", "status", "date", "actor", "targets", "location", "country")

# One report of an event: the extractor's fields, in SCHEMA.md order, extras aside.
REPORT_FIELDS = (
    "type",
    "subtype",
    "status",
    "targets",
    "actor",
    "date",
    "location",
    "country",
    "evidence",
    "evidence_start",
    "evidence_end",
    "confidence",
    "boilerplate",
)


def subtypes_agree(a: str, b: str) -> bool:
    """Whether two subtypes may name one act: equal, or in one group of ``COMPATIBLE_SUBTYPES``."""
    return a == b or any(a in group and b in group for group in COMPATIBLE_SUBTYPES)


def acts_agree(type_a: str, subtype_a: str, type_b: str, subtype_b: str) -> bool:
    """Whether two (type, subtype) pairs may name one act: the same type with agreeing subtypes, or one
    group of ``COMPATIBLE_ACTS``."""
    if type_a == type_b:
        return subtypes_agree(subtype_a, subtype_b)
    a, b = f"{type_a}/{subtype_a}", f"{type_b}/{subtype_b}"
    return any(a in group and b in group for group in COMPATIBLE_ACTS)


def compatible_acts(type_: str, subtype: str) -> set[tuple[str, str]]:
    """The (type, subtype) pairs that agree with this one (itself included)."""
    same = {(type_, other) for other in compatible_subtypes(subtype)}
    pair = f"{type_}/{subtype}"
    across = {(p.partition("/")[0], p.partition("/")[2]) for group in COMPATIBLE_ACTS if pair in group for p in group}
    return same | across


def merge_window(type_: str) -> int:
    """``MERGE_WINDOW_DAYS`` for the type (the widest for a type it does not list)."""
    return MERGE_WINDOW_DAYS.get(type_, WINDOW_DAYS)


def compatible_subtypes(subtype: str) -> set[str]:
    """The subtypes that agree with ``subtype`` (itself included)."""
    return {subtype}.union(*(group for group in COMPATIBLE_SUBTYPES if subtype in group))


def field_values(source: Any, names: tuple[str, ...] = REPORT_FIELDS) -> dict[str, Any]:
    """``{name: source.name}`` for the named fields (a fresh list for ``targets``)."""
    values = {name: getattr(source, name) for name in names}
    if "targets" in values:
        values["targets"] = list(values["targets"] or [])
    return values


def dataclass_from(cls: type[T], obj: Any, /, **given: Any) -> T:
    """An instance of the dataclass ``cls``: the fields named in ``given`` take those values, the others the
    values of ``obj``'s attributes of the same names (fields ``obj`` lacks keep their defaults)."""
    values = dict(given)
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]
        if item.name not in values and item.init and hasattr(obj, item.name):
            values[item.name] = getattr(obj, item.name)
    if isinstance(values.get("targets"), list | tuple):
        values["targets"] = list(values["targets"])
    return cls(**values)
