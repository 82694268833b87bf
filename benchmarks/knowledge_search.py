"""(k) Knowledge-base search as you type, over every seeded product, on SQLite and PostgreSQL.

Each of 20 realistic desk queries (typos included) is typed letter by letter; every prefix is
one search through KnowledgeService, as the desk screen calls it. Beside it, in the same run,
the reference: a plain lookup of one product by its URI (primary-key index). Goal: p95 < 20 ms.

Run alone: `.venv/bin/python -m benchmarks.knowledge_search [--rounds N]`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.core.clock import FakeClock
from app.core.kcc.knowledge import KnowledgeService
from app.core.staff import Actor, Role
from app.store.knowledge_repository import SqlKnowledgeStore
from app.store.knowledge_seed import seed_knowledge
from app.store.knowledge_tables import knowledge_products
from benchmarks.common import PG_URL, Figure, ensure_pg_database, format_table, fresh, summary

GOAL_MS = 20.0

QUERIES = (
    "paspoort",
    "paspoord",
    "pasport verlengen",
    "id kaart",
    "identiteitskaart kind",
    "rijbewijs verlengen",
    "rijbewjs",
    "verhuizing",
    "adreswijziging",
    "uittreksel brp",
    "uitreksel",
    "trouwen",
    "geboorteaangifte",
    "overlijden",
    "parkeervergunning",
    "gehandicaptenparkeerkaart",
    "afvalpas kwijt",
    "hondenbelasting",
    "verklaring omtrent gedrag",
    "naturalisatie",
)

CLERK = Actor(1, "bench", "Bench", frozenset({Role.BALIEMEDEWERKER}))


def _prefixes() -> list[str]:
    return [query[:n] for query in QUERIES for n in range(1, len(query) + 1) if not query[:n].endswith(" ")]


def measure(url: str, rounds: int) -> tuple[list[float], list[float], int]:
    """Search and reference latencies in ms, and how many products were searched."""
    db = fresh(url)
    try:
        seed_knowledge(db)
        store = SqlKnowledgeStore(db.writer, db.reader)
        service = KnowledgeService(store, FakeClock(datetime.now(UTC)))
        uris = store.all_uris()
        prefixes = _prefixes()
        for prefix in prefixes:  # warm caches and connections, as a desk that has been open a while
            service.search(CLERK, prefix)
        searches: list[float] = []
        lookups: list[float] = []
        for round_ in range(rounds):
            for i, prefix in enumerate(prefixes):
                started = time.perf_counter()
                service.search(CLERK, prefix)
                searches.append((time.perf_counter() - started) * 1000)
                uri = uris[(round_ * len(prefixes) + i) % len(uris)]
                started = time.perf_counter()
                with db.reader.connect() as conn:
                    conn.execute(select(knowledge_products.c.naam).where(knowledge_products.c.uri == uri)).first()
                lookups.append((time.perf_counter() - started) * 1000)
        return searches, lookups, len(uris)
    finally:
        db.dispose()


def run(pg_url: str, workdir: Path, rounds: int = 3) -> list[Figure]:
    figures = []
    for label, url in (("SQLite", f"sqlite:///{workdir / 'knowledge.db'}"), ("PostgreSQL", pg_url)):
        searches, lookups, products = measure(url, rounds)
        ours, ref = summary(searches), summary(lookups)
        figures.append(
            Figure(
                f"(k) kennisbank zoeken p95, {label}",
                ours["p95"],
                "ms",
                "opzoeken op URI",
                ref["p95"],
                f"p95 < {GOAL_MS:.0f} ms",
                ours["p95"] < GOAL_MS,
                {"p50": ours["p50"], "n": ours["n"], "reference_p50": ref["p50"], "products": float(products)},
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.knowledge_search")
    parser.add_argument("--rounds", type=int, default=3, help="passes over all prefixes of the 20 queries")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # Its own database when run alone, so it never drops the schema under another benchmark.
    own = make_url(PG_URL).set(database="loket_bench_kennisbank").render_as_string(hide_password=False)
    pg_url = ensure_pg_database(own)
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(pg_url, Path(tmp), args.rounds)
    sys.stdout.write(format_table(figures) + "\n")
    for figure in figures:
        sys.stdout.write(f"{figure.name}: p50 {figure.extra['p50']:.2f} ms over {figure.extra['n']:.0f} searches\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
