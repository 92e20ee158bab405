"""Shared fixtures."""

from __future__ import annotations

from datetime import date

import pytest

import civicwatch.pipeline
from civicwatch.model import Event

# Markers that make the fake extractor misbehave, so file-handling tests do
# not depend on what the real extractor finds.
RAISE = "FAKE-RAISE"
BOILERPLATE = "FAKE-BOILERPLATE"
NO_EVENTS = "FAKE-NONE"


def fake_extract(
    text: str, published: date | str | None = None, url: str | None = None, language: str | None = None
) -> list[Event]:
    """One designation event per call, dated with ``published``; see the markers above."""
    if RAISE in text:
        raise RuntimeError("fake extractor exploded")
    if NO_EVENTS in text:
        return []
    events = [
        Event(
            type="designation",
            subtype="foreign_agent",
            status="occurred",
            targets=["Fake Org"],
            evidence=text.strip()[:80],
            date=str(published) if published else None,
            extra={"url": url} if url else {},
        )
    ]
    if BOILERPLATE in text:
        events.append(
            Event(
                type="reaction",
                subtype="condemnation",
                status="occurred",
                targets=["Fake Org"],
                evidence=BOILERPLATE,
                boilerplate=True,
            )
        )
    return events


@pytest.fixture
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the extractor used by civicwatch.pipeline with ``fake_extract``."""
    monkeypatch.setattr(civicwatch.pipeline, "extract", fake_extract)
