"""`make demo`'s data (issue 14): the bundled samples report every event type of the schema, the demo imports
a register (the bundled excerpt when ../shared/registries is absent) so that verdicts show, the excerpt
holds no birth date or pension number, and the dashboard's most targeted are no extraction noise."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from civicwatch.cli import app
from civicwatch.model import EVENT_TYPES
from civicwatch.store import browse, connect
from civicwatch.store.models import Event
from civicwatch.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
EXCERPT = SAMPLES / "registers" / "ru_minjust_foreign_agents_excerpt_2024-10-01.json"


def run(*args: str | Path):
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_shows_every_type_register_verdicts_and_a_clean_front_page(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    run("ingest", SAMPLES, "--db", db)
    imported = run("registry", "import", EXCERPT, "--kind", "ru-foreign-agents", "--db", db)
    assert "0 problems" in imported and re.search(r"news events checked: .*\d+ confirmed", imported)

    engine = connect(db)
    with Session(engine) as session:
        reported = set(session.scalars(select(Event.type).where(Event.evidence_article_id.is_not(None))))
        assert reported == set(EVENT_TYPES)  # the samples alone report every type
        assert session.scalar(select(func.count()).select_from(Event)) > 20
    browse.invalidate_caches()
    client = TestClient(create_app(db))
    verdicts = json.loads(run("events", "--db", db, "--format", "json"))["data"]
    checked = {e["registry_check"]["verdict"] for e in verdicts if e.get("registry_check")}
    assert "confirmed" in checked  # not every event says "not checked"

    board = client.get("/api/stats").json()
    assert board["most_targeted"] and all(t["events"] >= browse.MIN_TARGET_EVENTS for t in board["most_targeted"])
    assert any("Memorial" in t["name"] or "Мемориал" in t["name"] for t in board["most_targeted"])
    engine.dispose()


def test_the_register_excerpt_keeps_public_facts_about_organisations_only():
    entries = json.loads(EXCERPT.read_text(encoding="utf-8"))
    assert 5 <= len(entries) <= 20
    for entry in entries:
        assert set(entry) <= {"id", "fullName", "ogrn", "inn", "regNum", "law", "dateIn", "dateOut"}
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", entry["dateIn"])
        assert not re.search(r"\d{3}-\d{3}-\d{3} \d\d", json.dumps(entry, ensure_ascii=False))  # no SNILS
        assert len(entry["inn"]) in (0, 10)  # organisations' tax numbers only (a person's has 12 digits)


def test_make_demo_imports_the_shared_register_or_the_bundled_excerpt():
    def register(shared: str) -> str:
        plan = subprocess.run(["make", "-n", "demo", f"SHARED={shared}"], cwd=ROOT, capture_output=True, text=True)
        return next(line for line in plan.stdout.splitlines() if "registry import" in line)

    assert "samples/registers/ru_minjust_foreign_agents_excerpt_2024-10-01.json" in register("/nonexistent")
    shared = ROOT.parent / "shared"
    if (shared / "registries" / "ru_minjust_foreign_agents_2025-08-15.xlsx").exists():
        assert "ru_minjust_foreign_agents_2025-08-15.xlsx" in register(str(shared))
