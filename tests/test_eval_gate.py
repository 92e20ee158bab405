"""Quality gate: micro F1 per split and language never falls below the floors in eval_baseline.json.

In the style of trafilatura's ``tests/eval_gate.py``: one floor per slice, raised when the extractor
improves and never lowered silently. The gold splits are not in the repository; they live in
``../shared/eval`` (CI lays a copy of shared/ beside the clone). The baseline also pins each split's
gold files (count, events, digest), so an edited gold set cannot pass unnoticed. Without
``../shared`` the gate skips, except under CI (``CI`` set), where it fails.

Each split is extracted once per test session (``split_run``) and every language is scored from
the same predictions.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_ROOT = REPO.parent / "shared" / "eval"
BASELINE_PATH = Path(__file__).with_name("eval_baseline.json")
BASELINE = json.loads(BASELINE_PATH.read_text(encoding="utf-8"))
FIRST_LAYOUT_SPLIT = "dev"  # the first layout, {"en": {"f1_min": ...}, ...}, held dev floors only


def _load_eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("civicwatch_bench_eval", REPO / "bench" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EVAL = _load_eval_module()


NOT_A_SPLIT = {"cv"}  # floors on figures recorded by make train, not on a split extracted here


def slice_floors(baseline: dict) -> dict[tuple[str, str], dict]:
    """(split, language) -> that slice's entry ({"f1_min": ..., "lowered_because": ...}).

    Reads the current layout, {"dev": {"gold": {...}, "en": {...}, ...}, "train": {...}}, and the
    first one, {"en": {...}, "ru": {...}} (dev only), so that the history check spans both.
    """
    floors = {}
    for key, value in baseline.items():
        if not isinstance(value, dict):
            continue
        if "f1_min" in value:
            floors[(FIRST_LAYOUT_SPLIT, key)] = value
            continue
        for language, entry in value.items():
            if isinstance(entry, dict) and "f1_min" in entry:
                floors[(key, language)] = entry
    return floors


def pinned_gold(baseline: dict) -> dict[str, dict]:
    """split -> its pinned gold set ({"files", "events", "digest"})."""
    return {split: v["gold"] for split, v in baseline.items() if isinstance(v, dict) and "gold" in v}


def lowered_without_reason(earlier: dict, current: dict) -> list[str]:
    """One message per slice whose floor is below the earlier one with no 'lowered_because' beside it."""
    before, now = slice_floors(earlier), slice_floors(current)
    problems = []
    for key, entry in before.items():
        was = entry.get("f1_min", 0.0)
        entry_now = now.get(key, {})
        if entry_now.get("f1_min", 0.0) < was and not entry_now.get("lowered_because"):
            problems.append(
                f"{key[0]}/{key[1]} floor lowered from {was} to {entry_now.get('f1_min', 'nothing')} "
                "without a 'lowered_because' reason"
            )
    return problems


def pin_mismatch(split: str, pinned: dict, found) -> str | None:
    """A message saying how a split's gold set differs from its pin, or None when it matches."""
    differences = [
        f"{name} {getattr(found, name)} (pinned {pinned.get(name)})"
        for name in ("files", "events", "digest")
        if getattr(found, name) != pinned.get(name)
    ]
    if not differences:
        return None
    return (
        f"the gold set of {split}/ changed: " + "; ".join(differences) + ". If the change is deliberate, "
        "re-measure with `make eval` and update the pin and the floors in tests/eval_baseline.json together."
    )


def check_pin(gold_root: Path, split: str) -> None:
    message = pin_mismatch(split, PINS[split], EVAL.gold_set(gold_root / split))
    if message:
        pytest.fail(message, pytrace=False)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_gold_root(root: Path, splits: list[str]) -> Path:
    """The gold root, or a skip (a failure under CI) naming what is missing."""
    missing = [str(root / name) for name in ["score.py", *splits] if not (root / name).exists()]
    if missing:
        message = (
            f"evaluation data not found: {', '.join(missing)}; "
            "the F1 gate needs a copy of shared/ beside the repository"
        )
        if under_ci():
            pytest.fail(message + " (CI is set, so the gate fails rather than skips)", pytrace=False)
        pytest.skip(message)
    return root


FLOORS = {key: entry for key, entry in slice_floors(BASELINE).items() if key[0] not in NOT_A_SPLIT}
PINS = pinned_gold(BASELINE)


@pytest.fixture(scope="session")
def gold_root() -> Path:
    return require_gold_root(GOLD_ROOT, sorted({split for split, _ in FLOORS} | set(PINS)))


@pytest.fixture(scope="session")
def scorer(gold_root: Path) -> ModuleType:
    return EVAL.load_scorer(gold_root)


