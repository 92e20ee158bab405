"""Near-duplicate articles (civicwatch.store.dedup): a repost or syndicated copy of a stored story is stored
as a copy of it, without events; distinct articles, even on the same act, stay stories of their own.

Store tests run on SQLite and on PostgreSQL (when CIVICWATCH_TEST_PG is set; see conftest.py). Events are
made by hand, as in test_store.py, except where extraction itself is under test (the fake extractor).
"""

from __future__ import annotations

import itertools
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from civicwatch.model import Article as ArticleIn
from civicwatch.model import Event as EventIn
from civicwatch.pipeline import FileResult
from civicwatch.pipeline.ingest import ingest_paths, ingest_results
from civicwatch.store import connect, session
from civicwatch.store.dedup import (
    LSH_BANDS,
    MIN_SHINGLES,
    THRESHOLD,
    StoryIndex,
    body_words,
    jaccard,
    load_minhash,
    shingles,
    sign,
    story_articles,
)
from civicwatch.store.ingest import count_consistency_problems
from civicwatch.store.models import Article, Event, Mention

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
MERGE_TEXTS = sorted((ROOT / "tests" / "data" / "merge").glob("*.txt"))
LIQUIDATION = (ROOT / "samples" / "memorial-2021-supreme-court-liquidation.txt").read_text(encoding="utf-8")

# the same act in other words, naming the same entities: a report of its own, not a copy
LIQUIDATION_RETOLD = """Memorial ordered to close

The Supreme Court of Russia has dissolved International Memorial, granting the request of the Prosecutor
General's Office, which accused the group of breaking the law on foreign agents by failing to label its
materials. Memorial, which has spent more than thirty years documenting the crimes of the Soviet state,
was put on the foreign agent register in 2016. Its lawyers said the liquidation was politically motivated
and promised to challenge it. Amnesty International called the ruling an attack on civil society.
"""


def repost(original: str, intro: bool = True) -> str:
    """The text as another site reposts it: its own headline and byline, an intro line, a footer."""
    body = original.split("\n", 1)[1]
    lead = "This report was first published by our partners and is republished with their permission.\n\n"
    return (
        "Moscow court shuts down Memorial, Russia's oldest rights group\n\nBy a staff reporter\n12:40, 28.12.2021\n\n"
        + (lead if intro else "")
        + body.strip()
        + "\n\nRead more: https://example.org/news/2021/12/28/memorial\nShare on Facebook\nTags: Russia, Memorial\n"
    )


def lightly_edited(original: str) -> str:
    """House-style edits: a spelling, a number and a phrase changed (one edit per 50 to 80 words)."""
    edits = {"organization": "organisation", "three million": "3 million", "central Moscow": "the centre of Moscow"}
    edits |= {"Georgian Dream": "the ruling Georgian Dream party", "European Commission": "Commission"}
    edits |= {"news websites": "news sites"}
    for old, new in edits.items():
        original = original.replace(old, new, 1)
    return original


# ------------------------------------------------------------------------------------- texts


def test_page_furniture_is_not_compared() -> None:
    """Headline, byline, date line and footer lines are left out; the body is what is compared."""
    assert body_words(repost(LIQUIDATION, intro=False)) == body_words(LIQUIDATION)
    words = body_words(LIQUIDATION)
    assert words[:4] == ["russia", "s", "supreme", "court"] and "28" not in words[:6]  # the dateline is furniture
    assert "facebook" not in body_words(repost(LIQUIDATION))


def test_a_hard_wrapped_copy_reads_the_same() -> None:
    wrapped = "\n\n".join(textwrap.fill(p, 72) for p in LIQUIDATION.split("\n\n"))
    assert wrapped.count("\n") > LIQUIDATION.count("\n") + 10
    assert jaccard(shingles(wrapped), shingles(LIQUIDATION)) >= 0.9


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    "make_copy",
    [repost, lightly_edited, lambda t: repost(lightly_edited(t))],
    ids=["headline-byline-intro-footer", "light-edits", "both"],
)
def test_copies_are_above_the_threshold(sample: Path, make_copy) -> None:
    original = sample.read_text(encoding="utf-8")
    assert jaccard(shingles(original), shingles(make_copy(original))) >= THRESHOLD


