"""The waiting time promised on the ticket plays the queue forward with the real calling rule."""

from __future__ import annotations

from datetime import timedelta

from app.core.queue.estimate import QueueState, arrival_rates, estimate_waits, remaining_minutes
from app.core.queue.model import Priority, Service
from app.core.queue.ports import Arrival
from tests.unit.queue_helpers import A, C, TicketMaker, desk, hall, minutes

SERVICES = [
    Service(id=A, location_id=1, code="A", name_nl="A", name_en="A", prefix="A", default_service_minutes=8.0),
    Service(id=C, location_id=1, code="C", name_nl="C", name_en="C", prefix="C", default_service_minutes=8.0),
]


def state_at_60(arrivals: list[Arrival]) -> tuple[QueueState, int]:
    """One desk preferring A over C, busy with an A visitor who just sat down; one C visitor waits."""
    make = TicketMaker()
    busy = make.issue(A, 50)
    busy.call(1, None, minutes(59))
    busy.start(minutes(60))
    waiting = make.issue(C, 60)
    assert waiting.id is not None
    state = QueueState(
        location=hall(ageing_minutes=30),
        services=SERVICES,
        desks=[desk(1, A, C)],
        at_desks=[busy],
        waiting=[waiting],
        recent=[],
        service_times=[],
        now=minutes(60),
        arrivals=arrivals,
    )
    return state, waiting.id


def test_quiet_hall_the_second_dienst_is_next_when_the_desk_is_free() -> None:
    state, ticket_id = state_at_60([])
    assert estimate_waits(state)[ticket_id] == 8.0  # the visit at the desk takes its mean, 8'


def test_steady_stream_for_the_first_dienst_pushes_the_second_until_it_ages() -> None:
    # An A visitor every 5 minutes during the last hour: more will come, and the desk prefers them.
    stream = [Arrival(A, Priority.NORMAL, minutes(5 * k)) for k in range(1, 13)]
    state, ticket_id = state_at_60(stream)
    # Desk free at 8', 16.5', 25' (8' a visit plus 0.5' to walk up), each time an A has come in;
    # at 33.5' the C visitor has waited past the 30' ageing limit and goes first.
    assert estimate_waits(state)[ticket_id] == 33.5


def test_arrival_pace_per_dienst_and_priority() -> None:
    now = minutes(120)
    arrivals = [Arrival(A, Priority.NORMAL, now - timedelta(minutes=m)) for m in range(2, 60, 4)]  # 15 in the hour
    arrivals += [Arrival(A, Priority.APPOINTMENT, now - timedelta(minutes=30))]
    arrivals += [Arrival(C, Priority.NORMAL, now - timedelta(minutes=90))]  # outside the hour
    assert arrival_rates(arrivals, now) == {(A, Priority.NORMAL): 15 / 58, (A, Priority.APPOINTMENT): 1 / 58}
    # The first visitors of the day: the pace is taken over at least 15 minutes.
    assert arrival_rates([Arrival(A, Priority.NORMAL, now - timedelta(minutes=1))], now) == {
        (A, Priority.NORMAL): 1 / 15
    }


def test_a_visit_resumed_after_a_hold_is_not_counted_as_fresh() -> None:
    visit = TicketMaker().issue(A, 0)
    visit.call(1, None, minutes(1))
    visit.start(minutes(2))
    visit.hold(minutes(5))  # after 3' the visitor fetches a photo
    visit.resume(minutes(9))
    # 8' mean: 3' + 1' served, plus the 4' hold that service times also count -> 8' gone; at least
    # a quarter of the mean (2') is left, as a long visit tends to run on.
    assert remaining_minutes(visit, 8.0, minutes(10)) == 2.0
    assert remaining_minutes(visit, 8.0, minutes(6)) == 4.0  # on hold 1' after 3' of service
