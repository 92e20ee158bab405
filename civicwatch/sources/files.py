"""Read articles from text files on disk.

A batch tool has to survive whatever lands in a folder: empty files, stray
binaries, huge dumps, and Russian news saved in legacy code pages. Everything
that makes a file unusable becomes a ``SourceError`` with a one-line reason, so
the caller can report it and move on to the next file.
"""

from __future__ import annotations

import json
import re
import reprlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from charset_normalizer import from_bytes

from civicwatch.core.text import strip_controls, strip_controls_or_none
from civicwatch.model import Article

MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIX = ".txt"
META_SUFFIX = ".meta.json"

# Legacy encodings we expect from the sources we monitor. Restricting the
# detector to these keeps it from picking exotic code pages for short texts.
FALLBACK_ENCODINGS = ("cp1251", "koi8-r", "latin-1")
_CYRILLIC_ENCODINGS = ("cp1251", "koi8-r")

# A few stray control bytes happen in scraped text; this many means binary.
_MAX_CONTROL_RATIO = 0.1
_CONTROL_BYTES = bytes(b for b in [*range(0x20), 0x7F] if b not in b"\t\n\r\x0b\x0c")
_CONTROL_TO_SPACE = {code: " " for code in [*range(0x20), *range(0x7F, 0xA0)]}


class SourceError(Exception):
    """An input that cannot be turned into an article: where it is and why, on one line.

    Readers raise it for a whole file and yield it for one bad record (a JSON line, an
    archived page), then go on with the next. ``path`` is the file (or URL) read;
    ``position`` where in it ("line 7", "offset 5120"; None for the whole file);
    ``reason`` the one-line message, which for a record starts with its position;
    ``kind`` a short stable label of the reason ("invalid-json", "not-utf8", "no-text",
    ...) for counting failures by reason.
    """

    def __init__(self, path: Path | str, reason: str, *, position: str | None = None, kind: str | None = None) -> None:
        self.path = Path(path)
        self.position = position
        self.reason = one_line(reason)
        self.kind = kind or reason_kind(self.reason, position)
        super().__init__(f"{path}: {self.reason}")

    @property
    def source(self) -> str:
        return str(self.path)


def without_controls(article: Article) -> Article:
    """The article with control and bidi characters stripped from its text and fields (``core.text``), in place."""
    article.text = strip_controls(article.text)
    for name in ("title", "author", "url"):
        setattr(article, name, strip_controls_or_none(getattr(article, name)))
    return article


