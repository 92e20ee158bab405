"""Training the extractor's models from annotated articles, and measuring them honestly.

A corpus is a folder of ``NAME.txt`` + ``NAME.gold.json`` (+ ``NAME.meta.json``), the
evaluation's format. Every article is analysed once (``Reader.analyze``: parse, candidates,
features); gold events then label the candidates:

- a gold event's evidence sentence holds its candidate: the trigger whose lexicon type is the
  event's, with an argument naming a gold target, is preferred; that candidate gets the type;
  the other candidates of the article are "none", except other mentions of a gold act and
  optional events (boilerplate, acts the schema leaves open), which are left out of training;
- on a labelled candidate, each argument naming a gold target is a target, one naming the gold
  actor an actor.

Models are scikit-learn logistic regressions (``learn`` keeps only their weights).
``cross_validate`` scores k folds by article, each fold by models that never saw it.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

from civicwatch.extract.backends import one_thread
from civicwatch.extract.learn import NONE, LinearModel, Models, crossed, with_language
from civicwatch.extract.reader import Analysis, Candidate, Reader
from civicwatch.extract.relevance import Relevance, fit_relevance
from civicwatch.extract.scoring import entity_names, name_matches, score

SEED = 13
SEED_CORPUS = Path(__file__).parent / "seed"  # hand-written items of canonical constructions (our own words)
OFFTOPIC = "offtopic"  # the seed corpus's folder of pages with no civic-space event (relevance models only)
FOLDS = 5
# per model: regularisation C, and whether classes are weighted to balance (chosen by cross-validation: the
# argument models at 0.25 rather than 0.5, mean of three fold seeds 0.7325 -> 0.7348; 0.125 or 1.0 lower)
SETTINGS = (
    ("events", 0.5, True),
    ("subtypes", 0.5, False),
    ("targets", 0.25, False),
    ("actors", 0.25, False),
)
# relevance: an article whose relevance score (relevance.py) is lower holds no events
# a reaction always has a speaker, so its likeliest argument is its actor at a lower probability ("reaction_actor":
# over three fold seeds, actor accuracy 0.801 -> 0.812, 0.808 -> 0.818, 0.794 -> 0.797 and F1 unchanged)
# the sentence vectors' columns in the event model: their weight against the string features (with L2
# regularisation, a larger scale lets the vectors speak more; chosen by cross-validation)
VECTOR_SCALE = 4.0
# "event:<language>:<type>": a type's own event threshold in one language. English reports of arrests, charges
# and searches are the most frequent and the most often background or misread ("won a case against the
# government"): at 0.7, three fold seeds' mean English F1 0.712 -> 0.719 (0.6: 0.713, 0.65: 0.717, 0.75: 0.715);
# raising another type's threshold, in either language, gains 0.003 or less
THRESHOLDS = {
    "event": 0.5,
    "event:en:prosecution": 0.7,
    "target": 0.15,
    "target_weight": 0.3,
    "actor": 0.5,
    "reaction_actor": 0.15,
    "relevance": 0.5,
}


@dataclass
class Document:
    name: str
    language: str
    text: str
    published: str | None
    gold: dict


@dataclass
class Labels:
    """What one article teaches: rows of (features, label) for each model."""

    events: list[tuple[list[str], str]] = field(default_factory=list)
    event_vectors: list[tuple[float, ...] | None] = field(default_factory=list)  # each event row's sentence vector
    subtypes: list[tuple[list[str], str]] = field(default_factory=list)
    targets: list[tuple[list[str], str]] = field(default_factory=list)
    actors: list[tuple[list[str], str]] = field(default_factory=list)
    found: int = 0  # gold events with a candidate
    reachable: int = 0  # ... and a candidate argument naming a target
    gold: int = 0


def load_corpus(folder: Path) -> list[Document]:
    documents = []
    for gold_path in sorted(Path(folder).glob("*.gold.json")):
        name = gold_path.name[: -len(".gold.json")]
        text_path = gold_path.with_name(name + ".txt")
        if not text_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        meta_path = gold_path.with_name(name + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        published = meta.get("published") or gold.get("published")
        text = text_path.read_text(encoding="utf-8")
        documents.append(Document(name, gold.get("language") or "en", text, published, gold))
    return documents


def analyze_all(documents: list[Document], progress: Callable[[int, int], None] | None = None) -> list[Analysis]:
    readers: dict[str, Reader] = {}
    analyses = []
    for n, doc in enumerate(documents):
        reader = readers.setdefault(doc.language, Reader(doc.language))
        analyses.append(reader.analyze(doc.text, doc.published))
        if progress:
            progress(n + 1, len(documents))
    return analyses


# -- labelling -------------------------------------------------------------------------------
def _evidence_span(text: str, evidence: str) -> tuple[int, int] | None:
    start = text.find(evidence)
    if start >= 0:
        return start, start + len(evidence)
    words = re.findall(r"\w+", evidence)[:12]
    if len(words) >= 3:
        pattern = r"\W+".join(re.escape(w) for w in words)
        match = re.search(pattern, text)
        if match:
            return match.start(), match.start() + len(evidence)
    return None


def _types(event: dict) -> set[str]:
    kind = event.get("type")
    return set(kind) if isinstance(kind, list) else {str(kind)}


def _names(gold: dict, values) -> list[str]:
    names: list[str] = []
    for value in values if isinstance(values, list) else [values]:
        if value:
            names += entity_names(gold, value)
    return names


def _target_names(gold: dict, event: dict) -> list[str]:
    return [n for key in event.get("targets") or [] for n in entity_names(gold, key)]


def label(doc: Document, analysis: Analysis) -> Labels:
    labels = Labels()
    gold = doc.gold
    assigned: dict[int, dict] = {}  # candidate index -> gold event
    ignored: set[int] = set()
    candidates = analysis.candidates
    required = [(e, True) for e in gold.get("events", [])]
    optional = [(e, False) for e in gold.get("optional_events", [])]
    labels.gold = len(required)
    for event, counted in required + optional:
        span = _evidence_span(doc.text, event.get("evidence", ""))
        if span is None:
            continue
        names = _target_names(gold, event)
        pool = []
        for index, candidate in enumerate(candidates):
            sentence = analysis.items[candidate.item].sentence
            if sentence.end <= span[0] or sentence.start >= span[1] or index in assigned:
                continue
            hinted = bool(_types(event) & {h.type for h in candidate.hints})
            named = any(name_matches(a.name, names) for a in candidate.arguments)
            framed = any(
                name_matches(a.name, names)
                for a in candidate.arguments
                if any(f.startswith("frame=target") for f in a.features)
            )
            pool.append((3 * hinted + 2 * named + framed, -abs(candidate.trigger), index, named))
        if not pool:
            continue
        best = max(pool)
        if counted:
            assigned[best[2]] = event
            labels.found += 1
            labels.reachable += best[3]
        else:
            ignored.add(best[2])
    # other mentions of a gold act teach nothing either way: a candidate of a gold event's type in its
    # evidence sentence, or one with an argument naming the event's target
    spans = [
        (_types(e), _evidence_span(doc.text, e.get("evidence", "")), _target_names(gold, e))
        for e, _ in required + optional
    ]
    for index, candidate in enumerate(candidates):
        if index in assigned or index in ignored:
            continue
        types = {h.type for h in candidate.hints}
        sentence = analysis.items[candidate.item].sentence
        for kinds, span, names in spans:
            if not kinds & types:
                continue
            same_sentence = span is not None and sentence.start < span[1] and sentence.end > span[0]
            if same_sentence or any(name_matches(a.name, names) for a in candidate.arguments):
                ignored.add(index)
                break
    for index, candidate in enumerate(candidates):
        if index in ignored:
            continue
        event = assigned.get(index)
        labels.events.append((candidate.features, event["type"] if event else NONE))
        labels.event_vectors.append(analysis.items[candidate.item].vector)
        if event is None:
            continue
        subtype = event.get("subtype")
        subtype = subtype[0] if isinstance(subtype, list) else subtype
        labels.subtypes.append((candidate.features, f"{event['type']}/{subtype}"))
        _label_arguments(labels, gold, event, candidate)
    return labels


def _label_arguments(labels: Labels, gold: dict, event: dict, candidate: Candidate) -> None:
    targets = _target_names(gold, event)
    actors = _names(gold, event.get("actor"))
    kind = event["type"]
    for argument in candidate.arguments:
        features = crossed(kind, argument.features)
        labels.targets.append((features, "yes" if name_matches(argument.name, targets) else "no"))
        labels.actors.append((features, "yes" if actors and name_matches(argument.name, actors) else "no"))


# -- fitting -----------------------------------------------------------------------------------
def _fit(
    rows: list[tuple[list[str], str]],
    c: float,
    language_of: list[str | None],
    balanced: bool = False,
    vectors: list[tuple[float, ...] | None] | None = None,
) -> LinearModel:
    """A logistic regression over the rows' string features, and over their sentence vectors when given
    (columns scaled by ``VECTOR_SCALE``, the scale folded into the weights: models read unit vectors)."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(
        [dict.fromkeys(with_language(f, lang), 1) for (f, _), lang in zip(rows, language_of, strict=True)]
    )
    width = next((len(v) for v in vectors or [] if v is not None), 0)
    if width:
        dense = np.zeros((len(rows), width))
        for n, vector in enumerate(vectors or []):
            if vector is not None:
                dense[n] = vector
        matrix = sparse.hstack([matrix, sparse.csr_matrix(dense * VECTOR_SCALE)]).tocsr()
    targets = [y for _, y in rows]
    classes = sorted(set(targets))
    if len(classes) == 1:  # nothing to tell apart: a constant model
        return LinearModel(classes, {}, [0.0])
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED, class_weight="balanced" if balanced else None)
    with one_thread():
        model.fit(matrix, targets)
    names = vectorizer.get_feature_names_out()
    coef = model.coef_
    vector_weights = [[float(w) * VECTOR_SCALE for w in row[len(names) :]] for row in coef] if width else None
    weights: dict[str, list[float]] = {}
    for j, feature in enumerate(names):
        column = [float(coef[k, j]) for k in range(coef.shape[0])]
        if max(abs(x) for x in column) >= 1e-4:
            weights[str(feature)] = column
    return LinearModel([str(c) for c in model.classes_], weights, [float(b) for b in model.intercept_], vector_weights)


