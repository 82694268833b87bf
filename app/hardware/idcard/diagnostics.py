"""Reading a card step by step for IT staff and benchmarks: per command its name, status word and
time, never its bytes (APDUs carry personal data). Used by `loket devices idcard`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.core.errors import LoketError
from app.core.identity.errors import IdentityError, MrzInvalid
from app.core.identity.mrz import check_digit, parse_travel_document_mrz
from app.core.identity.ports import CardTransport
from app.hardware.idcard.reader import AccessControl, open_document

COMMAND_NAMES = {
    0xA4: "SELECT",
    0xB0: "READ BINARY",
    0xB1: "READ BINARY (B1)",
    0x84: "GET CHALLENGE",
    0x82: "EXTERNAL AUTHENTICATE",
    0x22: "MSE:SET AT",
    0x86: "GENERAL AUTHENTICATE",
}
_SECURE_MESSAGING = 0x0C
_MRZ_INFORMATION_LENGTH = 24  # 9-character document number: every Dutch document


def command_name(apdu: bytes) -> str:
    if len(apdu) < 4:
        return "?"
    name = COMMAND_NAMES.get(apdu[1], f"INS {apdu[1]:02X}")
    return f"{name} (SM)" if apdu[0] & _SECURE_MESSAGING else name


@dataclass(frozen=True)
class Step:
    command: str
    status_word: int | None  # None: no answer (the card went away)
    millis: float


class RecordingTransport:
    """Wraps a CardTransport and notes every exchange as a Step."""

    def __init__(self, inner: CardTransport) -> None:
        self._inner = inner
        self.steps: list[Step] = []

    def transmit(self, apdu: bytes) -> bytes:
        started = time.perf_counter()
        try:
            response = self._inner.transmit(apdu)
        except LoketError:
            self.steps.append(Step(command_name(apdu), None, (time.perf_counter() - started) * 1000))
            raise
        status = int.from_bytes(response[-2:], "big") if len(response) >= 2 else None
        self.steps.append(Step(command_name(apdu), status, (time.perf_counter() - started) * 1000))
        return response


@dataclass
class CardCheck:
    """The outcome of reading DG1 once: how access went, each step, and the error if any."""

    steps: list[Step] = field(default_factory=list)
    access_control: AccessControl | None = None
    dg1_matches: bool | None = None  # DG1 holds the document number and dates that were typed
    error: IdentityError | None = None
    millis: float = 0.0
    reader: str = ""
    atr: bytes = b""


def check_card(transport: CardTransport, mrz_information: str) -> CardCheck:
    """Opens the document with PACE or BAC and reads DG1, recording every step."""
    recorder = RecordingTransport(transport)
    result = CardCheck(steps=recorder.steps)
    started = time.perf_counter()
    try:
        document = open_document(recorder, mrz_information)
        result.access_control = document.access_control
        result.dg1_matches = document.read_dg1().mrz_information == mrz_information
    except IdentityError as error:
        result.error = error
    result.millis = (time.perf_counter() - started) * 1000
    return result


def check_reader(reader: str, mrz_information: str, *, wait_seconds: float = 10.0) -> CardCheck:
    """`check_card` on the PC/SC reader whose name holds `reader`, waiting for a card to be put on it.
    Reader errors before the first command (no reader, no card) are raised, not recorded."""
    from app.hardware.idcard.pcsc import PcscTransport  # pyscard only for those who use a real reader

    transport = PcscTransport(reader)
    transport.open(wait_seconds=wait_seconds)
    try:
        result = check_card(transport, mrz_information)
    finally:
        transport.close()
    result.reader, result.atr = transport.reader_name, transport.atr
    return result


def report_lines(result: CardCheck) -> list[str]:
    """The steps as IT staff read them (Dutch): number, command, status word, time."""
    lines = [f"kaartlezer: {result.reader}", f"kaart:      ATR {result.atr.hex().upper()}"] if result.reader else []
    for number, step in enumerate(result.steps, start=1):
        status = f"{step.status_word:04X}" if step.status_word is not None else "----"
        lines.append(f"  {number:>3}  {step.command:<28} {status}  {step.millis:8.1f} ms")
    lines.append(f"{len(result.steps)} opdrachten in {result.millis:.0f} ms")
    if result.error is None:
        lines.append(f"toegangscontrole: {result.access_control.name if result.access_control else '-'}")
        lines.append(f"DG1 gelezen; komt overeen met het ingevoerde MRZ: {'ja' if result.dg1_matches else 'NEE'}")
    return lines


def mrz_key(text: str) -> str:
    """The BAC/PACE key input from what IT staff typed: the whole MRZ (its lines separated by
    spaces) or only document number, birth date and expiry with their check digits (24 characters)."""
    parts = text.upper().split()
    if len(parts) >= 2:
        return parse_travel_document_mrz(parts).mrz_information
    key = parts[0] if parts else ""
    if len(key) != _MRZ_INFORMATION_LENGTH:
        raise MrzInvalid("Geef het hele MRZ of documentnummer, geboortedatum en vervaldatum met controlecijfers.")
    fields = ((0, 9), (10, 16), (17, 23))
    if any(check_digit(key[start:end]) != key[end] for start, end in fields):
        raise MrzInvalid("Een controlecijfer in het ingevoerde MRZ klopt niet.")
    return key
