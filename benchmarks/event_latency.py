"""(a) From 'volgende' pressed at a desk in one process to the event in another process."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.core.clock import SystemClock
from app.core.events import EventBus, TicketCalled
from app.core.queue.model import Outcome
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import DeskSpec, ServiceSpec, seed_location
from benchmarks.common import Figure, fresh, summary


def _desk(url: str, desk_id: int, rounds: int, pipe: Connection) -> None:
    db = Database.open(url)
    queue = QueueService(db.queue_store(), SystemClock())
    queue.open_desk(desk_id, "bench")
    for _ in range(rounds):
        pipe.recv()  # the other process is ready for the next one
        time.sleep(random.uniform(0, 0.05))  # a clerk presses at any moment, not in step with polling
        started = time.monotonic_ns()  # CLOCK_MONOTONIC: one clock for all processes
        queue.call_next(desk_id)
        pipe.send(started)
        queue.finish(desk_id, Outcome.HANDLED)
    db.dispose()


def measure(url: str, rounds: int) -> list[float]:
    """Latencies in ms over `rounds` calls."""
    db = fresh(url)
    hall = seed_location(db, "Bench", (ServiceSpec("A", "A", "A", "A"),), (DeskSpec("Balie 1", ("A",)),))
    queue = QueueService(db.queue_store(), SystemClock())
    for _ in range(rounds):
        queue.issue_ticket(hall.service_ids["A"])

    arrived = threading.Event()
    arrival: list[int] = []

    def on_called(_event: TicketCalled) -> None:
        arrival.append(time.monotonic_ns())
        arrived.set()

    bus = EventBus()
    bus.subscribe(TicketCalled, on_called)
    watcher = db.watcher(bus)
    watcher.start()
    watcher.ready.wait(10)
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_desk, args=(url, hall.desk_ids["Balie 1"], rounds, theirs)
    )
    process.start()
    latencies = []
    try:
        for _ in range(rounds):
            arrived.clear()
            ours.send("go")
            started = ours.recv()
            if not arrived.wait(10):
                raise RuntimeError("event kwam niet aan")
            latencies.append((arrival[-1] - started) / 1e6)
    finally:
        process.join(30)
        watcher.stop()
        db.dispose()
    return latencies


def bare_notify_round_trip(url: str, rounds: int) -> list[float]:
    """Reference: NOTIFY on one connection until the other connection has it."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    result = []
    with (
        psycopg.connect(conninfo, autocommit=True) as listener,
        psycopg.connect(conninfo, autocommit=True) as sender,
    ):
        listener.execute("LISTEN bench_ref")
        for _ in range(rounds):
            started = time.monotonic_ns()
            sender.execute("NOTIFY bench_ref, 'x'")
            for _note in listener.notifies(timeout=5, stop_after=1):
                pass
            result.append((time.monotonic_ns() - started) / 1e6)
    return result


def run(pg_url: str, workdir: Path, rounds: int = 200) -> list[Figure]:
    reference = summary(bare_notify_round_trip(pg_url, rounds))
    figures = []
    postgres = summary(measure(pg_url, rounds))
    figures.append(
        Figure(
            "(a) volgende → event andere pc, PostgreSQL p50", postgres["p50"], "ms", "kale NOTIFY p50", reference["p50"]
        )
    )
    figures.append(
        Figure(
            "(a) volgende → event andere pc, PostgreSQL p95",
            postgres["p95"],
            "ms",
            "kale NOTIFY p95",
            reference["p95"],
            "< 20 ms",
            postgres["p95"] < 20,
        )
    )
    sqlite = summary(measure(f"sqlite:///{workdir / 'latency.db'}", rounds))
    figures.append(Figure("(a) volgende → event andere pc, SQLite p50", sqlite["p50"], "ms"))
    figures.append(Figure("(a) volgende → event andere pc, SQLite p95", sqlite["p95"], "ms"))
    return figures
