"""Who a desk calls next, as the front office states the rules.

- Urgent (kwetsbaar) before appointment before walk-in.
- Priority tickets interleave: two walk-ins, then one priority ticket (normal_per_priority=2),
  so a stream of appointments never locks the walk-ins out.
- A desk calls its first-preference dienst first, but anyone who waited past the ageing
  limit (30 min) is called before fresh first-preference visitors, oldest first.
- A ticket transferred to a balie is called by that balie first, and by no other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.core.queue.model import Desk, Location, Priority, Ticket
from app.core.queue.rules import RecentCall, select_next
from tests.unit.queue_helpers import A, B, C, TicketMaker, desk, hall, minutes

N, P, U = Priority.NORMAL, Priority.APPOINTMENT, Priority.URGENT


def call_in_turn(
    waiting: Sequence[Ticket],
    at: Desk,
    location: Location,
    now: datetime,
    recent: Sequence[RecentCall] = (),
) -> list[str]:
    """Press 'volgende' until nobody is left; the numbers in the order they were called."""
    remaining = list(waiting)
    history = list(recent)
    called: list[str] = []
    while (pick := select_next(remaining, at, location, history, now)) is not None:
        called.append(pick.number)
        remaining.remove(pick)
        history.insert(0, RecentCall(pick.service_id, pick.priority))
    return called


def test_urgent_before_appointment_before_walk_in() -> None:
    make = TicketMaker()
    walk_in = make.issue(A, 0, N)  # A001, first in the hall
    appointment = make.issue(A, 1, P)  # A002
    urgent = make.issue(A, 2, U)  # A003, last to arrive
    first = select_next([walk_in, appointment, urgent], desk(1, A), hall(), [], minutes(3))
    assert first is urgent
    # The desk just called a priority ticket, so two walk-ins may go before the next one;
    # with only priority tickets left the appointment goes next all the same.
    assert select_next([appointment], desk(1, A), hall(), [RecentCall(A, U)], minutes(3)) is appointment


def test_priority_tickets_are_ordered_urgent_first_then_by_arrival() -> None:
    make = TicketMaker()
    tickets = [make.issue(A, 0, P), make.issue(A, 1, U), make.issue(A, 2, P), make.issue(A, 3, U)]
    assert call_in_turn(tickets, desk(1, A), hall(), minutes(4)) == ["A002", "A004", "A001", "A003"]


def test_two_walk_ins_then_one_priority_over_a_morning() -> None:
    make = TicketMaker()
    walk_ins = [make.issue(A, m) for m in range(6)]  # A001..A006
    appointments = [make.issue(A, 6 + m, P) for m in range(3)]  # A007..A009, arrived later
    order = call_in_turn([*walk_ins, *appointments], desk(1, A), hall(), minutes(10))
    # No priority call yet today: the first appointment goes first, then 2:1.
    assert order == ["A007", "A001", "A002", "A008", "A003", "A004", "A009", "A005", "A006"]


def test_interleave_counts_calls_of_all_desks_for_the_service() -> None:
    make = TicketMaker()
    walk_in, appointment = make.issue(A, 0), make.issue(A, 1, P)
    # Balie 2 called one walk-in after the last appointment: one more walk-in first.
    recent = [RecentCall(A, N), RecentCall(A, P)]
    assert select_next([walk_in, appointment], desk(1, A), hall(), recent, minutes(2)) is walk_in
    # Two walk-ins since the last appointment: now the appointment.
    recent = [RecentCall(A, N), RecentCall(A, N), RecentCall(A, P)]
    assert select_next([walk_in, appointment], desk(1, A), hall(), recent, minutes(2)) is appointment
    # Calls for another dienst do not count toward A's interleave.
    recent = [RecentCall(B, N), RecentCall(B, N), RecentCall(A, P)]
    assert select_next([walk_in, appointment], desk(1, A), hall(), recent, minutes(2)) is walk_in


def test_interleave_ratio_follows_the_location_setting() -> None:
    make = TicketMaker()
    tickets = [make.issue(A, m) for m in range(6)] + [make.issue(A, 6 + m, P) for m in range(2)]
    order = call_in_turn(tickets, desk(1, A), hall(normal_per_priority=3), minutes(9), [RecentCall(A, P)])
    assert order == ["A001", "A002", "A003", "A007", "A004", "A005", "A006", "A008"]


def test_walk_ins_in_order_of_arrival() -> None:
    make = TicketMaker()
    tickets = [make.issue(A, 5), make.issue(A, 1), make.issue(A, 3)]  # A001 at 5', A002 at 1', A003 at 3'
    assert call_in_turn(tickets, desk(1, A), hall(), minutes(6)) == ["A002", "A003", "A001"]


def test_desk_calls_its_first_preference_first() -> None:
    make = TicketMaker()
    c_early = make.issue(C, 0)
    a_late = make.issue(A, 10)
    assert select_next([c_early, a_late], desk(1, A, C), hall(), [], minutes(11)) is a_late
    assert select_next([c_early, a_late], desk(2, C, A), hall(), [], minutes(11)) is c_early
    assert select_next([c_early, a_late], desk(3, B), hall(), [], minutes(11)) is None


def test_aged_second_preference_ticket_goes_before_fresh_first_preference() -> None:
    make = TicketMaker()
    c_old = make.issue(C, 0)  # waits for a desk that prefers A
    a_fresh = [make.issue(A, 25), make.issue(A, 26, P), make.issue(A, 27, U)]
    balie = desk(1, A, C)
    # At 29 minutes C001 has not yet passed the ageing limit: the A queue goes first.
    assert select_next([c_old, *a_fresh], balie, hall(), [], minutes(29)).service_id == A  # type: ignore[union-attr]
    # At exactly 30 minutes it has: it beats walk-ins, appointments and urgent tickets alike.
    assert select_next([c_old, *a_fresh], balie, hall(), [], minutes(30)) is c_old


def test_aged_tickets_are_called_oldest_first_across_services() -> None:
    make = TicketMaker()
    c_oldest = make.issue(C, 0)
    a_old = make.issue(A, 2)
    a_fresh = make.issue(A, 40)
    order = call_in_turn([a_fresh, a_old, c_oldest], desk(1, A, C), hall(), minutes(45))
    assert order == ["C001", "A001", "A002"]


def test_ageing_counts_from_the_last_time_the_ticket_entered_a_queue() -> None:
    make = TicketMaker()
    c_transferred = make.issue(C, 0)
    c_transferred.call(9, None, minutes(5))
    c_transferred.transfer(minutes(20), front=False)  # back into the queue at 20'
    a_fresh = make.issue(A, 25)
    assert select_next([c_transferred, a_fresh], desk(1, A, C), hall(), [], minutes(45)) is a_fresh
    assert select_next([c_transferred, a_fresh], desk(1, A, C), hall(), [], minutes(50)) is c_transferred


def test_reactivated_no_show_goes_in_front_of_its_queue() -> None:
    make = TicketMaker()
    late = make.issue(A, 0)
    others = [make.issue(A, m) for m in (1, 2, 3)]
    late.call(1, None, minutes(4))
    for moment in (5, 6, 7):
        late.recall(minutes(moment), max_recalls=2)
    assert late.state.value == "no_show"
    late.reactivate(minutes(15))  # turns up at the host after all
    assert call_in_turn([*others, late], desk(1, A), hall(), minutes(16)) == ["A001", "A002", "A003", "A004"]


def test_reactivated_at_the_back_waits_behind_everyone() -> None:
    make = TicketMaker()
    late = make.issue(A, 0)
    others = [make.issue(A, m) for m in (1, 2)]
    late.call(1, None, minutes(4))
    late.no_show(minutes(5))
    late.reactivate(minutes(6), front=False)
    assert call_in_turn([late, *others], desk(1, A), hall(), minutes(7)) == ["A002", "A003", "A001"]


def test_transfer_keeps_the_number_and_goes_to_the_front_of_the_new_queue() -> None:
    make = TicketMaker()
    waiting_b = [make.issue(B, m) for m in (0, 1, 2)]
    moved = make.issue(A, 3)
    moved.call(1, None, minutes(4))
    moved.start(minutes(5))
    moved.transfer(minutes(10), service_id=B)  # front=True by default
    assert moved.number == "A001" and moved.service_id == B
    assert call_in_turn([*waiting_b, moved], desk(2, B), hall(), minutes(11)) == ["A001", "B001", "B002", "B003"]


def test_transfer_to_the_back_of_the_new_queue() -> None:
    make = TicketMaker()
    waiting_b = [make.issue(B, m) for m in (0, 1)]
    moved = make.issue(A, 3)
    moved.call(1, None, minutes(4))
    moved.transfer(minutes(10), service_id=B, front=False)
    later_b = make.issue(B, 12)
    order = call_in_turn([*waiting_b, moved, later_b], desk(2, B), hall(), minutes(13))
    assert order == ["B001", "B002", "A001", "B003"]


def test_transfer_to_a_desk_only_that_desk_calls_it_and_it_calls_it_first() -> None:
    make = TicketMaker()
    older = make.issue(A, 0, U)
    moved = make.issue(A, 1)
    moved.call(1, None, minutes(2))
    moved.start(minutes(3))
    moved.transfer(minutes(8), desk_id=3, front=False)
    assert select_next([older, moved], desk(2, A), hall(), [], minutes(9)) is older
    assert select_next([moved], desk(2, A), hall(), [], minutes(9)) is None
    assert select_next([older, moved], desk(3, A), hall(), [], minutes(9)) is moved
    # Even an aged ticket does not overtake a visitor sent to this very desk.
    assert select_next([older, moved], desk(3, A), hall(), [], minutes(60)) is moved
    moved.call(3, None, minutes(61))
    assert moved.target_desk_id is None  # once called, the target has done its job
