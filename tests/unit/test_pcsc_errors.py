"""How pyscard's failures become our typed errors, with a stand-in for a pyscard connection (the
real path through pcscd is in tests/hardware)."""

from __future__ import annotations

import pytest
from smartcard.Exceptions import CardConnectionException

from app.core.identity.reader_errors import CardLostDuringRead, ReaderNotFound
from app.hardware.idcard.pcsc import PcscTransport, choose_reader


class FailingConnection:
    def __init__(self, hresult: int) -> None:
        self.hresult = hresult
        self.disconnected = False

    def transmit(self, _apdu: list[int]) -> tuple[list[int], int, int]:
        raise CardConnectionException("transmit failed", hresult=self.hresult)

    def disconnect(self) -> None:
        self.disconnected = True


def _transport_on(connection: FailingConnection) -> PcscTransport:
    transport = PcscTransport("lezer")
    transport._connection = connection
    transport.reader_name = "ACS ACR1252 Dual Reader PICC 00 00"
    return transport


@pytest.mark.parametrize("hresult", [0x80100069, 0x80100016, 0x8010002F])  # removed, not transacted, comm error
def test_a_card_gone_mid_read_is_retryable(hresult: int) -> None:
    connection = FailingConnection(hresult)
    transport = _transport_on(connection)
    with pytest.raises(CardLostDuringRead) as raised:
        transport.transmit(bytes.fromhex("00B0000004"))
    assert raised.value.retryable and raised.value.details["hresult"] == hresult
    assert connection.disconnected and not transport.is_open


def test_an_unplugged_reader_is_not_a_pulled_card() -> None:
    with pytest.raises(ReaderNotFound) as raised:
        _transport_on(FailingConnection(0x80100017)).transmit(bytes.fromhex("00B0000004"))
    assert not raised.value.retryable


def test_the_reader_is_chosen_by_a_part_of_its_name() -> None:
    names = ["Alcor Micro AU9540 00 00", "HID Global OMNIKEY 5022 Smart Card Reader 01 00"]
    assert choose_reader(names, "omnikey") == names[1]
    assert choose_reader(names) == names[0]
    with pytest.raises(ReaderNotFound):
        choose_reader(names, "ACR122")
    with pytest.raises(ReaderNotFound):
        choose_reader([], "")
