"""`loket simulate`: play a day at the city hall through the real queue engine.

The visitors of `day.plan_day` take tickets, desks call, serve and finish through
QueueService over the real SQLite store (in a temporary folder), on a fake clock that jumps
from event to event. At the end the promised waits are compared with the real ones.

    python -m app.simulation.run --seed 1 --visitors 250 [--json out.json]
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from zoneinfo import ZoneInfo

from app.core.clock import FakeClock
from app.core.errors import NothingWaiting
from app.core.queue.estimate import mean_service_minutes, naive_estimate
from app.core.queue.model import IssueChannel, Outcome, PeriodKind, Priority, TicketState
from app.core.queue.rules import business_date
from app.core.queue.service import SERVICE_TIME_WINDOW, QueueService
from app.simulation.day import (
    PRODUCTS_CSV,
    RECALL_INTERVAL,
    ROSTER,
    SHORT_STAFFED,
    DayPlan,
    Visitor,
    parse_products,
    plan_day,
)
from app.simulation.report import DayReport, VisitResult, format_table, summarise
from app.store.database import Database
from app.store.seed import DeskSpec, SeedIds, ServiceSpec, seed_location

log = logging.getLogger(__name__)

DEFAULT_DAY = date(2026, 11, 24)  # a Tuesday
TIMEZONE = "Europe/Amsterdam"


class Step(Enum):
    ARRIVE = "arrive"
    OPEN = "open"
    CLOSE = "close"
    AT_DESK = "at_desk"  # the called visitor reaches the desk
    RECALL = "recall"  # nobody came: announce again
    FINISH = "finish"


@dataclass
class DeskRun:
    id: int
    open: bool = False
    busy: bool = False
    closing: bool = False


@dataclass
class Issued:
    visitor: Visitor
    ticket_id: int
    number: str
    estimate: float | None
    band: tuple[int, int] | None
    naive: float


class DayRunner:
    """The event loop. Every action is one QueueService call at the fake clock's moment."""

    def __init__(self, plan: DayPlan, db: Database, ids: SeedIds, day: date) -> None:
        self._plan = plan
        self._store = db.queue_store()
        self._ids = ids
        self._midnight = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(TIMEZONE))
        self._clock = FakeClock(self._moment(plan.visitors[0].arrives if plan.visitors else 0))
        self._queue = QueueService(self._store, self._clock, token_factory=lambda: "sim")
        self._events: list[tuple[float, int, Step, int]] = []
        self._order = 0
        self._desks = [DeskRun(ids.desk_ids[d.name]) for d in plan.roster]
        self._issued: dict[int, Issued] = {}  # by ticket id
        self._at_desk: dict[int, Issued] = {}  # by desk index

    def _moment(self, minutes: float) -> datetime:
        # Wall-clock minutes of the day; the day simulated has no DST jump during opening hours.
        return self._midnight + timedelta(minutes=minutes)

    def _at(self, minutes: float, step: Step, subject: int) -> None:
        self._order += 1
        heapq.heappush(self._events, (minutes, self._order, step, subject))

    def run(self) -> list[Issued]:
        for index, desk in enumerate(self._plan.roster):
            self._at(desk.opens, Step.OPEN, index)
            if desk.closes is not None:
                self._at(desk.closes, Step.CLOSE, index)
        for visitor in self._plan.visitors:
            self._at(visitor.arrives, Step.ARRIVE, visitor.index)
        while self._events:
            minutes, _, step, subject = heapq.heappop(self._events)
            self._clock.set(self._moment(minutes))
            self._handle(minutes, step, subject)
        return list(self._issued.values())

    def _handle(self, now: float, step: Step, subject: int) -> None:
        if step is Step.ARRIVE:
            self._arrive(self._plan.visitors[subject])
            for index in range(len(self._desks)):
                self._try_call(now, index)
        elif step is Step.OPEN:
            plan, desk = self._plan.roster[subject], self._desks[subject]
            self._queue.open_desk(desk.id, plan.name.lower().replace(" ", ""))
            desk.open = True
            self._try_call(now, subject)
        elif step is Step.CLOSE:
            self._desks[subject].closing = True
            if not self._desks[subject].busy:
                self._free(now, subject)  # else it closes after the visitor it is helping
        elif step is Step.AT_DESK:
            desk = self._desks[subject]
            self._queue.start(desk.id)
            self._at(now + self._at_desk[subject].visitor.desk_minutes, Step.FINISH, subject)
        elif step is Step.RECALL:
            ticket = self._queue.recall(self._desks[subject].id)
            if ticket.state is TicketState.NO_SHOW:
                self._free(now, subject)
            else:
                self._at(now + RECALL_INTERVAL, Step.RECALL, subject)
        elif step is Step.FINISH:
            self._queue.finish(self._desks[subject].id, Outcome.HANDLED)
            self._free(now, subject)

    def _arrive(self, visitor: Visitor) -> None:
        service_id = self._ids.service_ids[visitor.service_code]
        naive = self._naive(service_id)
        channel = {
            Priority.NORMAL: IssueChannel.KIOSK,
            Priority.APPOINTMENT: IssueChannel.APPOINTMENT,
            Priority.URGENT: IssueChannel.HOST,
        }[visitor.priority]
        issued = self._queue.issue_ticket(service_id, channel=channel, priority=visitor.priority, print_ticket=False)
        ticket_id = issued.ticket.id
        assert ticket_id is not None
        self._issued[ticket_id] = Issued(
            visitor, ticket_id, issued.ticket.number, issued.estimate_minutes, issued.band, naive
        )

    def _naive(self, service_id: int) -> float:
        """The literature's baseline, just before the ticket is taken: the people waiting for the
        same dienst x its mean service time (learned as the engine learns it) / its open desks."""
        now = self._clock.now()
        with self._store.reading() as tx:
            location = tx.location(self._ids.location_id)
            waiting = tx.waiting(location.id, business_date(now, location))
            desks = tx.desks(location.id)
            means = mean_service_minutes(
                tx.services(location.id), tx.service_times(location.id, now - SERVICE_TIME_WINDOW)
            )
        ahead = sum(1 for t in waiting if t.service_id == service_id)
        serving = sum(1 for d in desks if d.is_open and service_id in d.service_ids)
        return naive_estimate(ahead, means[service_id], serving)

    def _free(self, now: float, index: int) -> None:
        """The desk has nobody (any more): close it if its shift is over, else call the next."""
        desk = self._desks[index]
        desk.busy = False
        self._at_desk.pop(index, None)
        if desk.closing and desk.open:
            self._queue.close_desk(desk.id)
            desk.open = False
            return
        self._try_call(now, index)

    def _try_call(self, now: float, index: int) -> None:
        desk = self._desks[index]
        if not desk.open or desk.busy or desk.closing:
            return
        try:
            ticket = self._queue.call_next(desk.id)
        except NothingWaiting:
            return
        assert ticket.id is not None
        issued = self._issued[ticket.id]
        desk.busy = True
        self._at_desk[index] = issued
        if issued.visitor.no_show:
            self._at(now + RECALL_INTERVAL, Step.RECALL, index)
        else:
            self._at(now + issued.visitor.walk_minutes, Step.AT_DESK, index)


