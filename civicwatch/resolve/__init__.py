"""Entity identity: the keys that spellings of one name share (``identity``), the curated table of names that
translation makes one (``aliases``: English and Russian names, acronyms, former names, parents), and lists of
names (``lists``)."""

from civicwatch.resolve.aliases import (
    AliasTable,
    Entry,
    ShippedAliases,
    canonical_key,
    listed_entry,
    resolved_strength,
    shipped_aliases,
)
from civicwatch.resolve.identity import (
    EXACT,
    NEAR,
    NONE,
    SURNAME,
    VARIANT,
    NameKeys,
    entity_key,
    match_strength,
    name_keys,
    name_variants,
    same_entity,
)
from civicwatch.resolve.lists import split_list

__all__ = [
    "EXACT",
    "NEAR",
    "NONE",
    "SURNAME",
    "VARIANT",
    "AliasTable",
    "Entry",
    "ShippedAliases",
    "canonical_key",
    "listed_entry",
    "resolved_strength",
    "shipped_aliases",
    "NameKeys",
    "entity_key",
    "match_strength",
    "name_keys",
    "name_variants",
    "same_entity",
    "split_list",
]
