"""knowledge base articles, revisions and their search index (issue 5)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import helpdesk_tui.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = helpdesk_tui.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    # Small columns first: SQLite reads them without following a long body's overflow pages.
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("search_flags", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_tags", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_articles_updated", "kb_articles", ["retired", "updated_at", "id"])
    op.create_table(
        "kb_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"]),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
        sa.ForeignKeyConstraint(["editor_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version"),
    )
    op.create_table(
        "kb_deflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kb_deflections_article", "kb_deflections", ["article_id"])
    op.create_table(
        "kb_solutions",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"]),
        sa.ForeignKeyConstraint(["linked_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    op.create_index("ix_kb_solutions_article_id", "kb_solutions", ["article_id"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("kb_fts_ai", "kb_fts_ad", "kb_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS kb_fts")
    op.drop_index("ix_kb_solutions_article_id", table_name="kb_solutions")
    op.drop_table("kb_solutions")
    op.drop_index("ix_kb_deflections_article", table_name="kb_deflections")
    op.drop_table("kb_deflections")
    op.drop_table("kb_revisions")
    op.drop_index("ix_kb_articles_updated", table_name="kb_articles")
    op.drop_table("kb_articles")


# The search reads the words the store prepared (search_title, search_tags, search_body: already
# lower case, unaccented and stemmed in Python), so both backends match the same words.
# SQLite: an FTS5 index over those columns (external content) kept by triggers.
# PostgreSQL: a stored tsvector, title weighted A, tags B, body D, with a GIN index.
SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE kb_fts USING fts5(
        search_title, search_tags, search_body, search_flags, content='kb_articles',
        content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER kb_fts_ai AFTER INSERT ON kb_articles BEGIN
        INSERT INTO kb_fts(rowid, search_title, search_tags, search_body, search_flags)
        VALUES (new.id, new.search_title, new.search_tags, new.search_body, new.search_flags);
    END""",
    """CREATE TRIGGER kb_fts_ad AFTER DELETE ON kb_articles BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, search_title, search_tags, search_body, search_flags)
        VALUES ('delete', old.id, old.search_title, old.search_tags, old.search_body, old.search_flags);
    END""",
    """CREATE TRIGGER kb_fts_au AFTER UPDATE OF search_title, search_tags, search_body, search_flags
        ON kb_articles BEGIN
        INSERT INTO kb_fts(kb_fts, rowid, search_title, search_tags, search_body, search_flags)
        VALUES ('delete', old.id, old.search_title, old.search_tags, old.search_body, old.search_flags);
        INSERT INTO kb_fts(rowid, search_title, search_tags, search_body, search_flags)
        VALUES (new.id, new.search_title, new.search_tags, new.search_body, new.search_flags);
    END""",
]
POSTGRES_SEARCH = [
    """ALTER TABLE kb_articles ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_tags), 'B')
        || setweight(to_tsvector('simple'::regconfig, search_body), 'D')) STORED""",
    # Title and tags alone: small, so ranking many title matches never reads the long bodies.
    """ALTER TABLE kb_articles ADD COLUMN search_head tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, search_tags), 'B')) STORED""",
    "CREATE INDEX ix_kb_articles_search ON kb_articles USING gin (search_doc)",
    "CREATE INDEX ix_kb_articles_search_head ON kb_articles USING gin (search_head)",
]