def fit(labelled: list[tuple[str, Labels]], version: str, thresholds: dict[str, float] | None = None) -> Models:
    """One model set from labelled articles of one or several languages (features get a language copy)."""

    def rows(attr: str) -> tuple[list[tuple[list[str], str]], list[str | None]]:
        out: list[tuple[list[str], str]] = []
        langs: list[str | None] = []
        for language, labels in labelled:
            part = getattr(labels, attr)
            out += part
            langs += [language] * len(part)
        return out, langs

    vectors = [v for _, labels in labelled for v in labels.event_vectors]
    models = {}
    for attr, c, balanced in SETTINGS:
        data, langs = rows(attr)
        models[attr] = _fit(data, c, langs, balanced, vectors if attr == "events" else None)
    return Models(
        version,
        "*",
        models["events"],
        models["subtypes"],
        models["targets"],
        models["actors"],
        thresholds=dict(thresholds or THRESHOLDS),
    )


def for_language(models: Models, language: str, relevance: Relevance | None = None) -> Models:
    """The weights one language uses: the shared ones and its own (and its relevance model, if given)."""

    def keep(model: LinearModel) -> LinearModel:
        weights = {f: w for f, w in model.weights.items() if ":" not in f.split("=")[0] or f.startswith(language + ":")}
        return LinearModel(model.classes, weights, model.bias, model.dense)

    return Models(
        models.version,
        language,
        keep(models.events),
        keep(models.subtypes),
        keep(models.targets),
        keep(models.actors),
        dict(models.thresholds),
        relevance,
    )


