"""Mandatory status labels: "(признан иноагентом)", "*внесен в реестр иностранных агентов".

Russian law makes outlets print such labels beside a name. They state a status
the text asserts; they do not report an act (SCHEMA rule 7), so they are masked
before events are read and returned as what the text says about the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RU_STATUS = (
    r"(?:[\w-]+\s+){0,3}?(?:внесен\w*|включ[её]н\w*|признан\w*|признано|является|выполняющ\w*|выполняет)[^()\n]{0,80}?"
    r"(?:иностранн\w*\s+агент\w*|иноагент\w*|нежелательн\w*|экстремист\w*|террорист\w*)[^()\n]{0,60}?"
)
_EN_STATUS = (
    r"(?:designated|recogni[sz]ed|declared|listed|included|labell?ed)[^()\n]{0,60}?"
    r"(?:foreign agents?|undesirable|extremist|terrorist)[^()\n]{0,40}?"
)
_PATTERNS = {
    "ru": [re.compile(rf"\(\s*{_RU_STATUS}\)", re.I), re.compile(rf"\*\s*{_RU_STATUS}(?:[.;]|$)", re.I | re.M)],
    "en": [re.compile(rf"\(\s*{_EN_STATUS}\)", re.I), re.compile(rf"^\s*\*\s*{_EN_STATUS}(?:[.;]|$)", re.I | re.M)],
}
_STATUS_WORDS = {
    "foreign_agent": re.compile(r"иностранн\w*\s+агент|иноагент|foreign agent", re.I),
    "undesirable": re.compile(r"нежелательн|undesirable", re.I),
    "extremist": re.compile(r"экстремист|extremist", re.I),
    "terrorist": re.compile(r"террорист|terrorist", re.I),
}
_CAPITALISED = r"(?:[«„“][^«»„“”\n]{1,60}[»”]|\"[^\"\n]{1,60}\"|[A-ZА-ЯЁ][\w\-]*)"
_NAME_BEFORE = re.compile(rf"((?:{_CAPITALISED}\s+){{0,5}}{_CAPITALISED})\s*\*?\s*$")
_STARRED = re.compile(rf"((?:{_CAPITALISED}\s+){{0,5}}{_CAPITALISED})\*")


@dataclass(frozen=True)
class StatusLabel:
    name: str  # the name the label follows, as written ("" for a footnote)
    status: str  # foreign_agent, undesirable, extremist, terrorist
    start: int
    end: int
    text: str


def find_labels(text: str, language: str = "ru") -> list[StatusLabel]:
    labels = []
    for pattern in _PATTERNS.get(language, []):
        for match in pattern.finditer(text):
            status = next((s for s, p in _STATUS_WORDS.items() if p.search(match.group())), None)
            if status is None:
                continue
            before = text[max(0, match.start() - 80) : match.start()]
            name_match = _NAME_BEFORE.search(before) if match.group().lstrip().startswith("(") else None
            if name_match:
                names = [name_match.group(1)]
            else:  # a footnote: it speaks of every name marked with an asterisk
                names = [m.group(1) for m in _STARRED.finditer(text[: match.start()])] or [""]
            for name in names:
                labels.append(StatusLabel(_balanced(name), status, match.start(), match.end(), match.group()))
    return labels


def _balanced(name: str) -> str:
    """The name without the quotes around it or left unpaired ("Телеканал «Дождь" -> "Телеканал Дождь")."""
    name = name.strip()
    for left, right in (("«", "»"), ("„", "“"), ("“", "”")):
        if name.count(left) != name.count(right):
            name = name.replace(left, "").replace(right, "")
    if name.count('"') % 2:
        name = name.replace('"', "")
    if len(name) > 1 and name[0] in '«„“"' and name[-1] in '»“”"' and sum(name.count(q) for q in '«„“"') == 1:
        name = name[1:-1]
    return name.strip()


def mask_labels(text: str, language: str = "ru") -> str:
    """The text with its labels blanked out; offsets stay as they were."""
    for label in find_labels(text, language):
        text = text[: label.start] + " " * (label.end - label.start) + text[label.end :]
    return text
