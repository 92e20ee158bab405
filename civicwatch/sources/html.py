"""Turn a saved web page into an article: main text and metadata, without the page furniture.

trafilatura finds the article body (its text keeps one line per paragraph, which the
boilerplate marker and sentence splitter rely on) and the title, author and canonical
URL; htmldate, run by trafilatura on the same parsed tree, finds the publication date.
Everything that makes a page unusable becomes a ``SourceError`` with a one-line reason.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement

from civicwatch.core.text import strip_controls
from civicwatch.model import Article
from civicwatch.sources.files import (
    _CONTROL_BYTES,
    _MAX_CONTROL_RATIO,
    LoadedArticle,
    SourceError,
    _meta_or_warning,
    _read_bytes,
    decode_bytes,
    failure,
    without_controls,
)

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
EARLIEST_DATE = date(1990, 1, 1)  # nothing we monitor predates this; older "dates" are misreadings
NO_TEXT_REASON = "no article text found (the page is all boilerplate)"

# A page's own text has sentences; navigation, tag clouds and cookie buttons are runs of
# a few words. trafilatura falls back to such runs when it finds no body, so a text with
# no line this long is treated as no text at all. Scripts written without spaces
# (Chinese, Japanese, Thai) count characters instead.
MIN_PROSE_WORDS = 6
MIN_PROSE_UNSPACED_CHARS = 20
_UNSPACED_SCRIPT = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.I)
_SNIFF_BYTES = 4096  # browsers look for the meta charset in the first 1024 bytes; be generous
# WHATWG: pages labelled latin-1 or ASCII are decoded as windows-1252, its superset.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}
_LANG_CODE = re.compile(r"[a-z]{2,3}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def article_from_html(
    html: bytes | str, url: str | None = None, source: str | None = None, *, charset: str | None = None
) -> Article:
    """The article in a web page; raises SourceError naming ``source or url`` when there is none.

    ``url`` is where the page was fetched from; the page's canonical URL replaces it when
    the page declares a usable one. ``source`` is what error messages and
    ``Article.source`` name (a file path, a WARC record); it defaults to ``url``.
    ``charset`` is the one an HTTP header declared for bytes, if any. Nothing else is
    raised, whatever the page holds: one page must never end a batch.
    """
    name = source or url or "<html>"
    try:
        return _article(html, url, source, charset, name)
    except SourceError:
        raise
    except Exception as exc:  # a parser or library bug on one page becomes that page's error
        raise failure(name, exc) from exc


def _article(html: bytes | str, url: str | None, source: str | None, charset: str | None, name: str) -> Article:
    if isinstance(html, bytes):
        _check_bytes(html, name)
        html, _ = decode_html(html, charset)
    tree = parse_html(html, name)
    try:
        document = _extract(tree, url)
    except Exception as exc:  # a trafilatura or htmldate bug on one page must not end a batch
        raise SourceError(name, f"text extraction failed ({type(exc).__name__}: {exc})") from exc
    text = document.text.strip() if document is not None and document.text else ""
    text = strip_controls(text)
    if document is None or not _has_prose(text):
        raise SourceError(name, NO_TEXT_REASON, kind="no-text")
    article = Article(
        text=text,
        published=_guarded_date(document.date),
        url=_page_url(document.url, url),
        source=source or url,
        language=_declared_language(tree, text),
        title=document.title or _page_title(tree),
        author=document.author or None,
    )
    return without_controls(article)


def _page_title(tree: HtmlElement) -> str | None:
    """The page's og:title, else its <title>, when trafilatura's metadata has none."""
    found = tree.xpath("//meta[@property='og:title']/@content") + tree.xpath("//title//text()")
    return next((" ".join(text.split()) for text in found if isinstance(text, str) and text.strip()), None)


def _check_bytes(data: bytes, name: str) -> None:
    """Reject empty and binary data (images, PDFs, archives) before any parser sees it.

    Unlike text files, a page may hold a few stray NUL bytes (real pages do); the share of
    control bytes at its start decides, as binary formats are full of them from byte one.
    """
    if not data.strip():
        raise SourceError(name, "empty page")
    sample = data[:_SNIFF_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_RATIO * len(sample):
        raise SourceError(name, f"binary data, not HTML ({controls} control bytes in the first {len(sample)})")


def decode_html(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """(text, encoding) of a page's bytes.

    Valid UTF-8 is UTF-8 whatever the page declares: legacy bytes almost never form valid
    UTF-8 by chance, while pages labelled latin-1 but saved as UTF-8 are common. Otherwise the
    declared charset (HTTP header, else ``<meta charset>``) when the bytes decode with it, else
    the likeliest legacy code page, as for text files.
    """
    if data.startswith(codecs.BOM_UTF8):
        return decode_bytes(data)  # strips the byte-order mark
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for label in (charset, _meta_charset(data)):
        codec = _codec(label)
        if codec:
            try:
                return data.decode(codec), codec
            except (UnicodeError, LookupError):  # LookupError: a codec that is not a text encoding (rot13)
                continue  # a wrong declaration is common; try the next clue
    return decode_bytes(data)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def parse_html(html: str, name: str) -> HtmlElement:
    """The lxml tree of a page (lxml recovers from broken markup); SourceError for non-HTML input."""
    if not html.strip():
        raise SourceError(name, "empty page")
    html = html.replace("\x00", "")  # libxml2 stops at a NUL; the text after it is still the page
    try:
        tree = trafilatura.load_html(html)
    except (ValueError, TypeError) as exc:  # lxml rejects some inputs outright instead of recovering
        raise SourceError(name, f"not an HTML document ({exc})") from exc
    if tree is None:
        raise SourceError(name, "not an HTML document (no markup found)")
    return tree


def _extract(tree: HtmlElement, url: str | None) -> trafilatura.settings.Document | None:
    # with as_dict left False, bare_extraction returns a Document (or None), never the dict its hint allows
    return trafilatura.bare_extraction(  # type: ignore[return-value]
        tree,
        url=url,
        with_metadata=True,
        # Reader comments are not the article: their "should be banned" would become events.
        include_comments=False,
        # trafilatura hands these to htmldate.find_date on the tree it already parsed, so
        # the page is not parsed twice; min/max make htmldate skip implausible candidates
        # instead of returning them.
        date_extraction_params={
            "original_date": True,  # the first publication, not the last "updated" stamp
            "outputformat": "%Y-%m-%d",
            "extensive_search": True,
            "min_date": EARLIEST_DATE.isoformat(),
            "max_date": date.today().isoformat(),
        },
    )


def _has_prose(text: str) -> bool:
    return any(_is_prose(line) for line in text.splitlines())


def _is_prose(line: str) -> bool:
    return len(line.split()) >= MIN_PROSE_WORDS or len(_UNSPACED_SCRIPT.findall(line)) >= MIN_PROSE_UNSPACED_CHARS


def _guarded_date(value: str | None) -> date | None:
    """The page date when it is a real day between 1990 and today (htmldate's limits, checked again)."""
    if not value:
        return None
    try:
        found = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return found if EARLIEST_DATE <= found <= date.today() else None


def _page_url(canonical: str | None, fetched: str | None) -> str | None:
    """The canonical URL when it is absolute http(s) and names more than a site's front page.

    Some sites declare their home page as every article's canonical URL; that would make
    all their articles one, so the fetched URL is kept instead.
    """
    if not canonical:
        return fetched
    parts = urlsplit(canonical)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return fetched
    if fetched and parts.path in ("", "/") and not parts.query and urlsplit(fetched).path not in ("", "/"):
        return fetched
    return canonical


def _declared_language(tree: HtmlElement, text: str) -> str | None:
    """The page's declared language (``<html lang>``, Content-Language, og:locale) as an ISO 639 code.

    Site templates often declare one language for every page, so a declaration the text's
    script contradicts (English declared, Cyrillic text) is dropped and detection decides later.
    """
    code = _primary_subtag(_declared_tag(tree))
    if code is None:
        return None
    cyrillic, latin = len(_CYRILLIC.findall(text[:2000])), len(_LATIN.findall(text[:2000]))
    if (code == "ru" and latin > cyrillic) or (code != "ru" and cyrillic > latin):
        return None
    return code


def _declared_tag(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += root.xpath(
        "//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content"
        " | //meta[@property='og:locale']/@content"
    )
    return next((c for c in candidates if c and c.strip()), None)


def _primary_subtag(tag: str | None) -> str | None:
    if not tag:
        return None
    primary = re.split(r"[-_,;\s]", tag.strip().lower(), maxsplit=1)[0]
    return primary if _LANG_CODE.fullmatch(primary) else None


def load_html_file(path: Path) -> LoadedArticle:
    """Read a saved page and NAME.meta.json beside it, whose ``url`` and ``published`` win over the page's.

    Raises SourceError naming the file for an unusable page. A broken meta file does not stop the
    article, as for text files: it is ignored and described in ``meta_warning``.
    """
    path = Path(path)
    try:
        return _load_html_file(path)
    except SourceError:
        raise
    except Exception as exc:  # whatever the file holds, it costs this file only
        raise failure(path, exc) from exc


def _load_html_file(path: Path) -> LoadedArticle:
    data = _read_bytes(path)
    _check_bytes(data, str(path))
    text, encoding = decode_html(data)
    meta, warning = _meta_or_warning(path)
    article = article_from_html(text, url=meta.get("url"), source=str(path))
    # The meta file records what the collector knew; it beats what the page says about itself.
    if meta.get("url"):
        article.url = meta["url"]
    if meta.get("published"):
        article.published = meta["published"]
    return LoadedArticle(article=article, encoding=encoding, meta_warning=warning)


def read_html_file(path: Path) -> Article:
    """The article in a saved page (see ``load_html_file``); raises SourceError if it is unusable."""
    return load_html_file(path).article