def relevance_models(documents: list[Document]) -> dict[str, Relevance | None]:
    """Per language, a relevance model from its articles (with events: relevant; without: not)."""
    by_language: dict[str, list[Document]] = {}
    for document in documents:
        by_language.setdefault(document.language, []).append(document)
    return {
        language: fit_relevance([d.text for d in docs], [bool(d.gold.get("events")) for d in docs])
        for language, docs in by_language.items()
    }


# -- evaluation ------------------------------------------------------------------------------
def predictions(analysis: Analysis, models: Models) -> list[dict]:
    reader = Reader(analysis.language, models=models)
    return [e.to_dict() for e in reader.decide(analysis, models) if not e.boilerplate]


def folds_of(documents: list[Document], k: int = FOLDS, seed: int = SEED) -> list[int]:
    """Fold per article: shuffled within each language, so every fold has both."""
    fold = [0] * len(documents)
    rng = random.Random(seed)
    for language in sorted({d.language for d in documents}):
        members = [i for i, d in enumerate(documents) if d.language == language]
        rng.shuffle(members)
        for n, i in enumerate(members):
            fold[i] = n % k
    return fold


def cross_validate(
    documents: list[Document],
    analyses: list[Analysis],
    k: int = FOLDS,
    thresholds: dict[str, float] | None = None,
    always: list[tuple[str, Labels]] | None = None,
    always_documents: list[Document] | None = None,
) -> tuple[dict[str, dict], list[list[dict]]]:
    """Scores over all articles, each predicted by models trained on the other folds (and on
    ``always``, labelled examples that are never scored: the seed corpus, whose articles,
    ``always_documents``, also train each fold's relevance models)."""
    labelled = [(d.language, label(d, a)) for d, a in zip(documents, analyses, strict=True)]
    fold = folds_of(documents, k)
    predicted: list[list[dict]] = [[] for _ in documents]
    for f in range(k):
        train = [labelled[i] for i in range(len(documents)) if fold[i] != f] + list(always or [])
        models = fit(train, f"cv-{f}", thresholds)
        relevance = relevance_models(
            [documents[i] for i in range(len(documents)) if fold[i] != f] + list(always_documents or [])
        )
        for i in range(len(documents)):
            if fold[i] == f:
                language = documents[i].language
                predicted[i] = predictions(analyses[i], for_language(models, language, relevance.get(language)))
    return report(documents, predicted), predicted


