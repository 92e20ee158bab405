"""The data passed between stages: an article in, events out.

Events follow the contract in ``shared/eval/SCHEMA.md``; extra fields
(confidence, offsets, boilerplate) are allowed by it and ignored by the scorer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from civicwatch.core.schema import EVENT_TYPES, STATUSES

__all__ = ["EVENT_TYPES", "STATUSES", "Article", "Event"]


@dataclass
class Article:
    """A clean text with what is known about where it came from."""

    text: str
    published: date | None = None
    url: str | None = None
    source: str | None = None  # file path or URL the text was read from
    language: str | None = None
    title: str | None = None
    author: str | None = None


@dataclass
class Event:
    """One real-world act reported in one article (SCHEMA.md)."""

    type: str
    subtype: str
    status: str
    targets: list[str]
    evidence: str
    actor: str | None = None
    date: str | None = None  # EDTF
    location: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    confidence: float = 0.5
    evidence_start: int = 0  # character offsets of the evidence in the input text
    evidence_end: int = 0
    boilerplate: bool = False
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {self.type!r}")
        if self.subtype not in EVENT_TYPES[self.type]:
            raise ValueError(f"unknown subtype {self.subtype!r} for type {self.type!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if not self.targets:
            raise ValueError("an event needs at least one target")

    def to_dict(self) -> dict:
        data = asdict(self)
        extra = data.pop("extra")
        data.update(extra)
        return data
