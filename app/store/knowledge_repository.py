"""The knowledge base in the database: products, fees, and search on SQLite and PostgreSQL.

Search has two steps. The database finds candidates with its own full-text machinery (SQLite:
FTS5 trigrams; PostgreSQL: Dutch full-text plus pg_trgm word similarity), then the core's
`text_search.score` orders them. So both databases give the same order for the same candidates,
and the query text never reaches SQL as syntax: only normalised words go in, as bound values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError

from app.core.errors import DatabaseUnavailable
from app.core.events import KnowledgeChanged
from app.core.kcc import text_search
from app.core.kcc.knowledge import ArticleNotSaved, Fee, Product, SearchHit
from app.store.change_log import record_change
from app.store.knowledge_tables import knowledge_fees, knowledge_products
from app.store.schema import utc

log = logging.getLogger(__name__)

CANDIDATES = 40  # rows the database hands to the ranking; the top ten come out of these
SNIPPET_CHARS = 140

_SEARCH_COLUMNS = (
    knowledge_products.c.uri,
    knowledge_products.c.naam,
    knowledge_products.c.samenvatting,
    knowledge_products.c.levertijd,
    knowledge_products.c.is_curated,
    knowledge_products.c.search_name,
    knowledge_products.c.search_keywords,
    knowledge_products.c.search_body,
)


def search_columns(product: Product) -> dict[str, str]:
    """The normalised text a product is found by."""
    body = " ".join((product.samenvatting, product.voorwaarden, product.meenemen))
    return {
        "search_name": text_search.normalize(f"{product.naam} {product.naam_en}"),
        # One keyword phrase per line (after a space, so LIKE '% word%' finds every phrase's
        # first word too), so the ranking can match a whole phrase.
        "search_keywords": "\n ".join(p for p in (text_search.normalize(k) for k in product.trefwoorden) if p),
        "search_body": " ".join(dict.fromkeys(text_search.words(body))),
    }


def _snippet(row: Any) -> str:
    source = row.samenvatting or row.levertijd
    if len(source) <= SNIPPET_CHARS:
        return str(source)
    return source[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"


class SqlKnowledgeStore:
    """`KnowledgeStore` on SQLAlchemy; reads on the reader engine, writes on the writer."""

    def __init__(self, writer: Engine, reader: Engine, *, trigram: bool | None = None) -> None:
        """`trigram`: use pg_trgm on PostgreSQL; None finds out whether the extension is there."""
        self._writer = writer
        self._reader = reader
        self._backend = writer.dialect.name
        self._has_trgm = trigram

    # -- reading -------------------------------------------------------------------------------

    def get(self, uri: str) -> Product | None:
        with self._reader.connect() as conn:
            row = conn.execute(select(knowledge_products).where(knowledge_products.c.uri == uri)).first()
            if row is None:
                return None
            fees = conn.execute(
                select(knowledge_fees).where(knowledge_fees.c.product_uri == uri).order_by(knowledge_fees.c.position)
            ).all()
        return _product(row, fees)

    def all_uris(self) -> list[str]:
        with self._reader.connect() as conn:
            return list(conn.execute(select(knowledge_products.c.uri).order_by(knowledge_products.c.uri)).scalars())

    def edited_uris(self) -> set[str]:
        """Products a redacteur has edited (the seed leaves these alone)."""
        with self._reader.connect() as conn:
            query = select(knowledge_products.c.uri).where(knowledge_products.c.updated_by.is_not(None))
            return set(conn.execute(query).scalars())

    def count(self) -> int:
        with self._reader.connect() as conn:
            return len(conn.execute(select(knowledge_products.c.uri)).all())

    # -- writing -------------------------------------------------------------------------------

    def save(self, product: Product) -> None:
        """One edited article, with a change-log row so open desks show the new text."""
        try:
            with self._writer.begin() as conn:
                self._replace(conn, product)
                record_change(conn, KnowledgeChanged(0, product.uri))
        except OperationalError:
            raise DatabaseUnavailable("De database is niet bereikbaar; het artikel is niet opgeslagen.") from None
        except DBAPIError as error:
            log.warning("knowledge article not saved: %s", type(error.orig).__name__)
            raise ArticleNotSaved(
                "Het artikel is niet opgeslagen: de database weigerde het. "
                "Vraag de beheerder of deze werkplek artikelen mag wijzigen."
            ) from None

    def save_many(self, products: Iterable[Product]) -> None:
        """Insert or replace products with their fees, in one transaction (the seed: no events)."""
        with self._writer.begin() as conn:
            for product in products:
                self._replace(conn, product)

    def _replace(self, conn: Connection, product: Product) -> None:
        conn.execute(delete(knowledge_fees).where(knowledge_fees.c.product_uri == product.uri))
        columns = search_columns(product)
        # Update in place rather than delete + insert: contacts refer to the product's URI.
        exists = conn.execute(select(knowledge_products.c.uri).where(knowledge_products.c.uri == product.uri)).first()
        if exists:
            conn.execute(
                update(knowledge_products)
                .where(knowledge_products.c.uri == product.uri)
                .values(**_row(product), **columns)
            )
        else:
            conn.execute(insert(knowledge_products).values(**_row(product), **columns))
        if product.fees:
            conn.execute(
                insert(knowledge_fees),
                [_fee_row(product.uri, position, fee) for position, fee in enumerate(product.fees)],
            )
        if self._backend == "sqlite":
            conn.execute(text("DELETE FROM knowledge_fts WHERE uri = :uri"), {"uri": product.uri})
            conn.execute(
                text("INSERT INTO knowledge_fts (uri, name, body) VALUES (:uri, :name, :body)"),
                {
                    "uri": product.uri,
                    "name": f"{columns['search_name']} {' '.join(columns['search_keywords'].split())}",
                    "body": columns["search_body"],
                },
            )

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, limit: int) -> list[SearchHit]:
        words = text_search.query_words(query)
        if not words or limit <= 0:
            return []
        try:
            with self._reader.connect() as conn:
                uris = self._candidates(conn, words)
                if not uris:
                    return []
                rows = conn.execute(select(*_SEARCH_COLUMNS).where(knowledge_products.c.uri.in_(uris))).all()
        except DBAPIError as error:
            # The words are plain a-z0-9 by now, so this is the database itself failing.
            # Logged without the query: a clerk may have typed a citizen's name.
            log.warning("knowledge search failed: %s", type(error.orig).__name__)
            raise DatabaseUnavailable("De kennisbank is nu niet bereikbaar. Probeer het zo nog eens.") from error
        return _rank(words, rows, limit)

    def _candidates(self, conn: Connection, words: Sequence[str]) -> list[str]:
        if self._backend == "sqlite":
            return _sqlite_candidates(conn, words)
        if self._has_trgm is None:
            self._has_trgm = bool(conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first())
            if not self._has_trgm:
                log.warning("pg_trgm missing: knowledge search finds fewer typos")
        return _postgres_candidates(conn, words, trigram=self._has_trgm)


def _like_prefix(words: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Short words (under three letters) as word-prefix LIKE conditions on the name."""
    clauses = []
    params: dict[str, str] = {}
    for i, word in enumerate(words):
        params[f"p{i}"] = f"% {word}%"  # words are a-z0-9 only: no LIKE wildcards inside
        clauses.append(f"(' ' || search_name || ' ' || search_keywords) LIKE :p{i}")
    return " OR ".join(clauses), params


