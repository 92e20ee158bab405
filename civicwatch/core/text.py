"""What stored text may hold: no control characters and no bidirectional embeddings or overrides.

Every reader (text files, HTML and WARC pages, JSON lines, feeds' pages, a Spark output read back) and
the analyst's edits pass text through ``strip_controls`` before it reaches the extractor or the store.

* C0 and C1 controls go, except the line feed and the tab. A carriage return (alone or before a line
  feed), vertical tab, form feed and NEL (U+0085) end a line, so they become a line feed; the others
  (NUL, BEL, ESC, ...) are removed.
* The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are removed, not
  kept inside an isolated span: in a news text they only ever reorder what a reader sees (a
  "right-to-left override" can make "exe.txt" show as "txt.exe"), and the web pages isolate every
  stored string anyway (``<bdi>``), so right-to-left names still show in their own direction. The
  marks U+200E/U+200F (LRM, RLM), which reorder nothing beyond a character, stay.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without control characters (line breaks kept as line feeds) and without bidi controls."""
    if not _ANY.search(text):  # the usual case: one scan, no copy
        return text
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def strip_controls_or_none(text: str | None) -> str | None:
    """``strip_controls`` for an optional field: None stays None, and so does text left empty."""
    return strip_controls(text) or None if text is not None else None
