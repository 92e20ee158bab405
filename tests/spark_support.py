"""Web archives for the Spark tests, built from real dev articles (``../shared/eval/dev``) and ordinary pages."""

from __future__ import annotations

import gzip
import html
import json
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "dev"
# short dev articles, English and Russian; two WARC files of three
DEV_NAMES = [
    "reuters-2023-georgia-bill-withdrawn",
    "interfax-2016-agora-shutdown-hrw",
    "rferl-2017-hungary-ngo-law-passed",
    "fontanka-2014-forced-registry-law-signed",
    "meduza-2016-cherevatenko-criminal-case",
    "tass-2018-titiyev-custody",
]
FILLER = "<p>The weather this weekend will be sunny with light winds; the farmers' market opens at nine.</p>"


def http_response(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def warc_record(url: str, payload: bytes, number: int) -> bytes:
    """One response record as its own gzip member, as crawlers write them."""
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=number)}>\r\n"
        f"WARC-Date: 2024-06-01T12:00:00Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return gzip.compress(head.encode() + payload + b"\r\n\r\n", mtime=0)


def dev_page(name: str) -> tuple[str, bytes]:
    """A dev article as a news page: its URL, and HTML with its publication date in a meta tag."""
    text = (DEV / f"{name}.txt").read_text(encoding="utf-8")
    meta_path = DEV / f"{name}.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    url = meta.get("url") or f"https://dev.example/{name}"
    published = meta.get("published")
    date_tag = f'<meta property="article:published_time" content="{published}">' if published else ""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page = f"<!DOCTYPE html><html><head><title>{name}</title>{date_tag}</head><body><article>{paragraphs}</article>"
    return url, (page + "</body></html>").encode()


def filler_page(n: int) -> tuple[str, bytes]:
    return f"https://weather.example/{n}", f"<!DOCTYPE html><html><body>{FILLER * 5}</body></html>".encode()


def build_warc(path: Path, pages: list[tuple[str, bytes]], first_number: int) -> Path:
    records = [warc_record(url, http_response(body), first_number + i) for i, (url, body) in enumerate(pages)]
    records.append(warc_record("https://weather.example/logo.png", http_response(b"\x89PNG", "image/png"), 999))
    path.write_bytes(b"".join(records))
    return path
