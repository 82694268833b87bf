"""The real card reader: PC/SC through pyscard (pcscd on Linux, the Smart Card service on Windows).

`PcscTransport` is the core's CardTransport on one reader, chosen by a part of its name from the
workstation file ([devices.card_reader] reader = "OMNIKEY"); explicit open/close. `PcscCardMonitor`
publishes IdCardInserted / IdCardRemoved on the EventBus from pyscard's monitor thread.
APDUs are never logged: they carry personal data.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from smartcard import scard
from smartcard.CardMonitoring import CardMonitor, CardObserver
from smartcard.Exceptions import NoCardException, SmartcardException
from smartcard.System import readers as pcsc_readers

from app.core.events import EventBus
from app.core.identity.events import IdCardInserted, IdCardRemoved
from app.core.identity.reader_errors import (
    CardLostDuringRead,
    CardReaderError,
    CardServiceUnavailable,
    NoCardOnReader,
    ReaderNotFound,
)

logger = logging.getLogger(__name__)

_SW1_MORE_DATA = 0x61
_MAX_GET_RESPONSE = 64  # 64 parts of 256 bytes is far beyond any short-APDU answer: a broken card
# pyscard's hresult when the service is gone (pcscd stopped, or no Smart Card service on Windows).
_NO_SERVICE = {0x8010001D, 0x8010001E}  # SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED
_READER_GONE = {0x80100017, 0x80100009}  # SCARD_E_READER_UNAVAILABLE, SCARD_E_UNKNOWN_READER


def _hresult(error: SmartcardException) -> int:
    return error.hresult & 0xFFFFFFFF if error.hresult != -1 else -1


def reader_names() -> list[str]:
    """Names of the attached readers; CardServiceUnavailable when PC/SC does not answer."""
    try:
        return [str(reader) for reader in pcsc_readers()]
    except SmartcardException as error:
        raise CardServiceUnavailable(
            "De kaartlezerdienst (PC/SC) draait niet op deze pc.", hresult=_hresult(error)
        ) from None


def choose_reader(names: list[str], wanted: str = "") -> str:
    """The first reader whose name holds `wanted` (case-insensitive); any reader when it is empty."""
    if not names:
        raise ReaderNotFound("Er is geen kaartlezer aangesloten.")
    matches = [name for name in names if wanted.casefold() in name.casefold()]
    if not matches:
        raise ReaderNotFound(f"Er is geen kaartlezer met '{wanted}' in de naam.", available=names)
    return matches[0]


def wait_for_card(reader: str, *, present: bool = True, timeout: float = 5.0) -> bool:
    """Waits (in pcscd, SCardGetStatusChange) until a card lies on `reader` (or is gone, with
    `present=False`); False when `timeout` seconds passed first."""
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise CardServiceUnavailable("De kaartlezerdienst (PC/SC) draait niet op deze pc.", hresult=hresult)
    try:
        deadline = time.monotonic() + timeout
        known = scard.SCARD_STATE_UNAWARE
        while True:
            remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
            hresult, states = scard.SCardGetStatusChange(context, remaining_ms, [(reader, known)])
            if hresult == scard.SCARD_E_TIMEOUT:
                return False
            if hresult != scard.SCARD_S_SUCCESS:
                raise ReaderNotFound(f"De kaartlezer '{reader}' is niet bereikbaar.", hresult=hresult)
            state = states[0][1]
            if bool(state & scard.SCARD_STATE_PRESENT) == present and not state & scard.SCARD_STATE_MUTE:
                return True
            if time.monotonic() >= deadline:
                return False
            known = state & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(context)


class PcscTransport:
    """A CardTransport on one PC/SC reader. `open()` connects to the card on it, `close()` lets go
    and powers the card down (a next open starts a fresh chip session, as a real reader does)."""

    def __init__(self, reader: str = "") -> None:
        self._wanted = reader
        self._connection: Any = None
        self.reader_name = ""
        self.atr = b""

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    def open(self, *, wait_seconds: float = 0.0) -> None:
        """Connects to the card; with `wait_seconds` waits that long for one to be put on the reader."""
        if self._connection is not None:
            return
        self.reader_name = choose_reader(reader_names(), self._wanted)
        deadline = time.monotonic() + wait_seconds
        while True:
            if wait_seconds > 0 and not wait_for_card(self.reader_name, timeout=deadline - time.monotonic()):
                raise NoCardOnReader("Er ligt geen kaart op de lezer.", reader=self.reader_name)
            connection = next(r for r in pcsc_readers() if str(r) == self.reader_name).createConnection()
            try:
                connection.connect()
                break
            except NoCardException:
                error: CardReaderError = NoCardOnReader("Er ligt geen kaart op de lezer.", reader=self.reader_name)
            except SmartcardException as failure:
                error = self._connect_error(failure)
            if time.monotonic() >= deadline:
                raise error
            # pcscd still showed the card that was pulled a moment ago; wait until it notices.
            wait_for_card(self.reader_name, present=False, timeout=min(1.0, deadline - time.monotonic()))
        self._connection = connection
        self.atr = bytes(connection.getATR())
        logger.info("connected to the card on %s", self.reader_name)

    def _connect_error(self, error: SmartcardException) -> CardReaderError:
        code = _hresult(error)
        if code in _NO_SERVICE:
            return CardServiceUnavailable("De kaartlezerdienst (PC/SC) draait niet op deze pc.", hresult=code)
        return NoCardOnReader(
            "De kaart op de lezer antwoordt niet. Leg de kaart opnieuw op de lezer.",
            reader=self.reader_name,
            hresult=code,
        )

    def transmit(self, apdu: bytes) -> bytes:
        data, sw1, sw2 = self._exchange(apdu)
        chained = 0
        while sw1 == _SW1_MORE_DATA and chained < _MAX_GET_RESPONSE:
            # T=0 hands long answers out in parts (61xx: xx more bytes); that is the transport's
            # business, below secure messaging, so the caller sees one whole response.
            more, sw1, sw2 = self._exchange(bytes([0x00, 0xC0, 0x00, 0x00, sw2]))
            data += more
            chained += 1
        return data + bytes([sw1, sw2])

    def _exchange(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self._connection is None:
            raise NoCardOnReader("Er is geen verbinding met een kaart; open de lezer eerst.")
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except SmartcardException as error:
            code = _hresult(error)
            self.close()
            if code in _READER_GONE:
                raise ReaderNotFound("De kaartlezer is losgekoppeld tijdens het lezen.", hresult=code) from None
            # On a contactless reader any other failure mid-exchange means the card left the field.
            raise CardLostDuringRead(
                "De kaart is van de lezer gehaald tijdens het lezen. Leg de kaart terug en probeer het opnieuw.",
                reader=self.reader_name,
                hresult=code,
            ) from None
        return bytes(data), sw1, sw2

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.disconnect()
        except SmartcardException as error:  # the card is already gone: nothing left to release
            logger.debug("disconnect failed (%#x)", _hresult(error))
        with contextlib.suppress(SmartcardException, AttributeError):
            connection.release()

    def __enter__(self) -> PcscTransport:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _Observer(CardObserver):
    def __init__(self, monitor: PcscCardMonitor) -> None:
        self._monitor = monitor

    def update(self, _observable: object, handlers: tuple[list[Any], list[Any]]) -> None:
        added, removed = handlers
        for card in added:
            self._monitor.card_changed(str(card.reader), inserted=True)
        for card in removed:
            self._monitor.card_changed(str(card.reader), inserted=False)


class PcscCardMonitor:
    """Card insertion and removal on the configured reader(s), as events on the bus. Handlers run
    on pyscard's monitor thread; the Qt bridge moves them to the UI thread. start()/stop()."""

    def __init__(self, bus: EventBus, reader: str = "", *, location_id: int = 0) -> None:
        self._bus = bus
        self._wanted = reader.casefold()
        self._location_id = location_id
        self._observer = _Observer(self)
        self._monitor: Any = None

    def start(self) -> None:
        if self._monitor is not None:
            return
        reader_names()  # a stopped PC/SC service is an error now, not a silent monitor thread later
        self._monitor = CardMonitor()
        # addObserver reports the cards already on a reader as inserted, on this thread.
        self._monitor.addObserver(self._observer)

    def stop(self) -> None:
        monitor, self._monitor = self._monitor, None
        if monitor is not None:
            monitor.deleteObserver(self._observer)

    def card_changed(self, reader: str, *, inserted: bool) -> None:
        if self._wanted not in reader.casefold():
            return
        event = IdCardInserted if inserted else IdCardRemoved
        logger.info("card %s on %s", "inserted" if inserted else "removed", reader)
        self._bus.publish(event(self._location_id, reader))
