"""The real PC/SC path end to end: pyscard → pcscd → vpcd → our virtual card (the in-process chip
behind the vpcd protocol). What a desk or kiosk does with a document on the reader."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.core.events import Event, EventBus
from app.core.identity.errors import AuthenticationFailed
from app.core.identity.events import IdCardInserted, IdCardRemoved
from app.core.identity.mrz import parse_travel_document_mrz
from app.core.identity.reader_errors import CardLostDuringRead, NoCardOnReader, ReaderNotFound
from app.hardware.idcard.pcsc import PcscCardMonitor, PcscTransport
from app.hardware.idcard.reader import AccessControl, open_document
from tests.unit.icao_vectors import vectors

WAIT = 10.0


def mrz_lines() -> list[str]:
    lines: list[str] = vectors()["dg1_td1_nld_example"]["mrz_lines"]
    return lines


def mrz_information() -> str:
    return parse_travel_document_mrz(mrz_lines()).mrz_information


@pytest.fixture
def transport(vpcd: str) -> Iterator[PcscTransport]:
    reader = PcscTransport("virtual pcd 00 00")  # a part of the name, in any case, as in loket.toml
    yield reader
    reader.close()


@pytest.mark.parametrize(("pace", "expected"), [(True, AccessControl.PACE), (False, AccessControl.BAC)])
def test_reads_dg1_from_the_card_on_the_reader(
    virtual_card: Callable[..., Any], transport: PcscTransport, pace: bool, expected: AccessControl
) -> None:
    card = virtual_card(pace=pace)
    card.insert()
    transport.open(wait_seconds=WAIT)
    document = open_document(transport, mrz_information())
    mrz = document.read_dg1()
    assert document.access_control is expected
    assert mrz.document_number == mrz_lines()[0][5:14]
    assert mrz.primary_identifier == "VAN DER STEEN"
    assert mrz.bsn is None and mrz.bsn_redacted
    assert card.apdus >= 7  # every command went through pcscd to the card


@pytest.mark.parametrize("pace", [True, False])
def test_answers_in_t0_parts_are_joined_by_the_transport(
    virtual_card: Callable[..., Any], transport: PcscTransport, pace: bool
) -> None:
    card = virtual_card(pace=pace, t0_part=16)  # e.g. the 40-byte EXTERNAL AUTHENTICATE answer
    card.insert()
    transport.open(wait_seconds=WAIT)
    document = open_document(transport, mrz_information())
    assert document.read_dg1().document_number == mrz_lines()[0][5:14]
    assert card.apdus > (12 if pace else 7)  # the GET RESPONSEs came on top


@pytest.mark.parametrize("pace", [True, False])
def test_a_wrong_mrz_is_a_clear_authentication_error(
    virtual_card: Callable[..., Any], transport: PcscTransport, pace: bool
) -> None:
    virtual_card(pace=pace).insert()
    transport.open(wait_seconds=WAIT)
    with pytest.raises(AuthenticationFailed) as raised:
        open_document(transport, vectors()["bac"]["mrz_information"])
    assert raised.value.code == "identity.authentication_failed"
    assert raised.value.details["status_word"] in (0x6300, 0x6982)
    assert "documentnummer" in str(raised.value)


@pytest.mark.parametrize("pace", [True, False])
def test_a_card_pulled_mid_read_is_retryable_and_the_retry_reads(
    virtual_card: Callable[..., Any], transport: PcscTransport, pace: bool
) -> None:
    # BAC: 7 commands, PACE: 12; the card slides off on the first READ BINARY of DG1.
    card = virtual_card(pace=pace, pull_after=10 if pace else 5)
    card.insert()
    transport.open(wait_seconds=WAIT)
    with pytest.raises(CardLostDuringRead) as raised:
        open_document(transport, mrz_information()).read_dg1()
    assert raised.value.retryable
    assert raised.value.code == "identity.card_removed"
    assert not transport.is_open

    card.pull_after = None
    card.insert()  # the visitor puts the card back
    transport.open(wait_seconds=WAIT)
    assert open_document(transport, mrz_information()).read_dg1().document_number == mrz_lines()[0][5:14]


def test_no_card_and_no_such_reader_are_typed_errors(vpcd: str) -> None:
    with pytest.raises(NoCardOnReader) as no_card:
        PcscTransport(vpcd).open()
    assert no_card.value.retryable
    with pytest.raises(ReaderNotFound) as no_reader:
        PcscTransport("OMNIKEY 5422").open()
    assert not no_reader.value.retryable
    assert vpcd in no_reader.value.details["available"]  # type: ignore[operator]


class Recorder:
    """Collects bus events from pyscard's monitor thread; the test waits on a condition."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait_for(self, kind: type[Event], count: int = 1) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: sum(isinstance(e, kind) for e in self.events) >= count, WAIT)


def test_the_monitor_publishes_insertion_and_removal(virtual_card: Callable[..., Any], vpcd: str) -> None:
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(Event, recorder)
    monitor = PcscCardMonitor(bus, "Virtual PCD 00 00")
    monitor.start()
    try:
        card = virtual_card()
        card.insert()
        assert recorder.wait_for(IdCardInserted)
        card.pull()
        assert recorder.wait_for(IdCardRemoved)
        card.insert()
        assert recorder.wait_for(IdCardInserted, 2)
    finally:
        monitor.stop()
    kinds = [type(event) for event in recorder.events]
    assert kinds[-3:] == [IdCardInserted, IdCardRemoved, IdCardInserted]
    assert all(getattr(event, "reader", "") == vpcd for event in recorder.events)


def test_card_events_reach_the_ui_thread_through_the_bridge(
    qtbot: Any, qapp: Any, virtual_card: Callable[..., Any], vpcd: str
) -> None:
    from PySide6.QtCore import QThread

    from app.ui.bridge import EventBridge

    bus = EventBus()
    bridge = EventBridge(bus)
    seen: list[tuple[str, bool]] = []
    bridge.id_card_inserted.connect(lambda event: seen.append(("in", QThread.currentThread() is qapp.thread())))
    bridge.id_card_removed.connect(lambda event: seen.append(("out", QThread.currentThread() is qapp.thread())))
    monitor = PcscCardMonitor(bus, vpcd)
    monitor.start()
    try:
        card = virtual_card()
        card.insert()
        qtbot.waitUntil(lambda: ("in", True) in seen, timeout=int(WAIT * 1000))
        card.pull()
        qtbot.waitUntil(lambda: ("out", True) in seen, timeout=int(WAIT * 1000))
    finally:
        monitor.stop()
        bridge.detach()
    assert seen[-2:] == [("in", True), ("out", True)]  # on the UI thread, in the order they happened
