"""Quality gate: micro F1 on the dev set never falls below the floor in eval_baseline.json.

In the style of trafilatura's ``tests/eval_gate.py``: one floor per slice (language),
raised when the extractor improves and never lowered silently. The dev set is not in the
repository; it lives in ``../shared/eval`` (CI lays a copy of shared/ beside the clone).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_ROOT = REPO.parent / "shared" / "eval"
BASELINE_PATH = Path(__file__).with_name("eval_baseline.json")
BASELINE = json.loads(BASELINE_PATH.read_text(encoding="utf-8"))
SLICES = sorted(k for k, v in BASELINE.items() if isinstance(v, dict))


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("civicwatch_bench_eval", REPO / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gold_root() -> Path:
    if not (GOLD_ROOT / "score.py").exists() or not (GOLD_ROOT / "dev").is_dir():
        pytest.skip(
            f"dev set not found at {GOLD_ROOT} (expected score.py and dev/): "
            "the F1 gate needs a copy of shared/ beside the repository"
        )
    return GOLD_ROOT


@pytest.mark.parametrize("language", SLICES)
def test_dev_f1_at_least_floor(gold_root: Path, language: str, tmp_path: Path) -> None:
    floor = BASELINE[language]["f1_min"]
    if floor <= 0:
        pytest.skip(f"no F1 floor for {language!r} yet (f1_min is {floor})")
    result = _load_eval_module().evaluate(gold_root, language, work_dir=tmp_path)
    summary = (
        f"{language}: F1 {result['f1']:.4f} (floor {floor:.4f}), P {result['precision']:.4f}, "
        f"R {result['recall']:.4f}, {result['matched']}/{result['gold']} gold matched, "
        f"{result['predicted']} predicted over {result['articles']} articles"
    )
    print(summary)
    assert result["f1"] >= floor, f"dev F1 fell below the floor: {summary}; see `make eval` for the misses"


def test_baseline_floors_are_valid() -> None:
    assert "en" in SLICES and "ru" in SLICES
    assert "only go up" in BASELINE.get("comment", "")
    for language in SLICES:
        floor = BASELINE[language].get("f1_min")
        assert isinstance(floor, (int, float)) and 0.0 <= floor <= 1.0, (language, floor)


def _committed_baselines() -> list[dict]:
    """Every committed version of eval_baseline.json (empty outside a git checkout)."""
    rel = BASELINE_PATH.relative_to(REPO).as_posix()

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout

    try:
        commits = git("log", "--format=%H", "--", rel).split()
        return [json.loads(git("show", f"{c}:{rel}")) for c in commits]
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError):
        return []


def test_floors_never_lowered_silently() -> None:
    """A floor below one committed earlier needs a 'lowered_because' reason beside it."""
    for earlier in _committed_baselines():
        for language, entry in earlier.items():
            if not isinstance(entry, dict):
                continue
            before = entry.get("f1_min", 0.0)
            current = BASELINE.get(language, {})
            now = current.get("f1_min", 0.0)
            if now < before:
                assert current.get("lowered_because"), (
                    f"{language} floor lowered from {before} to {now} without a 'lowered_because' reason"
                )
