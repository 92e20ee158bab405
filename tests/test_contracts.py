"""The contracts of the house (docs/ARCHITECTURE.md): the import rules hold, a module that breaks them fails
the check CI runs (`make lint`), and serving the web app loads nothing of reading, cleaning or extraction."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency (make setup)")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root`` with the contracts of ``root/pyproject.toml``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def house(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its contracts, to break on purpose."""
    root = tmp_path_factory.mktemp("house")
    shutil.copytree(REPO / "civicwatch", root / "civicwatch", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_import_contracts_hold() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("store/models.py", "import civicwatch.pipeline", "The store only persists and queries"),
        ("store/queries.py", "from civicwatch.extract.language import SUPPORTED", "The store only persists"),
        ("web/chart.py", "import civicwatch.sources.inputs", "The web app reads the store only"),
        ("extract/labels.py", "import civicwatch.store", "Reading, cleaning and extraction never import"),
        ("core/dates.py", "import civicwatch.model", "Layers"),
        ("pipeline/__init__.py", "import civicwatch.cli", "Layers"),
    ],
)
def test_a_deliberate_violation_fails(house: Path, module: str, line: str, contract: str) -> None:
    path = house / "civicwatch" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(f"{original}\n{line}  # a deliberate violation\n", encoding="utf-8")
        result = lint_imports(house)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert contract in " ".join(result.stdout.split())  # the report wraps long contract names


def test_serving_loads_nothing_of_reading_cleaning_or_extraction() -> None:
    # what the `civicwatch serve` process imports: the command line, then the app
    probe = (
        "import json, sys, civicwatch.cli, civicwatch.web.app; "
        "print(json.dumps(sorted({m.split('.')[0] if not m.startswith('civicwatch') else '.'.join(m.split('.')[:2]) "
        "for m in sys.modules})))"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout))
    stages = {"civicwatch.sources", "civicwatch.clean", "civicwatch.extract", "civicwatch.pipeline"}
    heavy = {"trafilatura", "fastwarc", "feedparser", "httpx", "spacy", "natasha", "datasketch", "alembic", "pyspark"}
    assert not loaded & stages
    assert not loaded & heavy
    assert {"civicwatch.store", "civicwatch.web", "fastapi", "sqlalchemy"} <= loaded


def test_the_package_extract_function_survives_importing_the_subpackage() -> None:
    probe = (
        "import civicwatch, civicwatch.pipeline, civicwatch.extract.merge; "
        "from civicwatch import extract; "
        "print(callable(civicwatch.extract), extract is civicwatch.extract, civicwatch.status_labels.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "status_labels"]


def test_the_architecture_page_names_the_layers_ci_checks() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [layers] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    expected = " → ".join(layer.replace("civicwatch.", "") for layer in layers["layers"])
    page = " ".join((REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split())
    assert f"`{expected}`" in page


def test_the_event_fields_are_declared_once() -> None:
    """core.schema.REPORT_FIELDS is the extractor's event (model.Event) without its extras; the ORM's events
    and mentions take their report columns from one mixin, and the read model carries them."""
    from dataclasses import fields

    from civicwatch.core.schema import REPORT_FIELDS
    from civicwatch.model import Event
    from civicwatch.store.models import Event as StoredEvent
    from civicwatch.store.models import Mention, ReportColumns
    from civicwatch.store.queries import EventOut

    assert {f.name for f in fields(Event)} - {"extra"} == set(REPORT_FIELDS)
    assert tuple(ReportColumns.__annotations__) == REPORT_FIELDS
    for table in (StoredEvent.__table__, Mention.__table__):
        assert set(REPORT_FIELDS) <= set(table.c.keys())
    assert set(REPORT_FIELDS) <= {f.name for f in fields(EventOut)}


def test_every_data_file_of_the_package_ships_in_its_wheel() -> None:
    """A data file the package-data globs miss is absent from a wheel install (and from the wheel Spark ships
    to its executors): the alias table and the laws were, while an editable install read them from the tree."""
    import fnmatch
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["civicwatch"]
    package = REPO / "civicwatch"
    tracked = subprocess.run(
        ["git", "ls-files", "civicwatch"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [Path(name).relative_to("civicwatch").as_posix() for name in tracked if not name.endswith(".py")]
    assert data and all((package / name).is_file() for name in data)
    missing = [name for name in data if not any(fnmatch.fnmatch(name, g.replace("**/", "*")) for g in globs)]
    assert missing == []
