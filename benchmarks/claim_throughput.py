"""(b) Calls per second with 8 and 32 desks pressing 'volgende' at once on one PostgreSQL,
beside the same claim done in raw SQL by the same number of processes in the same run.

Each desk repeats: call next, finish. The raw reference does the same two steps as bare
UPDATEs (FOR UPDATE SKIP LOCKED on the oldest waiting ticket) without the calling rule,
the timed periods or the change log.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from app.core.clock import SystemClock
from app.core.errors import NothingWaiting
from app.core.queue.model import Outcome
from app.core.queue.rules import business_date
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import DeskSpec, ServiceSpec, seed_location
from benchmarks.common import Figure, bulk_waiting, fresh

SECONDS = 4.0

RAW_CLAIM = """
UPDATE tickets SET state = 'called', desk_id = %(desk)s
WHERE id = (
    SELECT id FROM tickets
    WHERE location_id = %(location)s AND business_date = %(day)s AND state = 'waiting'
      AND service_id = %(service)s
    ORDER BY queued_at, sequence
    LIMIT 1 FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def _engine_desk(url: str, desk_id: int, ready: Any, start: Any, results: Any, leave: Any) -> None:
    db = Database.open(url)
    queue = QueueService(db.queue_store(), SystemClock())
    queue.open_desk(desk_id, "bench")
    ready.put(desk_id)
    start.wait(120)
    count = 0
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        try:
            queue.call_next(desk_id)
        except NothingWaiting:
            break
        queue.finish(desk_id, Outcome.HANDLED)
        count += 1
    results.put(count)
    leave.wait(120)  # keep the connection (and its server process) until the CPU is read
    db.dispose()


def _raw_desk(url: str, desk_id: int, ready: Any, start: Any, results: Any, leave: Any, params: dict[str, Any]) -> None:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        ready.put(desk_id)
        start.wait(120)
        count = 0
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            with conn.transaction():
                row = conn.execute(RAW_CLAIM, {**params, "desk": desk_id}).fetchone()
            if row is None:
                break
            with conn.transaction():
                conn.execute("UPDATE tickets SET state = 'done' WHERE id = %s", (row[0],))
            count += 1
        results.put(count)
        leave.wait(120)


def _run(url: str, desks: int, raw: bool) -> float:
    db = fresh(url)
    hall = seed_location(
        db, "Bench", (ServiceSpec("A", "A", "A", "A"),), tuple(DeskSpec(f"Balie {n}", ("A",)) for n in range(desks))
    )
    location_id = hall.location_id
    with db.queue_store().reading() as tx:
        location = tx.location(location_id)
    day: date = business_date(SystemClock().now(), location)
    bulk_waiting(db, location_id, hall.service_ids["A"], "A", day, 30000 if raw else 8000)
    db.dispose()

    context = multiprocessing.get_context("spawn")
    ready, start, results, leave = context.Queue(), context.Event(), context.Queue(), context.Event()
    params = {"location": location_id, "day": day, "service": hall.service_ids["A"]}
    processes = [
        context.Process(
            target=_raw_desk if raw else _engine_desk,
            args=(url, desk_id, ready, start, results, leave, params)
            if raw
            else (url, desk_id, ready, start, results, leave),
        )
        for desk_id in hall.desk_ids.values()
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=180)
    server_before = _postgres_cpu_seconds()
    start.set()
    total = sum(results.get(timeout=180) for _ in processes)
    server = _postgres_cpu_seconds() - server_before
    leave.set()
    for process in processes:
        process.join(30)
    return total / SECONDS, 1000 * server / max(total, 1)


def _postgres_cpu_seconds() -> float:
    """CPU time of all PostgreSQL processes on this machine (Linux /proc): the server's share
    of the work, which in a real hall is the only part the desks share (each desk has a PC)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name.startswith("postgres"):
            fields = text[text.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run(pg_url: str) -> list[Figure]:
    figures = []
    for desks in (8, 32):
        ours, ours_server = _run(pg_url, desks, raw=False)
        raw, raw_server = _run(pg_url, desks, raw=True)
        figures.append(
            Figure(
                f"(b) oproepen/s met {desks} balies, PostgreSQL",
                ours,
                "/s",
                "kale SQL-claim",
                raw,
                ">= 50% van kaal",
                ours >= raw / 2,
                {"ratio": ours / raw if raw else 0.0},
            )
        )
        figures.append(
            Figure(
                f"(b) server-CPU per oproep met {desks} balies",
                ours_server,
                "ms",
                "kale SQL-claim",
                raw_server,
                extra={"server_capacity_per_core": 1000 / ours_server if ours_server else 0.0},
            )
        )
    return figures