def test_distinct_articles_are_far_below_the_threshold() -> None:
    """Every pair of the sample and merge-test articles: same site, same topic, the same act in other words
    (the merge test set reports acts also reported in the dev set), and LIQUIDATION_RETOLD."""
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES + MERGE_TEXTS] + [LIQUIDATION_RETOLD]
    highest = max(jaccard(shingles(a), shingles(b)) for a, b in itertools.combinations(texts, 2))
    assert highest < THRESHOLD / 4


def test_the_lsh_bands_find_a_story_at_the_threshold() -> None:
    """The probability that a story of similarity s is a candidate is 1 - (1 - s^rows)^bands."""
    bands, rows = LSH_BANDS
    assert bands * rows <= 128

    def candidate(s: float) -> float:
        return 1 - (1 - s**rows) ** bands

    assert candidate(THRESHOLD) > 0.99 and candidate(0.1) < 0.001


def test_short_texts_are_not_compared() -> None:
    short = "Memorial was fined on Tuesday. The court gave no reasons for its decision."
    assert len(shingles(short)) < MIN_SHINGLES
    assert sign(short).minhash is None and sign(short).stored() == b""
    signature = sign(LIQUIDATION)
    assert load_minhash(signature.stored()).jaccard(signature.minhash) == 1.0


# ------------------------------------------------------------------------------------- the store


@pytest.fixture
def engine(store_engine):
    return store_engine


def article(body: str, url: str | None = None, name: str = "a.txt", published: str = "2021-12-28") -> ArticleIn:
    return ArticleIn(text=body, published=date.fromisoformat(published), url=url, source=f"/news/{name}")


def liquidation_events() -> list[EventIn]:
    """What the extractor finds in LIQUIDATION and its copies: the liquidation and Amnesty's condemnation."""
    return [
        EventIn(
            type="closure",
            subtype="forced_liquidation",
            status="occurred",
            targets=["International Memorial"],
            actor="Supreme Court",
            date="2021-12-28",
            country="RU",
            evidence="Russia's Supreme Court on Tuesday ordered the liquidation of International Memorial",
        ),
        EventIn(
            type="reaction",
            subtype="condemnation",
            status="occurred",
            targets=["International Memorial"],
            actor="Amnesty International",
            date="2021-12-28",
            country="RU",
            evidence="Amnesty International condemned the decision",
        ),
    ]


def store(engine, *articles: ArticleIn):
    results = list(
        ingest_results(engine, [FileResult(Path(a.source), article=a, events=liquidation_events()) for a in articles])
    )
    assert all(r.ok for r in results), [r.reason for r in results]
    return results


def counts(engine) -> tuple[int, int, int]:
    with session(engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Article, Event, Mention))


def test_a_repost_is_stored_as_a_copy_of_its_story_without_events(engine) -> None:
    [first] = store(engine, article(LIQUIDATION, url="https://news.example/memorial"))
    assert first.story_id is None and first.new_events == 2
    [copy] = store(engine, article(repost(LIQUIDATION), url="https://repost.example/memorial", name="b.txt"))
    assert copy.status == "stored" and copy.story_id == first.article_id
    assert (copy.events, copy.new_events, copy.merged) == (0, 0, 0)
    assert f"a copy of article {first.article_id}" in copy.reason
    assert counts(engine) == (2, 2, 2)  # one set of events, reported by the first article only
    with session(engine) as s:
        assert [a.id for a in story_articles(s, copy.article_id)] == [first.article_id, copy.article_id]
        assert story_articles(s, first.article_id) == story_articles(s, copy.article_id)
        stored_copy = s.get(Article, copy.article_id)
        assert stored_copy.url == "https://repost.example/memorial" and stored_copy.event_count == 0
        assert stored_copy.minhash  # signed, though not indexed: lookups compare with a story's first article
        assert all(e.source_count == 1 for e in s.scalars(select(Event)))
        assert count_consistency_problems(s) == []


def test_later_copies_join_the_first_story(engine) -> None:
    [first] = store(engine, article(LIQUIDATION))
    copies = store(
        engine,
        article(repost(LIQUIDATION), name="b.txt"),
        article(lightly_edited(LIQUIDATION), name="c.txt"),
        article(repost(lightly_edited(LIQUIDATION), intro=False), name="d.txt"),
    )
    assert [c.story_id for c in copies] == [first.article_id] * 3
    assert counts(engine) == (4, 2, 2)
    with session(engine) as s:
        assert len(story_articles(s, first.article_id)) == 4