def _sqlite_candidates(conn: Connection, words: Sequence[str]) -> list[str]:
    grams = sorted({g for w in words for g in text_search.plain_trigrams(w)})
    found: list[str] = []
    if grams:
        # Each trigram quoted: FTS5 sees only string tokens, never operators from the query.
        match = " OR ".join(f'"{g}"' for g in grams)
        found = list(
            conn.execute(
                text(
                    "SELECT uri FROM knowledge_fts WHERE knowledge_fts MATCH :match "
                    "ORDER BY bm25(knowledge_fts, 0.0, 4.0, 1.0) LIMIT :n"
                ),
                {"match": match, "n": CANDIDATES},
            ).scalars()
        )
    short = [w for w in words if len(w) < 3]
    if short:
        where, params = _like_prefix(short)
        found += conn.execute(
            text(f"SELECT uri FROM knowledge_products WHERE {where} ORDER BY is_curated DESC, naam LIMIT :n"),
            {**params, "n": CANDIDATES},
        ).scalars()
    return list(dict.fromkeys(found))


def _postgres_candidates(conn: Connection, words: Sequence[str], *, trigram: bool) -> list[str]:
    # Prefix search on Dutch stems: "verhuizing" and "verhuizen" share a stem, "pasp" is a prefix.
    params: dict[str, object] = {"tsq": " | ".join(f"{w}:*" for w in words), "n": CANDIDATES}
    rank = "ts_rank(search_tsv, to_tsquery('dutch', :tsq))"
    where = "search_tsv @@ to_tsquery('dutch', :tsq)"
    if trigram:
        params["q"] = " ".join(words)
        similar = "word_similarity(:q, search_name || ' ' || search_keywords)"
        rank = f"{similar} + {rank}"
        where = f"{where} OR {similar} > 0.3"
    short = [w for w in words if len(w) < 3]
    if short:
        like, like_params = _like_prefix(short)
        params.update(like_params)
        where = f"{where} OR {like}"
    sql = f"SELECT uri FROM knowledge_products WHERE {where} ORDER BY {rank} DESC, is_curated DESC LIMIT :n"
    return list(conn.execute(text(sql), params).scalars())


