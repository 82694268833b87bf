"""The virtual card speaks vpcd's protocol: checked here against a stand-in for vpcd on loopback,
so a framing mistake shows without pcscd."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app.hardware.idcard.virtual_card import ATR, CTRL_ATR, CTRL_ON, VirtualCard
from tests.unit.icao_vectors import vectors

SELECT_CARD_ACCESS = bytes.fromhex("00A4020C02011C")


@pytest.fixture
def vpcd_stand_in() -> Iterator[socket.socket]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    yield server
    server.close()


def _send(connection: socket.socket, payload: bytes) -> None:
    connection.sendall(len(payload).to_bytes(2, "big") + payload)


def _receive(connection: socket.socket) -> bytes:
    header = connection.recv(2, socket.MSG_WAITALL)
    if len(header) < 2:
        return b""  # the card went away
    return connection.recv(int.from_bytes(header, "big"), socket.MSG_WAITALL)


def test_answers_atr_and_apdus_and_goes_away_when_pulled(vpcd_stand_in: socket.socket) -> None:
    card = VirtualCard(vectors()["dg1_td1_nld_example"]["mrz_lines"], port=vpcd_stand_in.getsockname()[1], pull_after=1)
    card.insert()
    connection, _ = vpcd_stand_in.accept()
    connection.settimeout(5)
    with connection:
        _send(connection, bytes([CTRL_ATR]))
        assert _receive(connection) == ATR
        _send(connection, bytes([CTRL_ON]))  # no answer to power on
        _send(connection, SELECT_CARD_ACCESS)
        assert _receive(connection) == b"\x90\x00"  # EF.CardAccess is readable without access control
        _send(connection, SELECT_CARD_ACCESS)
        assert _receive(connection) == b""  # pull_after=1: the card left before answering
    assert card.pulled.wait(5)
    assert not card.inserted
    assert card.apdus == 1


def test_atr_is_a_well_formed_contactless_atr() -> None:
    # TS 3B, T0 with 8 historical bytes, TD1/TD2 for T=1, and a TCK that XORs T0..TCK to zero.
    assert ATR[:4] == bytes.fromhex("3B888001") and len(ATR) == 4 + 8 + 1
    check = 0
    for byte in ATR[1:]:
        check ^= byte
    assert check == 0