def test_the_same_act_in_other_words_is_a_story_of_its_own(engine) -> None:
    """Different wording, same entities: two stories, whose reports merge.py makes one event each."""
    first, other = store(engine, article(LIQUIDATION), article(LIQUIDATION_RETOLD, name="b.txt"))
    assert first.story_id is None and other.story_id is None
    assert (other.events, other.merged) == (2, 2)
    assert counts(engine) == (2, 2, 4)
    with session(engine) as s:
        assert sorted(e.source_count for e in s.scalars(select(Event))) == [2, 2]


def test_ingesting_again_changes_nothing(engine) -> None:
    texts = [article(LIQUIDATION, url="https://a.example/1"), article(repost(LIQUIDATION), url="https://b.example/1")]
    store(engine, *texts)
    before = counts(engine)
    again = store(engine, *texts)
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    same_text = store(engine, article(repost(LIQUIDATION), url="https://c.example/1", name="c.txt"))
    assert same_text[0].status == "duplicate"  # the copy's own text, under another URL: an exact duplicate
    assert counts(engine) == before == (2, 2, 2)


def test_short_near_duplicates_are_stories_of_their_own(engine) -> None:
    short = "Memorial was liquidated on Tuesday, its lawyers said."
    store(engine, article(short), article(short + " They will appeal.", name="b.txt"))
    with session(engine) as s:
        assert s.scalars(select(Article.story_id)).all() == [None, None]
        assert s.scalars(select(Article.minhash)).all() == [b"", b""]


def test_the_index_is_built_from_the_database(engine) -> None:
    """Each ingest run builds its index from the stored signatures: stories' first articles only."""
    [first] = store(engine, article(LIQUIDATION))
    store(engine, article(repost(LIQUIDATION), name="b.txt"), article("Too short to compare.", name="c.txt"))
    [other] = store(engine, article((ROOT / "samples" / "meduza-2021-foreign-agent.txt").read_text(), name="d.txt"))
    index = StoryIndex()
    with session(engine) as s:
        assert index.refresh(s) == 2 and len(index) == 2
        assert index.refresh(s) == 0  # nothing new
        match = index.find(s, sign(lightly_edited(LIQUIDATION)))
        assert match is not None and match.story_id == first.article_id and THRESHOLD <= match.similarity < 1
        assert index.find(s, sign(LIQUIDATION_RETOLD)) is None
    assert other.story_id is None


def test_ingest_paths_does_not_extract_a_copy(engine, tmp_path: Path) -> None:
    extracted: list[str] = []

    def extract(text: str, **_) -> list[EventIn]:
        extracted.append(text)
        return liquidation_events()

    (tmp_path / "1-original.txt").write_text(LIQUIDATION, encoding="utf-8")
    (tmp_path / "2-repost.txt").write_text(repost(LIQUIDATION), encoding="utf-8")
    results = list(ingest_paths(engine, [tmp_path], extractor=lambda article: extract(article.text)))
    assert [r.status for r in results] == ["stored", "stored"]
    assert results[1].story_id == results[0].article_id and results[1].events == 0
    assert extracted == [LIQUIDATION]
    assert counts(engine) == (2, 2, 2)
    assert [r.status for r in ingest_paths(engine, [tmp_path], extractor=lambda a: extract(a.text))] == [
        "duplicate",
        "duplicate",
    ]
    assert len(extracted) == 1


def test_migration_0003_signs_the_articles_stored_before_it(db_url: str) -> None:
    from alembic import command

    from civicwatch.store.engine import _alembic_config, make_engine

    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0002")
        for i, body in enumerate([LIQUIDATION, "Too short to compare."]):
            connection.execute(
                text(
                    "INSERT INTO articles (url, text, text_hash, event_count, ingested_at) "
                    "VALUES (:url, :text, :hash, 0, CURRENT_TIMESTAMP)"
                ),
                {"url": f"https://old.example/{i}", "text": body, "hash": f"{i:064d}"},
            )
    engine.dispose()
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
    engine.dispose()
    engine = connect(db_url)
    with session(engine) as s:
        signed = {article_id: minhash for article_id, minhash in s.execute(select(Article.id, Article.minhash))}
        first = min(signed)
        assert load_minhash(signed[first]).jaccard(sign(LIQUIDATION).minhash) == 1.0 and signed[first + 1] == b""
    [copy] = store(engine, article(repost(LIQUIDATION), name="b.txt"))
    assert copy.story_id == first
    engine.dispose()