def _rank(words: Sequence[str], rows: Sequence[Any], limit: int) -> list[SearchHit]:
    scored = []
    for row in rows:
        doc = text_search.SearchDocument(
            tuple(row.search_name.split()),
            tuple(row.search_keywords.split()),
            tuple(row.search_body.split()),
            bool(row.is_curated),
            tuple(p.strip() for p in row.search_keywords.split("\n")),
        )
        value = text_search.score(words, doc)
        if value >= text_search.MIN_SCORE:
            scored.append((value, row))
    # Ties go by name, then URI, so both databases list them in the same order.
    scored.sort(key=lambda item: (-item[0], item[1].naam.lower(), item[1].uri))
    return [SearchHit(row.uri, row.naam, _snippet(row), round(value, 4)) for value, row in scored[:limit]]


def _row(product: Product) -> dict[str, object]:
    return {
        "uri": product.uri,
        "naam": product.naam,
        "naam_en": product.naam_en,
        "code": product.code,
        "samenvatting": product.samenvatting,
        "voorwaarden": product.voorwaarden,
        "meenemen": product.meenemen,
        "levertijd": product.levertijd,
        "norm_werkdagen": product.norm_werkdagen,
        "afspraak_nodig": product.afspraak_nodig,
        "kiosk_geschikt": product.kiosk_geschikt,
        "kanalen": product.kanalen,
        "persoonlijk_verschijnen": product.persoonlijk_verschijnen,
        "wettelijke_termijn": product.wettelijke_termijn,
        "bron": product.bron,
        "trefwoorden": "\n".join(product.trefwoorden),
        "is_curated": product.is_curated,
        "updated_by": product.updated_by,
        "updated_at": product.updated_at,
    }


def _fee_row(uri: str, position: int, fee: Fee) -> dict[str, object]:
    return {
        "product_uri": uri,
        "position": position,
        "omschrijving": fee.omschrijving,
        "amount_cents": fee.amount_cents,
        "valid_from": fee.valid_from,
        "valid_to": fee.valid_to,
        "soort": fee.soort,
        "betrouwbaarheid": fee.betrouwbaarheid,
        "bron": fee.bron,
    }


def _product(row: Any, fees: Sequence[Any]) -> Product:
    return Product(
        uri=row.uri,
        naam=row.naam,
        naam_en=row.naam_en,
        code=row.code,
        samenvatting=row.samenvatting,
        voorwaarden=row.voorwaarden,
        meenemen=row.meenemen,
        levertijd=row.levertijd,
        norm_werkdagen=row.norm_werkdagen,
        afspraak_nodig=row.afspraak_nodig,
        kiosk_geschikt=row.kiosk_geschikt,
        kanalen=row.kanalen,
        persoonlijk_verschijnen=row.persoonlijk_verschijnen,
        wettelijke_termijn=row.wettelijke_termijn,
        bron=row.bron,
        trefwoorden=tuple(k for k in row.trefwoorden.split("\n") if k),
        fees=tuple(
            Fee(
                omschrijving=f.omschrijving,
                amount_cents=f.amount_cents,
                valid_from=f.valid_from,
                valid_to=f.valid_to,
                soort=f.soort,
                betrouwbaarheid=f.betrouwbaarheid,
                bron=f.bron,
            )
            for f in fees
        ),
        is_curated=bool(row.is_curated),
        updated_by=row.updated_by,
        updated_at=utc(row.updated_at),
    )