def results(db: Database, ids: SeedIds, issued: Sequence[Issued], day: date) -> list[VisitResult]:
    """Join what each ticket promised with what the store recorded."""
    with db.queue_store().reading() as tx:
        location = tx.location(ids.location_id)
        noon = datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(location.timezone)) + timedelta(hours=12)
        tickets = {t.id: t for t in tx.tickets_of_day(location.id, business_date(noon, location))}
    codes = {service_id: code for code, service_id in ids.service_ids.items()}
    out = []
    for item in issued:
        ticket = tickets[item.ticket_id]
        first_call = next((p.started_at for p in ticket.periods if p.kind is PeriodKind.CALLED), None)
        waited = (first_call - ticket.issued_at).total_seconds() / 60 if first_call else None
        out.append(
            VisitResult(
                number=item.number,
                issued_minute=item.visitor.arrives,
                service_code=codes[ticket.service_id],
                priority=int(ticket.priority),
                estimate=item.estimate,
                band=item.band,
                naive=item.naive,
                waited=waited,
                outcome=ticket.outcome.value if ticket.outcome else ticket.state.value,
            )
        )
    return out


def build_hall(db: Database, plan: DayPlan) -> SeedIds:
    specs = tuple(
        ServiceSpec(s.code, s.name_nl, s.name_en, s.prefix, default_service_minutes=plan.default_minutes(s.code))
        for s in plan.services
    )
    desks = tuple(DeskSpec(d.name, d.service_codes) for d in plan.roster)
    return seed_location(db, "Stadhuis (simulatie)", specs, desks, timezone=TIMEZONE)


def simulate(plan: DayPlan, db: Database, day: date = DEFAULT_DAY) -> tuple[DayReport, list[VisitResult]]:
    """Play `plan` through `db`, an upgraded database without a hall yet."""
    started = time.perf_counter()
    ids = build_hall(db, plan)
    issued = DayRunner(plan, db, ids, day).run()
    visits = results(db, ids, issued, day)
    report = summarise(plan.seed, visits, desks=len(plan.roster), seconds=time.perf_counter() - started)
    return report, visits


def simulate_day(
    seed: int, visitors: int, *, short_staffed: bool = False, products_csv: Path = PRODUCTS_CSV
) -> tuple[DayReport, list[VisitResult]]:
    """A fresh SQLite database in a temporary folder, thrown away afterwards."""
    products = parse_products(products_csv.read_text(encoding="utf-8"))
    plan = plan_day(seed, visitors, products, SHORT_STAFFED if short_staffed else ROSTER)
    with tempfile.TemporaryDirectory(prefix="loket-sim-") as folder:
        db = Database.open(f"sqlite:///{Path(folder) / 'simulatie.db'}")
        try:
            db.upgrade()
            return simulate(plan, db)
        finally:
            db.dispose()


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="loket simulate", description="Simuleer een dag in de publiekshal / simulate a day at the city hall"
    )
    parser.add_argument("--seed", type=int, default=1, help="toevalszaad / random seed (default 1)")
    parser.add_argument("--visitors", type=int, default=250, help="aantal bezoekers / visitors (default 250)")
    parser.add_argument(
        "--krap",
        action="store_true",
        help="een baliemedewerker minder (ziek) / one clerk short (off sick)",
    )
    parser.add_argument("--json", type=Path, help="schrijf de uitkomst als JSON / write the result as JSON")
    parser.add_argument("--products", type=Path, default=PRODUCTS_CSV, help="producten-seed.csv")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    report, visits = simulate_day(args.seed, args.visitors, short_staffed=args.krap, products_csv=args.products)
    sys.stdout.write(format_table(report) + "\n")
    if args.json:
        payload = {"report": asdict(report), "visits": [asdict(v) for v in visits]}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
        log.info("uitkomst geschreven naar %s", args.json)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