@pytest.fixture(scope="session")
def split_run(gold_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable:
    """split -> its SplitRun, extracting each split once per session."""
    runs = {}

    def get(split: str):
        if split not in runs:
            runs[split] = EVAL.extract_split(gold_root, split, tmp_path_factory.mktemp(f"eval-{split}"))
        return runs[split]

    return get


@pytest.mark.parametrize("split", sorted(PINS))
def test_gold_set_matches_pin(gold_root: Path, split: str) -> None:
    check_pin(gold_root, split)


@pytest.mark.parametrize(("split", "language"), sorted(FLOORS))
def test_f1_at_least_floor(gold_root: Path, scorer: ModuleType, split_run: Callable, split: str, language: str) -> None:
    check_pin(gold_root, split)
    floor = FLOORS[(split, language)]["f1_min"]
    if floor <= 0:
        pytest.skip(f"no F1 floor for {split}/{language} yet (f1_min is {floor})")
    run = split_run(split)
    result, _lines = EVAL.score_slice(scorer, run, language)
    summary = (
        f"{split}/{language}: F1 {result['f1']:.4f} (floor {floor:.4f}), P {result['precision']:.4f}, "
        f"R {result['recall']:.4f}, {result['matched']}/{result['gold']} gold matched, "
        f"{result['predicted']} predicted over {result['articles']} articles"
    )
    if run.failures:
        summary += f"; the CLI failed on {len(run.failures)} article(s) of {split}/"
    print(summary)
    assert result["f1"] >= floor, f"F1 fell below the floor: {summary}; see `make eval --split {split}`"


def test_baseline_is_valid() -> None:
    assert "only go up" in BASELINE.get("comment", "")
    for split in ("dev", "train"):
        for language in ("en", "ru"):
            assert (split, language) in FLOORS, f"no floor for {split}/{language}"
    for (split, language), entry in FLOORS.items():
        floor = entry.get("f1_min")
        assert isinstance(floor, (int, float)) and 0.0 <= floor <= 1.0, (split, language, floor)
        assert split in PINS, f"{split} has floors but no pinned gold set"
    for split, pin in PINS.items():
        assert isinstance(pin.get("files"), int) and pin["files"] > 0, (split, pin)
        assert isinstance(pin.get("events"), int) and pin["events"] > 0, (split, pin)
        digest = pin.get("digest", "")
        assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 64, (split, digest)


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
    """A floor below one committed earlier (in either layout) needs a 'lowered_because' reason beside it."""
    for earlier in _committed_baselines():
        problems = lowered_without_reason(earlier, BASELINE)
        assert not problems, problems


# ------------------------------------------------------- the gate's own machinery, on small inputs

FIRST_LAYOUT = {"comment": "floors only go up", "en": {"f1_min": 0.86}, "ru": {"f1_min": 0.88}}


def test_first_layout_is_read_as_dev_floors() -> None:
    assert slice_floors(FIRST_LAYOUT) == {("dev", "en"): {"f1_min": 0.86}, ("dev", "ru"): {"f1_min": 0.88}}
    dev_en = slice_floors(BASELINE)[("dev", "en")]
    assert dev_en["f1_min"] >= 0.86 or dev_en.get("lowered_because")


def test_lowering_across_layouts_needs_a_reason() -> None:
    current = {
        "dev": {"gold": {}, "en": {"f1_min": 0.80}, "ru": {"f1_min": 0.90}},
        "train": {"gold": {}, "en": {"f1_min": 0.45}},
    }
    problems = lowered_without_reason(FIRST_LAYOUT, current)
    assert len(problems) == 1 and problems[0].startswith("dev/en floor lowered from 0.86 to 0.8")
    current["dev"]["en"]["lowered_because"] = "gold set corrected"
    assert lowered_without_reason(FIRST_LAYOUT, current) == []
    # a train floor removed later is a floor lowered to nothing
    later = {"dev": current["dev"], "train": {"gold": {}}}
    assert lowered_without_reason(current, later) == [
        "train/en floor lowered from 0.45 to nothing without a 'lowered_because' reason"
    ]


def test_missing_shared_fails_under_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "no-shared" / "eval"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_gold_root(missing, ["dev", "train"])
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no-shared"):
        require_gold_root(missing, ["dev", "train"])


def test_pin_catches_edited_renamed_and_added_gold_files(tmp_path: Path) -> None:
    def write(name: str, events: int, note: str = "") -> None:
        gold = {"language": "en", "events": [{"type": "law", "targets": [f"t{i}"]} for i in range(events)], "n": note}
        (tmp_path / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")

    write("a", 2)
    write("b", 1)
    (tmp_path / "a.txt").write_text("not part of the pin", encoding="utf-8")
    pin = EVAL.gold_set(tmp_path)
    assert (pin.files, pin.events) == (2, 3)
    assert pin_mismatch("x", pin._asdict(), EVAL.gold_set(tmp_path)) is None

    write("b", 1, note="edited")
    edited = pin_mismatch("x", pin._asdict(), EVAL.gold_set(tmp_path))
    assert edited is not None and "digest" in edited and "files" not in edited and "events" not in edited
    write("b", 1)
    assert EVAL.gold_set(tmp_path) == pin

    (tmp_path / "b.gold.json").rename(tmp_path / "c.gold.json")
    assert EVAL.gold_set(tmp_path).digest != pin.digest
    write("d", 4)
    grown = pin_mismatch("x", pin._asdict(), EVAL.gold_set(tmp_path))
    assert grown is not None and "files 3 (pinned 2)" in grown and "events 7 (pinned 3)" in grown


# -- the trained layer's honest figure: cross-validated on train, recorded by `make train` ----------------
CV_FLOORS = BASELINE.get("cv", {})


@pytest.mark.parametrize("language", sorted(k for k, v in CV_FLOORS.items() if isinstance(v, dict) and "f1_min" in v))
def test_cross_validated_f1_at_least_floor(gold_root: Path, language: str) -> None:
    """models/report.json holds the 5-fold cross-validated scores of the shipped models' training run:
    it must describe the models that ship (same model_version), the pinned train set, and stay above
    its floors. Retraining (`make train`) rewrites it."""
    from civicwatch.extract.learn import load_models

    report, why_not = EVAL.load_cv_report()
    assert report is not None, why_not
    assert report["model_version"] == load_models(language).version, (
        "models/report.json does not describe the shipped models: run `make train` (it writes both)"
    )
    assert report["corpus"]["digest"] == PINS["train"]["digest"], "the models were trained on another train set"
    floor = CV_FLOORS[language]["f1_min"]
    result = report["cv"][language]
    assert result["f1"] >= floor, f"cross-validated {language} F1 {result['f1']:.4f} fell below its floor {floor}"
