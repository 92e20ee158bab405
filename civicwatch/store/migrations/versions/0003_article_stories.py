"""article stories: articles.minhash and articles.story_id (near-duplicate copies, civicwatch.store.dedup)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Articles stored before this revision are signed here (their MinHash computed from their text); they
all stay stories of their own, since their events were extracted and merged already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_articles_story_id_articles"), "articles", ["story_id"], ["id"], ondelete="SET NULL"
        )
    _sign_stored_articles()


def _sign_stored_articles() -> None:
    from civicwatch.store.dedup import sign

    articles = sa.table(
        "articles", sa.column("id", sa.Integer), sa.column("text", sa.Text), sa.column("minhash", sa.LargeBinary)
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(articles.c.id, articles.c.text).where(articles.c.id > last).order_by(articles.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            articles.update().where(articles.c.id == sa.bindparam("article_id")).values(minhash=sa.bindparam("signed")),
            [{"article_id": article_id, "signed": sign(text).stored()} for article_id, text in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_articles_story_id_articles"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_column("story_id")
        batch_op.drop_column("minhash")