def report(documents: list[Document], predicted: list[list[dict]]) -> dict[str, dict]:
    result = {"all": score((d.gold, p) for d, p in zip(documents, predicted, strict=True))}
    for language in sorted({d.language for d in documents}):
        pairs = [(d.gold, p) for d, p in zip(documents, predicted, strict=True) if d.language == language]
        result[language] = score(pairs)
    return result


def gold_digest(folder: Path) -> str:
    """sha256 over the sorted gold file names and bytes (the evaluation gate pins the same digest)."""
    digest = sha256()
    for path in sorted(Path(folder).glob("*.gold.json")):
        data, name = path.read_bytes(), path.name.encode("utf-8")
        digest.update(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big") + data)
    return "sha256:" + digest.hexdigest()


def train(
    corpus: Path, out: Path, k: int = FOLDS, log: Callable[[str], None] = print, seed: Path | None = SEED_CORPUS
) -> dict:
    """Analyse the corpus, cross-validate, fit on everything, write models and report to ``out``.

    The seed corpus (hand-written items of canonical constructions, shipped in the package) is
    part of every training set and of no test fold."""
    documents = load_corpus(corpus)
    seeds = load_corpus(seed) if seed is not None and seed.is_dir() else []
    # pages off the topic (sport, markets, reviews...): they train the relevance models only
    offtopic = load_corpus(seed / OFFTOPIC) if seed is not None and (seed / OFFTOPIC).is_dir() else []
    log(f"{len(documents)} articles from {corpus}, {len(seeds)} seed items, {len(offtopic)} off-topic pages")
    models, summary = build(documents, seeds, k, log, offtopic=offtopic)
    summary["corpus"]["digest"] = gold_digest(corpus)
    write(models, summary, out, log)
    return summary


def build(
    documents: list[Document],
    seeds: list[Document],
    k: int = FOLDS,
    log: Callable[[str], None] = print,
    analyses: list[Analysis] | None = None,
    offtopic: list[Document] | None = None,
) -> tuple[dict[str, Models], dict]:
    """Cross-validate on ``documents`` (``seeds`` in every training fold, never scored; ``offtopic`` pages
    train the relevance models only), then fit on all of them: each language's models (those of the
    documents and the seeds) and the report (``write`` saves both). ``analyses``: those of
    ``documents + seeds`` when already made."""
    started = time.perf_counter()
    offtopic = list(offtopic or [])

    def progress(n: int, total: int) -> None:
        if n % 20 == 0 or n == total:
            log(f"  analysed {n}/{total}")

    if analyses is None:
        analyses = analyze_all(documents + seeds, progress)
    labelled = [(d.language, label(d, a)) for d, a in zip(documents + seeds, analyses, strict=True)]
    corpus_labels, seed_labels = labelled[: len(documents)], labelled[len(documents) :]
    gold = sum(lab.gold for _, lab in corpus_labels)
    found = sum(lab.found for _, lab in corpus_labels)
    reachable = sum(lab.reachable for _, lab in corpus_labels)
    log(f"gold events {gold}: with a candidate {found}, with a candidate naming a target {reachable}")
    cv, _ = cross_validate(
        documents, analyses[: len(documents)], k, always=seed_labels, always_documents=seeds + offtopic
    )
    for name, result in cv.items():
        scores = f"P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f}"
        log(f"cross-validated ({k} folds) {name}: {scores}")
    models = fit(labelled, "")
    relevance = relevance_models(documents + seeds + offtopic)
    weights = json.dumps(
        [models.to_json(), {k: r.to_json() if r else None for k, r in sorted(relevance.items())}], sort_keys=True
    ).encode("utf-8")
    models.version = datetime.now(UTC).strftime("%Y.%m.%d") + "-" + sha256(weights).hexdigest()[:8]
    languages = sorted({d.language for d in documents + seeds})
    summary = {
        "model_version": models.version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "languages": languages,
        "corpus": {"articles": len(documents), "gold_events": gold},
        "seed": {
            "items": len(seeds),
            "gold_events": sum(lab.gold for _, lab in seed_labels),
            "offtopic": len(offtopic),
        },
        "candidates": {"gold_with_candidate": found, "gold_with_target_candidate": reachable},
        "thresholds": THRESHOLDS,
        "cv": {"folds": k, "seed": SEED, **cv},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return {language: for_language(models, language, relevance.get(language)) for language in languages}, summary


def write(models: dict[str, Models], summary: dict, out: Path, log: Callable[[str], None] = print) -> None:
    """Save each language's models (``build``'s) and the report in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for language, language_models in sorted(models.items()):
        language_models.save(out / f"{language}.json.gz")
    (out / "report.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"models {summary['model_version']} written to {out} in {summary['seconds']} s")


def score_models(documents: list[Document], analyses: list[Analysis], models: Callable[[str], Models]) -> dict:
    """Scores (all, per language) of the models ``models(language)`` gives, on annotated documents."""
    predicted = [predictions(a, models(d.language)) for d, a in zip(documents, analyses, strict=True)]
    return report(documents, predicted)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m civicwatch.extract.training",
        description="Train the extractor's models on an annotated corpus (NAME.txt + NAME.gold.json), "
        "report cross-validated scores, and write models/<lang>.json.gz and models/report.json.",
    )
    parser.add_argument("corpus", type=Path, help="folder of annotated articles (e.g. ../shared/eval/train)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "models", help="where the models go")
    parser.add_argument("--folds", type=int, default=FOLDS, help=f"cross-validation folds (default {FOLDS})")
    parser.add_argument("--no-seed", action="store_true", help="leave out the shipped seed corpus")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")
    train(args.corpus, args.out, args.folds, seed=None if args.no_seed else SEED_CORPUS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
