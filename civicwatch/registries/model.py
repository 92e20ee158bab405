"""Typed records shared by every registry parser.

The database importer builds on these types only, so they carry no parser
state: an entry is what one registry says about one listed subject, a
snapshot is one file read at one point in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS = ("ru-foreign-agents", "ru-undesirable", "us-fara-registrants", "us-fara-principals")


class RegistryFormatError(ValueError):
    """A file is not of the format its kind expects (wrong kind, or the publisher changed the layout)."""


@dataclass(frozen=True)
class RowProblem:
    """A row worth a human look.

    ``line`` is the physical line of a CSV record (header = 1), the sheet row
    of an XLSX row, or the 1-based position of an object in a JSON array.
    """

    line: int
    reason: str
    raw: str


@dataclass(frozen=True)
class RegistryEntry:
    """One subject as one registry lists it.

    ``extra`` holds only JSON-ready values (str, int, bool, tuples/lists of
    str, dates as ISO strings) and never personal data beyond names: no
    pension numbers, no dates of birth, no addresses of individuals.
    ``extra["generated_other_names"]`` lists the members of ``other_names``
    that the source did not print as such (made by us or by a third-party
    plugin), so a linker can weigh them lower.
    """

    registry: str
    entry_id: str
    name: str
    other_names: tuple[str, ...] = ()
    is_person: bool | None = None
    entity_type: str | None = None
    date_in: date | None = None
    date_out: date | None = None
    inn: str | None = None
    ogrn: str | None = None
    reg_number: str | None = None
    grounds: str | None = None
    resources: tuple[str, ...] = ()
    country: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.date_out is None


@dataclass
class RegistrySnapshot:
    """A registry file read into entries.

    ``problems`` are malformed rows that were skipped; ``warnings`` are rows
    that were imported but deserve a look (repaired quoting, merged duplicate
    ids, unparsable dates, unknown columns ignored).
    """

    registry: str
    source: str
    as_of: date | None
    as_of_source: str | None  # "xlsx-cell-A2", "file-name" or "latest-date-in-file"
    source_format: str  # e.g. "minjust-xlsx", "fz255-json", "fara-bulk-csv"
    entries: list[RegistryEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    def by_id(self) -> dict[str, RegistryEntry]:
        return {entry.entry_id: entry for entry in self.entries}


@dataclass(frozen=True)
class EntryChange:
    """Fields that differ for one entry id; ``fields`` maps name -> (old, new); extra keys appear as ``extra.KEY``."""

    entry_id: str
    fields: dict


@dataclass
class SnapshotDiff:
    registry: str
    old_as_of: date | None
    new_as_of: date | None
    added: list[RegistryEntry] = field(default_factory=list)
    removed: list[RegistryEntry] = field(default_factory=list)
    excluded: list[RegistryEntry] = field(default_factory=list)  # present in both, date_out newly set (new entry)
    changed: list[EntryChange] = field(default_factory=list)  # every id present in both with any difference
