"""Event extraction: text in, SCHEMA.md events out, per language."""

from __future__ import annotations

from datetime import date

from civicwatch.extract.labels import StatusLabel, find_labels
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
    labels = find_labels(text, language)
    for event in events:
        event.extra.setdefault("language", language)
        asserted = {lab.status for lab in labels if lab.name and any(lab.name in t for t in event.targets)}
        if asserted:  # what the text's mandatory labels say of these targets
            event.extra["asserted_status"] = sorted(asserted)
        # one key per entity across spellings, inflections and scripts (None: too generic to identify)
        event.extra["target_ids"] = [entity_key(name) for name in event.targets]
        event.extra["actor_id"] = entity_key(event.actor) if event.actor else None
    return events


def status_labels(text: str, language: str | None = None) -> list[StatusLabel]:
    """What the text's mandatory labels assert: "X (признан иноагентом)" -> X, foreign_agent."""
    return find_labels(text, language or detect_language(text) or "en")
