"""The queue through the real store, on SQLite and PostgreSQL: what a desk clerk would notice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.clock import FakeClock
from app.core.errors import DatabaseUnavailable, DeskBusy, DeskClosed, InvalidTransition, NothingWaiting
from app.core.queue.model import Outcome, PeriodKind, Priority, TicketState
from app.core.queue.service import QueueService
from app.store.database import Database
from app.store.seed import DeskSpec, SeedIds, ServiceSpec, seed_demo, seed_location

AMS = ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at(2026, 11, 23, 9, 0))


@pytest.fixture
def hall(database: Database) -> SeedIds:
    return seed_demo(database)


@pytest.fixture
def queue(database: Database, clock: FakeClock) -> QueueService:
    return QueueService(database.queue_store(), clock)


def test_numbers_count_per_prefix_and_restart_next_day(queue: QueueService, hall: SeedIds, clock: FakeClock) -> None:
    a, c = hall.service_ids["REISDOC"], hall.service_ids["BURGERZAKEN"]
    numbers = [queue.issue_ticket(s).ticket.number for s in (a, a, c, a, c)]
    assert numbers == ["A001", "A002", "C001", "A003", "C002"]

    clock.set(at(2026, 11, 24, 2, 59))  # before the 03:00 reset: still Monday's numbers
    assert queue.issue_ticket(a).ticket.number == "A004"
    clock.set(at(2026, 11, 24, 3, 0))
    first = queue.issue_ticket(a).ticket
    assert first.number == "A001"
    assert first.business_date.isoformat() == "2026-11-24"


def test_new_day_closes_what_was_left_open(queue: QueueService, hall: SeedIds, clock: FakeClock) -> None:
    a = hall.service_ids["REISDOC"]
    balie = hall.desk_ids["Balie 1"]
    left_waiting = queue.issue_ticket(a).ticket
    queue.issue_ticket(a)
    queue.open_desk(balie, "Anna")
    queue.call_next(balie)
    clock.set(at(2026, 11, 24, 8, 30))
    queue.issue_ticket(a)
    with queue._store.reading() as tx:
        yesterday = {t.number: t.state for t in tx.tickets_of_day(hall.location_id, left_waiting.business_date)}
    assert yesterday == {"A001": TicketState.NO_SHOW, "A002": TicketState.CANCELLED}
    assert queue.current_ticket(balie) is None


def test_visit_keeps_its_timed_periods(queue: QueueService, hall: SeedIds, clock: FakeClock) -> None:
    desk = hall.desk_ids["Balie 1"]
    queue.open_desk(desk, "Anna")
    issued = queue.issue_ticket(hall.service_ids["REISDOC"]).ticket
    clock.advance(timedelta(minutes=7))
    queue.call_next(desk)
    clock.advance(timedelta(minutes=1))
    queue.start(desk)
    clock.advance(timedelta(minutes=4))
    queue.hold(desk)
    clock.advance(timedelta(minutes=3))
    queue.resume(desk)
    clock.advance(timedelta(minutes=2))
    done = queue.finish(desk, Outcome.HANDLED)

    with queue._store.reading() as tx:
        stored = tx.ticket(issued.id or 0)
    assert stored.state is TicketState.DONE and stored.outcome is Outcome.HANDLED
    kinds = [(p.kind, round(p.duration(done.closed_at or clock.now()).total_seconds() / 60)) for p in stored.periods]
    assert kinds == [
        (PeriodKind.WAITING, 7),
        (PeriodKind.CALLED, 1),
        (PeriodKind.SERVING, 4),
        (PeriodKind.ON_HOLD, 3),
        (PeriodKind.SERVING, 2),
    ]
    assert all(p.desk_id == desk and p.staff == "Anna" for p in stored.periods[1:])
    assert stored.waited(clock.now()) == timedelta(minutes=7)


def test_desk_calls_by_its_own_preference(queue: QueueService, hall: SeedIds) -> None:
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.issue_ticket(hall.service_ids["AFHALEN"])
    balie3 = hall.desk_ids["Balie 3"]  # prefers BURGERZAKEN, then AFHALEN, then REISDOC
    queue.open_desk(balie3, "Piet")
    assert queue.call_next(balie3).number == "D001"


def test_priority_interleave_two_normal_one_priority(queue: QueueService, hall: SeedIds, clock: FakeClock) -> None:
    a = hall.service_ids["REISDOC"]
    for _ in range(5):
        queue.issue_ticket(a)
        clock.advance(30)
    for _ in range(2):
        queue.issue_ticket(a, priority=Priority.APPOINTMENT)
        clock.advance(30)
    desk = hall.desk_ids["Balie 1"]
    queue.open_desk(desk, "Anna")
    called = []
    for _ in range(7):
        called.append(queue.call_next(desk).number)
        queue.finish(desk, Outcome.HANDLED)
    # no priority call yet: an appointment goes first, then 2 normal, then the next appointment
    assert called == ["A006", "A001", "A002", "A007", "A003", "A004", "A005"]


def test_recall_limit_makes_a_no_show_and_reactivate_puts_in_front(queue: QueueService, hall: SeedIds) -> None:
    a = hall.service_ids["REISDOC"]
    desk = hall.desk_ids["Balie 1"]
    queue.issue_ticket(a)
    queue.issue_ticket(a)
    queue.open_desk(desk, "Anna")
    first = queue.call_next(desk)
    assert queue.recall(desk).state is TicketState.CALLED
    assert queue.recall(desk).state is TicketState.CALLED
    gone = queue.recall(desk)  # third recall passes the limit of two
    assert gone.state is TicketState.NO_SHOW
    assert queue.current_ticket(desk) is None

    queue.reactivate(first.id or 0)
    assert queue.call_next(desk).number == first.number


def test_transfer_keeps_number_and_only_target_desk_calls_it(queue: QueueService, hall: SeedIds) -> None:
    desk1, desk2, desk4 = hall.desk_ids["Balie 1"], hall.desk_ids["Balie 2"], hall.desk_ids["Balie 4"]
    for desk in (desk1, desk2, desk4):
        queue.open_desk(desk, f"medewerker {desk}")
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.issue_ticket(hall.service_ids["RIJBEWIJS"])
    ticket = queue.call_next(desk1)
    queue.start(desk1)
    moved = queue.transfer(desk1, service_id=hall.service_ids["RIJBEWIJS"], to_desk_id=desk4, front=True)
    assert moved.number == ticket.number and moved.state is TicketState.WAITING
    assert queue.call_next(desk2).number == "B001"  # desk 2 may not take it: it is for desk 4
    assert queue.call_next(desk4).number == ticket.number


def test_transfer_to_back_of_other_queue(queue: QueueService, hall: SeedIds, clock: FakeClock) -> None:
    desk1 = hall.desk_ids["Balie 1"]
    queue.open_desk(desk1, "Anna")
    queue.issue_ticket(hall.service_ids["REISDOC"])
    clock.advance(60)
    queue.issue_ticket(hall.service_ids["BURGERZAKEN"])
    queue.call_next(desk1)
    clock.advance(60)
    queue.transfer(desk1, service_id=hall.service_ids["BURGERZAKEN"], front=False)
    assert queue.call_next(desk1).number == "C001"
    queue.finish(desk1, Outcome.HANDLED)
    assert queue.call_next(desk1).number == "A001"


def test_call_out_of_order_and_guards(queue: QueueService, hall: SeedIds) -> None:
    a = hall.service_ids["REISDOC"]
    desk = hall.desk_ids["Balie 1"]
    with pytest.raises(DeskClosed):
        queue.call_next(desk)
    queue.open_desk(desk, "Anna")
    with pytest.raises(NothingWaiting):
        queue.call_next(desk)
    queue.issue_ticket(a)
    third = [queue.issue_ticket(a).ticket for _ in range(2)][-1]
    assert queue.call_ticket(desk, third.id or 0).number == "A003"
    with pytest.raises(DeskBusy):
        queue.call_next(desk)
    with pytest.raises(InvalidTransition):
        queue.hold(desk)  # not started yet
    queue.finish(desk, Outcome.REFERRED)
    assert queue.call_next(desk).number == "A001"


def test_closing_a_desk_returns_a_called_visitor_to_the_front(queue: QueueService, hall: SeedIds) -> None:
    desk1, desk2 = hall.desk_ids["Balie 1"], hall.desk_ids["Balie 2"]
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.open_desk(desk1, "Anna")
    queue.call_next(desk1)
    queue.close_desk(desk1)
    queue.open_desk(desk2, "Bert")
    assert queue.call_next(desk2).number == "A001"


def test_snapshot_shows_waiting_and_bands(queue: QueueService, hall: SeedIds) -> None:
    queue.open_desk(hall.desk_ids["Balie 1"], "Anna")
    issued = [queue.issue_ticket(hall.service_ids["REISDOC"]) for _ in range(4)]
    assert [i.people_ahead for i in issued] == [0, 1, 2, 3]
    assert issued[0].band == (0, 5)
    assert issued[3].band is not None and issued[3].band[0] >= 20  # three visits of ~11 min ahead
    snapshot = queue.snapshot(hall.location_id)
    reisdoc = next(s for s in snapshot.services if s.service.code == "REISDOC")
    assert reisdoc.waiting == 4
    rijbewijs = next(s for s in snapshot.services if s.service.code == "RIJBEWIJS")
    assert rijbewijs.band_for_new is None  # no open desk serves it: no guess


def test_closed_service_refuses_kiosk_tickets(queue: QueueService, hall: SeedIds) -> None:
    from app.core.errors import ServiceClosed

    queue.set_service_open(hall.service_ids["RIJBEWIJS"], False)
    with pytest.raises(ServiceClosed):
        queue.issue_ticket(hall.service_ids["RIJBEWIJS"])


def test_numbering_across_dst_nights(database: Database) -> None:
    ids = seed_location(
        database,
        "Avondopenstelling",
        (ServiceSpec("X", "Alles", "Everything", "A"),),
        (DeskSpec("Balie 1", ("X",)),),
        reset_time=time(2, 30),
    )
    clock = FakeClock(at(2026, 10, 24, 23, 0))
    queue = QueueService(database.queue_store(), clock)
    service = ids.service_ids["X"]
    assert queue.issue_ticket(service).ticket.number == "A001"
    # 25 Oct 2026: clocks go back at 03:00 CEST; 02:30 happens twice. 00:29 UTC is 02:29 CEST.
    clock.set(datetime.fromisoformat("2026-10-25T00:29:00+00:00"))
    assert queue.issue_ticket(service).ticket.number == "A002"
    clock.set(datetime.fromisoformat("2026-10-25T00:30:00+00:00"))  # first 02:30: new day
    assert queue.issue_ticket(service).ticket.number == "A001"
    clock.set(datetime.fromisoformat("2026-10-25T01:15:00+00:00"))  # 02:15 CET, second pass: same day
    assert queue.issue_ticket(service).ticket.number == "A002"


def test_unreachable_postgres_is_a_typed_error() -> None:
    db = Database.open("postgresql+psycopg://loket@127.0.0.1:1/loket")
    queue = QueueService(db.queue_store(), FakeClock(at(2026, 11, 23, 9)))
    with pytest.raises(DatabaseUnavailable):
        queue.issue_ticket(1)


def test_a_visitor_left_at_a_desk_on_friday_does_not_block_it_on_monday(
    queue: QueueService, hall: SeedIds, clock: FakeClock
) -> None:
    a = hall.service_ids["REISDOC"]
    balie = hall.desk_ids["Balie 1"]
    clock.set(at(2026, 11, 27, 16, 50))  # Friday
    queue.issue_ticket(a)
    forgotten = queue.issue_ticket(a).ticket
    queue.open_desk(balie, "Anna")
    queue.call_next(balie)
    queue.start(balie)  # the clerk goes home without finishing
    clock.set(at(2026, 11, 30, 8, 30))  # Monday: the hall was closed all weekend
    queue.issue_ticket(a)
    assert queue.current_ticket(balie) is None
    assert queue.call_next(balie).number == "A001"
    with queue._store.reading() as tx:
        friday = {t.number: t.state for t in tx.tickets_of_day(hall.location_id, forgotten.business_date)}
    assert friday == {"A001": TicketState.DONE, "A002": TicketState.CANCELLED}


def test_a_visit_on_hold_does_not_count_as_a_short_finished_visit(
    queue: QueueService, database: Database, hall: SeedIds, clock: FakeClock
) -> None:
    a = hall.service_ids["REISDOC"]
    balie = hall.desk_ids["Balie 1"]
    queue.issue_ticket(a)
    queue.open_desk(balie, "Anna")
    queue.call_next(balie)
    queue.start(balie)
    clock.advance(timedelta(minutes=3))
    queue.hold(balie)  # the visitor fetches a photo
    clock.advance(timedelta(minutes=10))
    since = clock.now() - timedelta(hours=1)
    with database.queue_store().reading() as tx:
        assert tx.service_times(hall.location_id, since) == []
    queue.resume(balie)
    clock.advance(timedelta(minutes=4))
    queue.finish(balie)
    with database.queue_store().reading() as tx:
        assert [round(t.minutes, 3) for t in tx.service_times(hall.location_id, since)] == [17.0]
