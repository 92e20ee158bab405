"""Event extraction: text in, SCHEMA.md events out, per language."""

from __future__ import annotations

from datetime import date

from civicwatch.extract.language import SUPPORTED, detect_language
from civicwatch.model import Event
from civicwatch.resolve.identity import entity_key


def extract(
    text: str, published: date | str | None = None, url: str | None = None, language: str | None = None
) -> list[Event]:
    """Extract civic-space events from one article's text.

    ``published`` (a date or ISO string) anchors relative dates ("last week");
    ``language`` ("en", "ru") skips detection. Text in other languages gives no events.
    """
    from civicwatch.extract.extractor import get_extractor

    language = language or detect_language(text) or "en"
    if language not in SUPPORTED:
        return []
    events = get_extractor(language).extract(text, published=published, url=url)
    for event in events:
        event.extra.setdefault("language", language)
        # one key per entity across spellings, inflections and scripts (None: too generic to identify)
        event.extra["target_ids"] = [entity_key(name) for name in event.targets]
        event.extra["actor_id"] = entity_key(event.actor) if event.actor else None
    return events
