"""`python -m benchmarks`: every benchmark, one table, and JSON in benchmarks/results/."""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import PG_URL, RESULTS, Figure, ensure_pg_database, format_table

PARTS = ["latency", "throughput", "kiosk", "startup", "printer", "idcard", "knowledge", "contacts", "payment"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Loket benchmarks")
    parser.add_argument("--only", choices=PARTS, action="append")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    chosen = set(args.only or PARTS)
    pg_url = ensure_pg_database(PG_URL)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if "latency" in chosen:
            from benchmarks import event_latency

            figures += event_latency.run(pg_url, workdir, args.rounds)
        if "throughput" in chosen:
            from benchmarks import claim_throughput

            figures += claim_throughput.run(pg_url)
        if "kiosk" in chosen:
            from benchmarks import kiosk_print

            figures += kiosk_print.run(workdir, args.rounds)
        if "printer" in chosen:
            from benchmarks import ticket_print

            figures += ticket_print.run(workdir, args.rounds)
        if "idcard" in chosen:
            from benchmarks import idcard_read

            figures += idcard_read.run(args.rounds)
        if "knowledge" in chosen:
            from benchmarks import knowledge_search

            # Its own passes over every prefix of 20 queries; --rounds is meant for single operations.
            figures += knowledge_search.run(pg_url, workdir)
        if "contacts" in chosen:
            from benchmarks import contact_save

            figures += contact_save.run(pg_url, workdir, args.rounds)
        if "payment" in chosen:
            from benchmarks import payment_nexo

            figures += payment_nexo.run(workdir, args.rounds)
        if "startup" in chosen:
            from benchmarks import cold_start

            figures += cold_start.run(workdir)
    sys.stdout.write(format_table(figures) + "\n")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(),
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "figures": [f.as_dict() for f in figures],
            },
            indent=2,
        )
    )
    sys.stdout.write(f"JSON: {args.json}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
