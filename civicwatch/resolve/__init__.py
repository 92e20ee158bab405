"""Entity identity: the keys that spellings of one name share (see ``identity``), and lists of names (``lists``)."""

from civicwatch.resolve.identity import (
    EXACT,
    NEAR,
    NONE,
    SURNAME,
    VARIANT,
    AliasTable,
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
    "NameKeys",
    "entity_key",
    "match_strength",
    "name_keys",
    "name_variants",
    "same_entity",
    "split_list",
]
