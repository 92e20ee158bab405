"""A small store of articles and events for the web tests, ingested through the real store (no extractor).

English and Russian articles, events of several types, countries and dates, a hostile article (a
``<script>`` title, formula-like and markup-laden evidence) and a run of designations for pagination.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from civicwatch.model import Article, Event
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_results
from civicwatch.store import browse
from civicwatch.web.app import create_app

HOSTILE_TITLE = '<script>alert("owned")</script> & <b>bold</b>'
HOSTILE_TARGET = '=HYPERLINK("http://evil.example","click")'
HOSTILE_EVIDENCE = "+cmd|' /C calc'!A0 <script>alert(1)</script> & \"quoted\" \x07bell"
PAGED_EVENTS = 12  # designations of "Paged Org N" in one article, for walking pages


def _article(name: str, body: str, published: str, language: str, title: str) -> Article:
    return Article(
        text=f"{title}\n\n{body}",  # the store takes the first short line as the title
        published=date.fromisoformat(published),
        url=f"https://news.example/{name}",
        source=f"/news/{name}.txt",
        language=language,
        title=title,
    )


def _event(type_: str, subtype: str, targets: list[str], when: str | None, evidence: str, **fields) -> Event:
    fields.setdefault("country", "RU")
    fields.setdefault("confidence", 0.9)  # trusted by the dashboard's ranking (browse.MIN_TARGET_CONFIDENCE)
    return Event(
        type=type_,
        subtype=subtype,
        status=fields.pop("status", "occurred"),
        targets=targets,
        date=when,
        evidence=evidence,
        **fields,
    )


def stories() -> list[tuple[Article, list[Event]]]:
    memorial = _article(
        "memorial-designated",
        "The Justice Ministry designated Memorial a foreign agent. A Moscow court fined Memorial.",
        "2016-03-02",
        "en",
        title="Memorial designated a foreign agent",
    )
    liquidation = _article(
        "memorial-liquidated",
        "Верховный суд постановил ликвидировать «Мемориал» по иску прокуратуры.",
        "2021-12-29",
        "ru",
        title="Суд ликвидировал «Мемориал»",
    )
    hostile = _article("hostile", HOSTILE_EVIDENCE, "2020-01-02", "en", title=HOSTILE_TITLE)
    paged = _article(
        "paged", "A long list of designations.", "2019-06-01", "en", title="Many groups declared extremist"
    )
    return [
        (
            memorial,
            [
                _event(
                    "designation",
                    "foreign_agent",
                    ["Memorial"],
                    "2015-07",
                    "The Justice Ministry designated Memorial a foreign agent.",
                    actor="Justice Ministry",
                    evidence_start=len(memorial.text.split("\n\n")[0]) + 2,
                    evidence_end=len(memorial.text.split("\n\n")[0]) + 2 + 57,
                ),
                _event(
                    "sanction",
                    "fine",
                    ["Memorial"],
                    "2016-03-01",
                    "A Moscow court fined Memorial.",
                    actor="Moscow court",
                    location="Moscow",
                ),
            ],
        ),
        (
            liquidation,
            [
                _event(
                    "closure",
                    "forced_liquidation",
                    ["Мемориал"],
                    "2021-12-28",
                    "Верховный суд постановил ликвидировать «Мемориал» по иску прокуратуры.",
                    actor="Верховный суд",
                ),
            ],
        ),
        (
            hostile,
            [
                _event(
                    "designation",
                    "undesirable",
                    [HOSTILE_TARGET],
                    "2020-01-01",
                    HOSTILE_EVIDENCE,
                    country="BY",
                    actor="-minus actor",
                )
            ],
        ),
        (
            paged,
            [
                _event(
                    "designation",
                    "extremist",
                    [f"Paged Org {n}"],
                    f"2019-{1 + n % 5:02d}",
                    f"Paged Org {n} was declared extremist.",
                    country="KZ",
                )
                for n in range(PAGED_EVENTS)
            ]
            + [_event("law", "adopted", ["Foreign Agents Law"], None, "An undated law was adopted.", country="KZ")],
        ),
    ]


TOTAL_EVENTS = 2 + 1 + 1 + PAGED_EVENTS + 1


def fill(engine: Engine) -> None:
    results = ingest_results(engine, [FileResult(Path(a.source), article=a, events=e) for a, e in stories()])
    problems = [r.reason for r in results if not r.ok]
    assert not problems, problems
    browse.invalidate_caches()


def engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def client_for(engine: Engine, **options) -> TestClient:
    return TestClient(create_app(engine_url(engine), **options), raise_server_exceptions=False)
