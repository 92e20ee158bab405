"""Official registries of restricted organisations and persons, parsed into typed records (no database).

    snapshot = read_registry(path, "ru-foreign-agents")   # also ru-undesirable, us-fara-registrants/-principals
    for entry in snapshot.entries: ...                     # RegistryEntry
    diff = diff_snapshots(old_snapshot, new_snapshot)      # added / removed / excluded / changed

Formats per kind (detected from the content, not the extension): ru-foreign-agents — Minjust XLSX,
camelot CSV, fz255 JSON; ru-undesirable — fz255 JSON, chekazoid JSON; us-fara-registrants — FARA bulk
CSV; us-fara-principals — FARA bulk CSV, eFile browse export CSV. A file of another kind, or whose
columns changed, raises RegistryFormatError (file, expected columns, found columns); so does a file that
cannot be read at all (damaged XLSX, JSON nested too deeply, ...), and nothing else does. A row that cannot
be read is skipped and listed in ``problems`` (line, reason): it never costs the file.

entry_id (unique within a snapshot; duplicates are merged, the dropped rows listed in warnings):
    ru-foreign-agents    № п/п                          ru-undesirable (fz255)   № п/п
    ru-undesirable (chekazoid: no number)  the official name, whitespace-normalised
    us-fara-registrants  Registration Number            us-fara-principals  "REGNO|Principal name|YYYY-MM-DD"
                                                        (a principal can be registered again by the same registrant)

name is the main name as published (quotes kept); other_names are the alternatives the cell gives
(pseudonyms, former names, foreign-language names, abbreviations), without outer quotes. Names we or a
third party composed are also in other_names and listed again in extra["generated_other_names"].

extra keys (present only when they have a value; dates as ISO strings):
    all        generated_other_names
    RU         name_as_published (when name differs), name_qualifiers (address-like brackets), country_code
    ru-foreign-agents  telegram_ids, members (names only), date_published, pdf_page (camelot);
               organisations only: address, special_account_bank, special_account_opened,
               special_account_contract
    ru-undesirable     decision_in_minjust, decision_in_genproc, genproc_decision_date,
               decision_out_minjust, decision_out_genproc (fz255); list_type (chekazoid)
    us-fara-registrants  business_name; address (organisations only)
    us-fara-principals   country_code, registrant_name, registrant_date; address (organisations only)

Never kept: pension numbers (СНИЛС), dates of birth, bank account numbers, individuals' addresses. Pension
numbers in any separator form and birth dates after a marker are removed from every cell as the file is
loaded (``privacy``), whatever column they are in.
"""

from .diff import changed_fields, diff_snapshots
from .model import (
    KINDS,
    EntryChange,
    RegistryEntry,
    RegistryFormatError,
    RegistrySnapshot,
    RowProblem,
    SnapshotDiff,
)
from .reader import read_registry, read_registry_bytes

__all__ = [
    "KINDS",
    "EntryChange",
    "RegistryEntry",
    "RegistryFormatError",
    "RegistrySnapshot",
    "RowProblem",
    "SnapshotDiff",
    "changed_fields",
    "diff_snapshots",
    "read_registry",
    "read_registry_bytes",
]
