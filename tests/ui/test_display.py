"""The waiting-room screen: newest call large, the ones before below, a chime per call."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from app.core.clock import FakeClock
from app.core.events import EventBus, TicketCalled
from app.core.queue.service import QueueService
from app.display.call_screen import FLASH_TOGGLES, SHOWN_CALLS, CallScreen
from app.store.seed import SeedIds
from tests.ui.conftest import CountingChime


def history(screen: CallScreen) -> list[str]:
    return [f"{n.text()} {d.text()}" for n, d in screen.history_rows if n.text()]


def test_empty_screen_explains_itself(make_display: Callable[[], CallScreen]) -> None:
    screen = make_display()
    assert screen.newest.isHidden()
    assert "Hier ziet u straks uw nummer" in screen.empty_label.text()


def test_keeps_the_last_calls_newest_first(
    qtbot: QtBot, make_display: Callable[[], CallScreen], queue: QueueService, hall: SeedIds, chime: CountingChime
) -> None:
    screen = make_display()
    desk = hall.desk_ids["Balie 3"]
    queue.open_desk(desk, "Sanne")
    for _ in range(SHOWN_CALLS + 2):
        queue.issue_ticket(hall.service_ids["AFHALEN"])
    for _ in range(SHOWN_CALLS + 2):
        queue.call_next(desk)
        queue.no_show(desk)
    qtbot.waitUntil(lambda: screen.newest_text() == "D008 → Balie 3", timeout=5000)
    assert history(screen) == [f"D00{n} Balie 3" for n in (7, 6, 5, 4, 3)]
    assert chime.count == SHOWN_CALLS + 2


def test_a_recall_moves_the_ticket_to_the_top_and_chimes_again(
    qtbot: QtBot, make_display: Callable[[], CallScreen], queue: QueueService, hall: SeedIds, chime: CountingChime
) -> None:
    screen = make_display()
    for name in ("Balie 1", "Balie 2"):
        queue.open_desk(hall.desk_ids[name], name)
        queue.issue_ticket(hall.service_ids["REISDOC"])
        queue.call_next(hall.desk_ids[name])
    qtbot.waitUntil(lambda: screen.newest_text() == "A002 → Balie 2", timeout=5000)
    queue.recall(hall.desk_ids["Balie 1"])
    qtbot.waitUntil(lambda: screen.newest_text() == "A001 → Balie 1", timeout=5000)
    assert history(screen) == ["A002 Balie 2"]
    assert chime.count == 3


def test_newest_call_flashes_briefly_then_stays_marked(
    make_display: Callable[[], CallScreen], bus: EventBus, hall: SeedIds, qtbot: QtBot
) -> None:
    screen = make_display()
    bus.publish(TicketCalled(hall.location_id, 1, "B004", 2, 2, "Balie 2", 0, "2026-11-23T09:00:00+00:00"))
    qtbot.waitUntil(lambda: screen.flashing, timeout=5000)
    assert screen.flash_timer.isActive()
    for _ in range(FLASH_TOGGLES):
        screen.flash_timer.timeout.emit()  # drive the flashing without waiting for it
    assert not screen.flash_timer.isActive()
    assert not screen.flashing
    assert screen.newest_text() == "B004 → Balie 2"


def test_calls_of_another_location_are_ignored(
    make_display: Callable[[], CallScreen], bus: EventBus, hall: SeedIds, qtbot: QtBot, chime: CountingChime
) -> None:
    screen = make_display()
    bus.publish(TicketCalled(hall.location_id + 1, 99, "Z001", 9, 9, "Balie 9", 0, "2026-11-23T09:00:00+00:00"))
    bus.publish(TicketCalled(hall.location_id, 98, "A005", 1, 1, "Balie 1", 0, "2026-11-23T09:00:00+00:00"))
    qtbot.waitUntil(lambda: screen.newest_text() == "A005 → Balie 1", timeout=5000)
    assert history(screen) == []
    assert chime.count == 1


def test_starts_with_who_is_at_a_desk_without_chiming(
    make_display: Callable[[], CallScreen],
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    chime: CountingChime,
) -> None:
    queue.open_desk(hall.desk_ids["Balie 1"], "Sanne")
    queue.open_desk(hall.desk_ids["Balie 4"], "Joris")
    queue.issue_ticket(hall.service_ids["REISDOC"])
    queue.issue_ticket(hall.service_ids["RIJBEWIJS"])
    queue.call_next(hall.desk_ids["Balie 1"])
    clock.advance(30)
    queue.call_next(hall.desk_ids["Balie 4"])
    screen = make_display()  # a display switched on mid-morning
    assert screen.newest_text() == "B001 → Balie 4"
    assert history(screen) == ["A001 Balie 1"]
    assert chime.count == 0


def test_calls_heard_late_after_an_outage_are_shown_without_chime(
    make_display: Callable[[], CallScreen], bus: EventBus, hall: SeedIds, qtbot: QtBot, chime: CountingChime
) -> None:
    screen = make_display()
    # The watcher catches up after the database came back: this call is ten minutes old.
    bus.publish(TicketCalled(hall.location_id, 5, "C005", 3, 3, "Balie 3", 0, "2026-11-23T08:50:00+00:00"))
    qtbot.waitUntil(lambda: screen.newest_text() == "C005 → Balie 3", timeout=5000)
    assert chime.count == 0
    assert not screen.flashing
