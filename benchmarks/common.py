"""Shared pieces of the benchmarks: databases to run on, percentiles, the result table."""

from __future__ import annotations

import os
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from app.core.queue.model import format_number
from app.store.database import Database
from app.store.schema import ticket_periods, tickets

PG_URL = os.environ.get("LOKET_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/loket_bench")


@dataclass
class Figure:
    """One measured figure beside its reference from the same run."""

    name: str
    value: float
    unit: str
    reference_name: str = ""
    reference: float | None = None
    target: str = ""
    met: bool | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def row(self) -> list[str]:
        ref = f"{self.reference:.2f} ({self.reference_name})" if self.reference is not None else ""
        verdict = "" if self.met is None else ("ja" if self.met else "NEE")
        return [self.name, f"{self.value:.2f} {self.unit}", ref, self.target, verdict]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": float(len(values)),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


def ensure_pg_database(url: str = PG_URL) -> str:
    """Create the benchmark database if it does not exist yet (loopback server only)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    return url


def fresh(url: str) -> Database:
    db = Database.open(url)
    if db.backend == "postgresql":
        with db.writer.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade()
    return db


def bulk_waiting(db: Database, location_id: int, service_id: int, prefix: str, day: date, count: int) -> None:
    """Put `count` waiting tickets in the queue directly (faster than the kiosk path, so the
    throughput run measures calling, not issuing)."""
    start = datetime.now(UTC) - timedelta(minutes=10)
    with db.writer.begin() as conn:
        rows = [
            {
                "location_id": location_id,
                "service_id": service_id,
                "number": format_number(prefix, n) if n < 1000 else f"{prefix}{n}",
                "sequence": n,
                "business_date": day,
                "issued_at": start + timedelta(milliseconds=n),
                "channel": "kiosk",
                "priority": 0,
                "state": "waiting",
                "queued_at": start + timedelta(milliseconds=n),
                "front": False,
                "recall_count": 0,
                "token": f"t{n}",
            }
            for n in range(1, count + 1)
        ]
        ids = conn.execute(insert(tickets).returning(tickets.c.id), rows).scalars().all()
        conn.execute(
            insert(ticket_periods),
            [
                {
                    "ticket_id": tid,
                    "seq": 0,
                    "kind": "waiting",
                    "service_id": service_id,
                    "started_at": row["queued_at"],
                }
                for tid, row in zip(ids, rows, strict=True)
            ],
        )
    if db.backend == "postgresql":
        with db.writer.connect() as conn:
            conn.execute(text("ANALYZE"))  # a live database has statistics; a fresh bulk load not yet


def format_table(figures: list[Figure]) -> str:
    header = ["meting", "waarde", "referentie (zelfde run)", "doel", "gehaald"]
    rows = [header] + [f.row() for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


RESULTS = Path(__file__).with_name("results")
