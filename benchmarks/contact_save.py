"""Saving a klantcontact at the desk: `ContactService.save` on SQLite and PostgreSQL.

What the clerk waits for after pressing "Opslaan": permission check, validation (BSN 11-proef),
the upsert by uuid in one transaction. Reference in the same run: a raw INSERT of the same row
in its own transaction, so the figure shows what the service adds over the database itself.
Both are interleaved, so they see the same table size. Target: below 100 ms at p95, the point
where a pause starts to be noticed (the whole registration should take under ten seconds).

Run alone: `python -m benchmarks.contact_save --rounds 200`.
"""

from __future__ import annotations

import argparse
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import insert

from app.core.clock import SystemClock
from app.core.kcc.contact import ContactResultaat, Onderwerp
from app.core.kcc.contact_service import ContactService
from app.core.kcc.working_days import WorkingCalendar, parse_holidays
from app.core.staff import Actor, Role
from app.store.contact_repository import SqlContactStore, contact_values
from app.store.contact_tables import klantcontacten
from benchmarks.common import PG_URL, Figure, ensure_pg_database, format_table, fresh, summary

HOLIDAYS = Path(__file__).resolve().parents[1] / "resources" / "seed" / "feestdagen-nl-2025-2030.csv"
CLERK = Actor(1, "bench", "Benchmark Balie", frozenset({Role.BALIEMEDEWERKER}))
PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"
TARGET_MS = 100.0


def _measure(url: str, rounds: int) -> tuple[list[float], list[float]]:
    db = fresh(url)
    calendar = WorkingCalendar.from_holidays(parse_holidays(HOLIDAYS.read_text(encoding="utf-8")))
    service = ContactService(SqlContactStore(db.writer, db.reader), calendar, SystemClock(), {PASPOORT: 5}.get)
    saved: list[float] = []
    raw: list[float] = []
    for _ in range(rounds + 10):  # the first ten warm the pool and the statement cache
        contact = replace(
            service.new_contact(CLERK, ticket_id=7),
            onderwerp=Onderwerp(PASPOORT, "Paspoort aanvragen"),
            vraag="Hoe lang duurt een paspoort?",
            antwoord="Vijf werkdagen.",
            resultaat=ContactResultaat.AFGEHANDELD,
            bsn="999993653",
        )
        started = time.perf_counter_ns()
        service.save(CLERK, contact)
        saved.append((time.perf_counter_ns() - started) / 1e6)
        values = contact_values(replace(contact, id=str(uuid.uuid4()), beeindigd_op=contact.gestart_op))
        started = time.perf_counter_ns()
        with db.writer.begin() as conn:
            conn.execute(insert(klantcontacten).values(values))
        raw.append((time.perf_counter_ns() - started) / 1e6)
    db.dispose()
    return saved[10:], raw[10:]


def run(pg_url: str, workdir: Path, rounds: int = 200) -> list[Figure]:
    figures = []
    for label, url in (("SQLite", f"sqlite:///{workdir / 'contacts.db'}"), ("PostgreSQL", pg_url)):
        saved, raw = _measure(url, rounds)
        real, ref = summary(saved), summary(raw)
        figures.append(Figure(f"klantcontact opslaan {label} p50", real["p50"], "ms", "rauwe INSERT p50", ref["p50"]))
        figures.append(
            Figure(
                f"klantcontact opslaan {label} p95",
                real["p95"],
                "ms",
                "rauwe INSERT p95",
                ref["p95"],
                f"< {TARGET_MS:.0f} ms",
                real["p95"] < TARGET_MS,
            )
        )
    return figures


def main() -> None:
    import sys
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m benchmarks.contact_save")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(ensure_pg_database(PG_URL), Path(tmp), args.rounds)
    sys.stdout.write(format_table(figures) + "\n")


if __name__ == "__main__":
    main()
