"""Eight desks on eight processes press 'volgende' at once: nobody is called twice or lost."""

from __future__ import annotations

import multiprocessing
from collections import Counter

from sqlalchemy import func, select

from app.core.clock import SystemClock
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.schema import tickets
from app.store.seed import DeskSpec, ServiceSpec, seed_location
from tests.store.desk_worker import issue_many, serve_until_empty

DESKS = 8
TICKETS = 160


def test_eight_desk_processes_serve_every_ticket_exactly_once(database: Database, database_url: str) -> None:
    ids = seed_location(
        database,
        "Stadhuis",
        (ServiceSpec("ALLES", "Alles", "Everything", "A"),),
        tuple(DeskSpec(f"Balie {n}", ("ALLES",)) for n in range(1, DESKS + 1)),
    )
    queue = QueueService(database.queue_store(), SystemClock())
    for _ in range(TICKETS // 2):
        queue.issue_ticket(ids.service_ids["ALLES"])

    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    workers = [
        context.Process(target=serve_until_empty, args=(database_url, desk_id, start, results))
        for desk_id in ids.desk_ids.values()
    ]
    # Two kiosks keep issuing while the desks call, so claims and numbering race too.
    kiosks = [
        context.Process(target=issue_many, args=(database_url, ids.service_ids["ALLES"], TICKETS // 4, start, results))
        for _ in range(2)
    ]
    for process in workers + kiosks:
        process.start()
    start.set()
    outputs = [results.get(timeout=120) for _ in workers + kiosks]
    for process in workers + kiosks:
        process.join(60)
        assert process.exitcode == 0

    issued = [n for tag, numbers in outputs if tag == "issued" for n in numbers]
    assert len(set(issued)) == len(issued) == TICKETS // 2  # kiosks never hand out a number twice
    served = [t for tag, ids_ in outputs if tag != "issued" for t in ids_]
    counts = Counter(served)
    assert all(c == 1 for c in counts.values()), "a ticket was called by two desks"
    desks_that_served = sum(1 for tag, ids_ in outputs if tag != "issued" and ids_)
    assert desks_that_served >= 2, "the desks did not really run side by side"

    # The desks stop when nobody waits; what the kiosks issued after that is still waiting.
    with database.reader.connect() as conn:
        total = conn.execute(select(func.count()).select_from(tickets)).scalar_one()
        rows = conn.execute(select(tickets.c.state, func.count()).group_by(tickets.c.state)).all()
        states: dict[str, int] = {row[0]: row[1] for row in rows}
    assert total == TICKETS
    assert states.get("done", 0) == len(served)
    assert states.get("done", 0) + states.get("waiting", 0) == TICKETS
