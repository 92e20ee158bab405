"""Comparing two snapshots of the same registry."""

from __future__ import annotations

import dataclasses

from .model import EntryChange, RegistryEntry, RegistrySnapshot, SnapshotDiff

_IDENTITY = {"registry", "entry_id"}


def diff_snapshots(old: RegistrySnapshot, new: RegistrySnapshot) -> SnapshotDiff:
    """Entries added, removed, newly excluded (date_out set) and changed between two snapshots.

    ``excluded`` entries also appear in ``changed`` (their date_out changed); lists follow the new
    file's order (the old file's for ``removed``).
    """
    if old.registry != new.registry:
        raise ValueError(f"cannot diff {old.registry!r} against {new.registry!r}")
    before, after = old.by_id(), new.by_id()
    diff = SnapshotDiff(registry=new.registry, old_as_of=old.as_of, new_as_of=new.as_of)
    diff.added = [entry for entry in new.entries if entry.entry_id not in before]
    diff.removed = [entry for entry in old.entries if entry.entry_id not in after]
    for entry in new.entries:
        previous = before.get(entry.entry_id)
        if previous is None:
            continue
        fields = changed_fields(previous, entry)
        if fields:
            diff.changed.append(EntryChange(entry.entry_id, fields))
        if previous.date_out is None and entry.date_out is not None:
            diff.excluded.append(entry)
    return diff


def changed_fields(old: RegistryEntry, new: RegistryEntry) -> dict[str, tuple]:
    """Field name -> (old, new) for every difference; extra keys are compared one by one as 'extra.KEY'."""
    changes: dict[str, tuple] = {}
    for field in dataclasses.fields(RegistryEntry):
        if field.name in _IDENTITY or field.name == "extra":
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if before != after:
            changes[field.name] = (before, after)
    for key in sorted(set(old.extra) | set(new.extra)):
        before, after = old.extra.get(key), new.extra.get(key)
        if before != after:
            changes[f"extra.{key}"] = (before, after)
    return changes
