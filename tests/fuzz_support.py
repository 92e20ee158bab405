"""Seeds, mutations and limits for the reader fuzz tests (tests/test_fuzz.py).

Seeds are the real files in ../shared (register files, the bench web archive, the eval texts), read at
run time and never copied into the repository, plus small synthetic documents made here. Mutations are
structural: bytes flipped, cut, repeated or replaced by tokens that broke readers before (deep nesting,
5,000-digit numbers, undefined cp1251 bytes, NUL, quotes, bidi controls, pension numbers).

``CIVICWATCH_FUZZ_PROFILE=fuzz`` (``make fuzz``) runs 10,000 cases per reader; the default profile, used by
``make test``, runs a bounded handful, derandomised so that CI is repeatable.
"""

from __future__ import annotations

import gzip
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = Path(__file__).parent / "data" / "fuzz"
CASE_SECONDS = 20  # one case taking longer is a hang: the test fails with the input that caused it

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "print_blob": True,
}
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=10_000, **_COMMON)
settings.load_profile(os.environ.get("CIVICWATCH_FUZZ_PROFILE", "ci"))
if os.environ.get("CIVICWATCH_FUZZ_EXAMPLES"):  # e.g. a longer run than the profile's
    settings.register_profile("custom", settings(max_examples=int(os.environ["CIVICWATCH_FUZZ_EXAMPLES"])))
    settings.load_profile("custom")

TOKENS = [
    b"\x00", b"\xff", b"\x98", b"\r", b"\n", b"\r\r\n", b'"', b'","', b",", b";", b"\t", b"'", b"\\",
    b"[" * 3000, b"{" * 3000, b'{"a":' * 2000, b"9" * 5000, b"-" + b"1" * 4400, b"1e999999", b"NaN",
    b"<", b">", b"</html>", b"<![CDATA[", b"&#x202e;", b"&#0;", b"&bogus;", "\u202e".encode(), "«".encode(),
    "»".encode(), b"(" * 500, b")", "\u201c".encode() * 300, b"777-888-999 02", b"77788899903",
    "дата рождения 14.08.1912".encode(), b"31.06.2015", b"99.99.9999", b"WARC/1.0\r\n", b"\x1f\x8b\x08",
    b"PK\x03\x04", b"Content-Length: 99999999\r\n", b"charset=rot13", b"a" * 70_000,
]  # fmt: skip


@st.composite
def mutated(draw, seeds: list[bytes], max_ops: int = 6) -> bytes:
    """One seed, changed by up to ``max_ops`` structural mutations (sometimes none)."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(("flip", "insert", "token", "delete", "repeat", "truncate", "swap")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 256))]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(2, 50))
        elif op == "truncate":
            del data[at:]
        elif op == "swap" and len(data) > 2:
            other = draw(st.integers(0, len(data) - 1))
            data[at], data[other] = data[other], data[at]
    return bytes(data)


@contextmanager
def time_limit(seconds: float = CASE_SECONDS) -> Iterator[None]:
    """Fail a case that runs longer than ``seconds`` (a hang), on the main thread where SIGALRM works."""

    def expire(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- seeds ---------------------------------------------------------------------------------------

SYNTHETIC_TEXT = [
    "The regional court fined the independent newspaper for a report on the protest in the city centre.",
    "Суд оштрафовал независимую газету за репортаж о протесте в центре города на прошлой неделе.",
]


@cache
def eval_texts(limit: int = 12) -> list[bytes]:
    folder = SHARED / "eval" / "dev"
    texts = [path.read_bytes()[:4000] for path in sorted(folder.glob("*.txt"))[:limit]] if folder.is_dir() else []
    synthetic = [text.encode() for text in SYNTHETIC_TEXT] + [SYNTHETIC_TEXT[1].encode("cp1251")]
    return texts + synthetic


@cache
def warc_members(limit: int = 6) -> list[bytes]:
    """The first gzip members (one record each) of the bench web archive; a synthetic record without it."""
    path = SHARED / "bench" / "web-pages.warc.gz"
    if not path.is_file():
        return [gzip.compress(synthetic_warc_record(SYNTHETIC_TEXT[0]))]
    import zlib

    members, data = [], path.read_bytes()[: 4 * 1024 * 1024]
    while data and len(members) < limit:
        member = zlib.decompressobj(31)
        member.decompress(data)
        if not member.eof:
            break
        size = len(data) - len(member.unused_data)
        members.append(data[:size])
        data = member.unused_data
    return members


def synthetic_warc_record(text: str) -> bytes:
    html = f"<html><head><title>t</title></head><body><article><p>{text}</p></article></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(html)
    block = http + html
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        f"WARC-Target-URI: https://example.org/a\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


@cache
def html_pages(limit: int = 8) -> list[bytes]:
    """Pages of the bench archive, and synthetic pages around the eval texts."""
    from civicwatch.sources.warc import WarcPage, iter_warc_pages

    pages: list[bytes] = []
    path = SHARED / "bench" / "web-pages.warc.gz"
    if path.is_file():
        for item in iter_warc_pages(path):
            if isinstance(item, WarcPage) and len(item.html) < 200_000:
                pages.append(item.html)
            if len(pages) >= limit:
                break
    for text in eval_texts(4):
        body = "".join(f"<p>{line}</p>" for line in text.decode("utf-8", "replace").splitlines() if line.strip())
        pages.append(
            f"<html lang='ru'><head><meta charset='utf-8'></head><body><article>{body}</article></body></html>".encode()
        )
    return pages


def registry_file(name: str) -> bytes | None:
    path = SHARED / "registries" / name
    return path.read_bytes() if path.is_file() else None


@cache
def csv_slices(name: str, count: int = 12, lines: int = 25) -> list[bytes]:
    """Header + a window of physical lines of a real CSV register (windows spread over the file)."""
    data = registry_file(name)
    if data is None:
        return []
    rows = data.split(b"\n")
    header, body = rows[0], rows[1:]
    step = max(len(body) // count, 1)
    return [b"\n".join([header, *body[start : start + lines]]) for start in range(0, len(body), step)][:count]


@cache
def json_slices(name: str, count: int = 12, items: int = 12) -> list[bytes]:
    import json

    data = registry_file(name)
    if data is None:
        return []
    objects = json.loads(data)
    step = max(len(objects) // count, 1)
    return [
        json.dumps(objects[start : start + items], ensure_ascii=False).encode()
        for start in range(0, len(objects), step)
    ][:count]


@cache
def xlsx_seeds() -> list[bytes]:
    """Small workbooks in the Minjust layout: the real export's first rows (title, as-of cell, header, data)."""
    import io

    from openpyxl import Workbook, load_workbook

    data = registry_file("ru_minjust_foreign_agents_2025-08-15.xlsx")
    if data is None:
        return []
    source = load_workbook(io.BytesIO(data), read_only=True)
    rows = [row for _, row in zip(range(40), source.worksheets[0].iter_rows(values_only=True), strict=False)]
    source.close()
    seeds = []
    for start in (3, 13, 23):
        workbook = Workbook()
        sheet = workbook.active
        for row in rows[:3] + rows[start : start + 10]:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        seeds.append(buffer.getvalue())
    return seeds
