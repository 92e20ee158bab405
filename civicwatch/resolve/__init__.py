"""Entity identity: the keys that spellings of one name share (see ``identity``)."""

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
]
