"""Several names written as one: "Agora, Public Verdict and Memorial" is three targets."""

from __future__ import annotations

import re

from civicwatch.resolve.identity import entity_key

# "Agora, Public Verdict and Memorial": a list in one target, split for entity links
_LIST_SEPARATORS = re.compile(r"\s*[,;]\s*(?:and\s+|и\s+)?|\s+(?:and|и)\s+")
_LIST_MAX_WORDS = 6
# "Viasna- Ales Bialiatsky": a dash typed as a hyphen glued to the first name, between a group and its member
_DASHED = re.compile(r"^(?P<first>.*\w)-\s+(?P<second>\w.*)$")


def split_list(name: str) -> list[str]:
    """A list named as one target ("Agora, Public Verdict and Memorial") as its names; else [name].

    Split only when there are three or more parts, each a short name with a key of its own, so that
    "Committee for Human Rights and Freedoms" or "Golos, an election monitor" stay whole; two names
    joined by a dash typed as a hyphen ("Viasna- Ales Bialiatsky") are two.
    """
    dashed = _DASHED.match(name)
    if dashed and "," not in name:
        pair = [dashed["first"].strip(), dashed["second"].strip()]
        if all(len(p.split()) <= _LIST_MAX_WORDS and entity_key(p) is not None for p in pair):
            return pair
    parts = [p.strip() for p in _LIST_SEPARATORS.split(name) if p and p.strip()]
    if len(parts) < 3 or "," not in name:
        return [name]
    if any(len(p.split()) > _LIST_MAX_WORDS or entity_key(p) is None for p in parts):
        return [name]
    return parts
