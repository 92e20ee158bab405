"""Event extraction: text in, SCHEMA.md events out."""

from __future__ import annotations

from datetime import date

from civicwatch.model import Event


def extract(text: str, published: date | str | None = None, url: str | None = None) -> list[Event]:
    """Extract civic-space events from one article's text.

    ``published`` (a date or ISO string) anchors relative dates ("last week").
    """
    from civicwatch.extract.extractor import get_extractor

    return get_extractor().extract(text, published=published, url=url)
