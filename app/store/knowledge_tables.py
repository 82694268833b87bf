"""Tables of the knowledge base (kennisbank): products keyed on UPL URI and their dated fees.

Migrations create the tables; these definitions are what the code queries. The full-text parts
differ per database and live outside this metadata: SQLite has the FTS5 table `knowledge_fts`
(trigram tokenizer), PostgreSQL a stored `search_tsv` column (Dutch stemming) and, when the
pg_trgm extension could be created, a trigram index on `search_name` (see migration 0005).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from app.store.schema import metadata

knowledge_products = Table(
    "knowledge_products",
    metadata,
    Column("uri", String(300), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("naam_en", String(200), nullable=False, default=""),
    Column("code", String(40), unique=True),
    Column("samenvatting", Text, nullable=False, default=""),
    Column("voorwaarden", Text, nullable=False, default=""),
    Column("meenemen", Text, nullable=False, default=""),
    Column("levertijd", Text, nullable=False, default=""),
    Column("norm_werkdagen", Integer),
    Column("afspraak_nodig", Boolean),
    Column("kiosk_geschikt", Text, nullable=False, default=""),
    Column("kanalen", Text, nullable=False, default=""),
    Column("persoonlijk_verschijnen", Text, nullable=False, default=""),
    Column("wettelijke_termijn", Text, nullable=False, default=""),
    Column("bron", Text, nullable=False, default=""),
    Column("trefwoorden", Text, nullable=False, default=""),  # one per line
    Column("is_curated", Boolean, nullable=False, default=False),
    Column("updated_by", String(100)),
    Column("updated_at", DateTime(timezone=True)),
    # Normalised text (app.core.kcc.text_search.normalize) the search indexes and ranks on.
    Column("search_name", Text, nullable=False, default=""),
    Column("search_keywords", Text, nullable=False, default=""),
    Column("search_body", Text, nullable=False, default=""),
)

knowledge_fees = Table(
    "knowledge_fees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "product_uri",
        String(300),
        ForeignKey("knowledge_products.uri", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("omschrijving", Text, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("soort", String(60), nullable=False, default=""),
    Column("betrouwbaarheid", Text, nullable=False, default=""),
    Column("bron", Text, nullable=False, default=""),
)
