"""What every extraction must satisfy, whatever its input, and a hang guard: shared by the extractor's
robustness tests (test_extract_fuzz.py, test_extract_long_sentence.py, test_extract_web_pages.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_support import time_limit  # noqa: F401  (the hang guard the extraction tests share)

from civicwatch.model import EVENT_TYPES, STATUSES, Event

SHARED = Path(__file__).resolve().parents[2] / "shared"


def check_events(text: str, events: list[Event]) -> None:
    """Each event: a type, subtype and status of the schema, non-blank targets, evidence that is its span."""
    for event in events:
        assert event.type in EVENT_TYPES, event.type
        assert event.subtype in EVENT_TYPES[event.type], (event.type, event.subtype)
        assert event.status in STATUSES, event.status
        assert event.targets, f"an event without targets: {event}"
        assert all(isinstance(t, str) and t.strip() for t in event.targets), event.targets
        assert 0 <= event.evidence_start <= event.evidence_end <= len(text), (event.evidence_start, event.evidence_end)
        assert event.evidence == text[event.evidence_start : event.evidence_end], (
            event.evidence,
            text[event.evidence_start : event.evidence_end],
        )


def shared_or_skip(path: Path) -> Path:
    """``path`` under ../shared, or a skip naming it; under CI (``CI`` set) a failure instead."""
    if path.exists():
        return path
    message = f"{path} is missing (../shared is laid beside the clone)"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(message + "; CI is set, so the test fails rather than skips", pytrace=False)
    pytest.skip(message)