def one_line(text: str, limit: int = 500) -> str:
    """``text`` on one line (whitespace runs and control characters folded), at most ``limit`` characters."""
    text = " ".join(str(text).translate(_CONTROL_TO_SPACE).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason_kind(reason: str, position: str | None = None) -> str:
    """A short label for a reason message: its words before any detail, position left out.

    "line 3: invalid JSON (Expecting value at column 1)" -> "invalid-json".
    """
    if position and reason.startswith(position):
        reason = reason[len(position) :].lstrip(": ")
    head = re.split(r"[(:;,]|\s-\s", reason, maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", head.lower())[:4]
    return "-".join(words) or "unknown"


def failure(path: Path | str, exc: BaseException, position: str | None = None) -> SourceError:
    """The SourceError for an exception no reader expected, so that it costs one input and not the batch."""
    where = f"{position}: " if position else ""
    detail = one_line(str(exc), 200) or "no detail"
    return SourceError(
        path, f"{where}reader failed ({type(exc).__name__}: {detail})", position=position, kind="reader-failed"
    )


@dataclass
class LoadedArticle:
    """An article plus what the caller may want to tell the user about reading it."""

    article: Article
    encoding: str  # codec the text was decoded with, e.g. "utf-8", "cp1251"
    meta_warning: str | None = None  # why NAME.meta.json was ignored, if it was

    @property
    def decoded_from_legacy(self) -> bool:
        return self.encoding not in ("utf-8", "utf-8-sig")


def text_files_in(path: Path) -> list[Path]:
    """The text files a command-line PATH stands for.

    A folder gives its ``*.txt`` files (not recursive), sorted so batches are
    reproducible. Anything else is returned as is, even when missing, so that
    ``read_article`` reports the problem with the file's own name.
    """
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.glob(f"*{TEXT_SUFFIX}") if p.is_file())
    if not files:
        raise SourceError(path, f"folder has no {TEXT_SUFFIX} files")
    return files


def iter_text_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders in ``paths`` into their text files; raises SourceError on an empty folder."""
    for path in paths:
        yield from text_files_in(Path(path))


def meta_path_for(path: Path) -> Path:
    """NAME.txt -> NAME.meta.json beside it."""
    return path.with_name(path.stem + META_SUFFIX)


def read_meta(path: Path) -> dict:
    """The ``url`` and ``published`` recorded next to a text file; {} when there is no meta file.

    Raises SourceError (naming the meta file) when it exists but cannot be used.
    """
    meta_path = meta_path_for(path)
    if not meta_path.is_file():
        return {}
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8, bad JSON, 4,300-digit numbers
        raise SourceError(meta_path, f"unreadable meta file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(raw, dict):
        raise SourceError(meta_path, "meta file must hold a JSON object")
    return {
        "url": _meta_url(meta_path, raw.get("url")),
        "published": _meta_date(meta_path, raw.get("published")),
    }


def _meta_url(meta_path: Path, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise SourceError(meta_path, f"'url' must be a string or null, not {reprlib.repr(value)}")


def _meta_date(meta_path: Path, value: object) -> date | None:
    if value is None or value == "":
        return None
    try:
        # Accept full timestamps too: feeds often store "2024-03-04T10:00:00Z".
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise SourceError(meta_path, f"'published' is not an ISO date: {reprlib.repr(value)}") from exc


def load_text(path: Path) -> tuple[str, str]:
    """Read and decode a text file: (text, encoding). Raises SourceError if it is not usable text."""
    data = _read_bytes(path)
    _reject_binary(path, data)
    text, encoding = decode_bytes(data)
    text = strip_controls(text)  # control and bidi characters never reach the extractor or the store
    if not text.strip():
        raise SourceError(path, "empty file (only whitespace or control characters)", kind="empty-file")
    return text, encoding


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SourceError(path, "is a folder, not a text file")
        if size == 0:
            raise SourceError(path, "empty file")
        if size > MAX_BYTES:
            raise SourceError(path, f"file too large ({size / 1e6:.1f} MB, limit {MAX_BYTES / 1e6:.1f} MB)")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(path, "no such file") from exc
    except OSError as exc:
        raise SourceError(path, f"cannot read ({exc.strerror or exc})") from exc


def _reject_binary(path: Path, data: bytes) -> None:
    if b"\x00" in data:
        raise SourceError(path, "binary file (contains NUL bytes)")
    # translate() deletes the control bytes in C; the length lost is their count.
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_RATIO * len(data):
        raise SourceError(path, f"binary file ({controls} control bytes in {len(data)})")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM stripped) when valid, else as the likeliest of FALLBACK_ENCODINGS; never raises."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass  # a BOM followed by legacy bytes: fall through to detection
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    encoding = _detect_legacy(data)
    # cp1251 leaves byte 0x98 undefined: a stray one becomes U+FFFD rather than costing the text
    # (or flipping it to a code page that maps every byte and turns the prose into nonsense).
    return data.decode(encoding, errors="replace"), encoding


def _detect_legacy(data: bytes) -> str:
    try:
        best = from_bytes(data, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    except Exception:  # the detector is a heuristic: its failure is no reason to lose the text
        best = None
    # latin-1 maps every byte, so it is the safe answer when detection gives up.
    encoding = _canonical(best.encoding) if best is not None else "latin-1"
    if encoding in _CYRILLIC_ENCODINGS:
        encoding = _pick_cyrillic(data)
    return encoding


def _canonical(name: str) -> str:
    return {"koi8_r": "koi8-r", "latin_1": "latin-1", "iso8859_1": "latin-1"}.get(name, name)


def _pick_cyrillic(data: bytes) -> str:
    """Tell cp1251 from koi8-r by letter case.

    The two code pages swap the upper- and lower-case Cyrillic ranges, so the
    wrong one turns ordinary prose into mostly capitals. The statistical
    detector gets short texts wrong; this does not. Undefined bytes (0x98 in
    cp1251) are replaced, not raised: ``decode_bytes`` decodes the same way.
    """
    return max(_CYRILLIC_ENCODINGS, key=lambda enc: _lowercase_share(data.decode(enc, errors="replace")))


def _lowercase_share(text: str) -> float:
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    return sum(ch.islower() for ch in letters) / len(letters) if letters else 0.0


def load_article(path: Path, published: date | None = None, url: str | None = None) -> LoadedArticle:
    """Read PATH and its meta file; ``published`` and ``url`` given here override the meta file.

    Raises SourceError for an unusable text file. A broken meta file does not
    stop the article: it is ignored and described in ``meta_warning``.
    """
    path = Path(path)
    try:
        text, encoding = load_text(path)
    except SourceError:
        raise
    except Exception as exc:  # whatever the file holds, it costs this file only
        raise failure(path, exc) from exc
    meta, warning = _meta_or_warning(path)
    article = Article(
        text=text,
        published=published or meta.get("published"),
        url=url or meta.get("url"),
        source=str(path),
    )
    return LoadedArticle(article=without_controls(article), encoding=encoding, meta_warning=warning)


def _meta_or_warning(path: Path) -> tuple[dict, str | None]:
    try:
        return read_meta(path), None
    except SourceError as exc:
        return {}, str(exc)
    except Exception as exc:  # a meta file never costs its article
        return {}, str(failure(meta_path_for(path), exc))


def read_article(path: Path, published: date | None = None, url: str | None = None) -> Article:
    """The article in a text file (see ``load_article``); raises SourceError if it is unusable."""
    return load_article(path, published=published, url=url).article
