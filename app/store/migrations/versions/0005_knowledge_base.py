"""Knowledge base: products keyed on UPL URI, dated fees, full-text index.

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), filled by the repository.
PostgreSQL: a stored tsvector with the 'dutch' configuration (stemming) and, when this role may
create the pg_trgm extension, a trigram index for typos. Without pg_trgm the search falls back to
full-text and prefix matching (fewer typos found); the repository checks which one it has.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    op.create_table(
        "knowledge_products",
        sa.Column("uri", sa.String(300), primary_key=True),
        sa.Column("naam", sa.String(200), nullable=False),
        sa.Column("naam_en", sa.String(200), nullable=False, server_default=""),
        sa.Column("code", sa.String(40), unique=True),
        sa.Column("samenvatting", sa.Text, nullable=False, server_default=""),
        sa.Column("voorwaarden", sa.Text, nullable=False, server_default=""),
        sa.Column("meenemen", sa.Text, nullable=False, server_default=""),
        sa.Column("levertijd", sa.Text, nullable=False, server_default=""),
        sa.Column("norm_werkdagen", sa.Integer),
        sa.Column("afspraak_nodig", sa.Boolean),
        sa.Column("kiosk_geschikt", sa.Text, nullable=False, server_default=""),
        sa.Column("kanalen", sa.Text, nullable=False, server_default=""),
        sa.Column("persoonlijk_verschijnen", sa.Text, nullable=False, server_default=""),
        sa.Column("wettelijke_termijn", sa.Text, nullable=False, server_default=""),
        sa.Column("bron", sa.Text, nullable=False, server_default=""),
        sa.Column("trefwoorden", sa.Text, nullable=False, server_default=""),
        sa.Column("is_curated", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_by", sa.String(100)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        sa.Column("search_name", sa.Text, nullable=False, server_default=""),
        sa.Column("search_keywords", sa.Text, nullable=False, server_default=""),
        sa.Column("search_body", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "knowledge_fees",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "product_uri",
            sa.String(300),
            sa.ForeignKey("knowledge_products.uri", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("omschrijving", sa.Text, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("soort", sa.String(60), nullable=False, server_default=""),
        sa.Column("betrouwbaarheid", sa.Text, nullable=False, server_default=""),
        sa.Column("bron", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_knowledge_fees_product_uri", "knowledge_fees", ["product_uri"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE knowledge_fts USING fts5(uri UNINDEXED, name, body, tokenize = 'trigram')")
    elif bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE knowledge_products ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('dutch', search_name || ' ' || search_keywords), 'A') || "
            "setweight(to_tsvector('dutch', search_body), 'C')) STORED"
        )
        op.execute("CREATE INDEX ix_knowledge_products_tsv ON knowledge_products USING gin (search_tsv)")
        _trigram_index(bind)


def _trigram_index(bind: sa.Connection) -> None:
    """pg_trgm for typo tolerance, if this role may have it; its absence is not an error."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm not available, knowledge search without trigram typos: %s", error.orig)
        return
    op.execute(
        "CREATE INDEX ix_knowledge_products_trgm ON knowledge_products "
        "USING gin ((search_name || ' ' || search_keywords) gin_trgm_ops)"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    op.drop_index("ix_knowledge_fees_product_uri", table_name="knowledge_fees")
    op.drop_table("knowledge_fees")
    op.drop_table("knowledge_products")
