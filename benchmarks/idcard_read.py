"""(f) Reading an ID card: BAC + DG1 and PACE + DG1 through the real PC/SC path (pyscard → pcscd →
vpcd → our virtual card on loopback), time and number of APDUs.

The clock runs from the first command of access control to the last byte of DG1; the connect to
the card (a power-up) is left out. Reference in the same run: the same reads against the
in-process chip, which is the cryptography alone without PC/SC and vpcd.
Found with it: ~44 ms per APDU of delayed ACK against vpcd's Nagle (BAC + DG1 took 320 ms); the
virtual card now ACKs at once and PC/SC adds about 0.15 ms per APDU.
Needs pcscd with vsmartcard-vpcd (`./run bench` starts it).
"""

from __future__ import annotations

import fcntl
import time

from app.core.identity.mrz import parse_travel_document_mrz
from app.hardware.idcard.diagnostics import RecordingTransport
from app.hardware.idcard.fake_chip import FakeEmrtdChip
from app.hardware.idcard.pcsc import PcscTransport, wait_for_card
from app.hardware.idcard.reader import DG1, open_document
from app.hardware.idcard.virtual_card import READER_LOCK_FILE, VirtualCard, dg1_for
from benchmarks.common import Figure, summary

READER = "Virtual PCD 00 00"
# ICAO 9303 part 3 specimen (TD3); its numbers mean nothing.
MRZ_LINES = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def _read(transport: RecordingTransport, key: str) -> float:
    started = time.perf_counter()
    open_document(transport, key).read_dg1()
    return (time.perf_counter() - started) * 1000


def _over_pcsc(pace: bool, key: str, rounds: int) -> tuple[list[float], int]:
    times: list[float] = []
    apdus = 0
    with VirtualCard(MRZ_LINES, pace=pace):
        transport = PcscTransport(READER)
        for _ in range(rounds):
            transport.open(wait_seconds=10)  # a fresh power-up: a new chip session each round
            recorder = RecordingTransport(transport)
            times.append(_read(recorder, key))
            apdus = len(recorder.steps)
            transport.close()
    wait_for_card(READER, present=False, timeout=5)
    return times, apdus


def _in_process(pace: bool, key: str, rounds: int) -> tuple[list[float], int]:
    times: list[float] = []
    apdus = 0
    for _ in range(rounds):
        recorder = RecordingTransport(FakeEmrtdChip(key, {DG1: dg1_for(MRZ_LINES)}, pace=pace))
        times.append(_read(recorder, key))
        apdus = len(recorder.steps)
    return times, apdus


def run(rounds: int = 200) -> list[Figure]:
    rounds = max(1, min(rounds, 50))  # PACE costs ~50 ms of pure-Python EC arithmetic per read
    key = parse_travel_document_mrz(MRZ_LINES).mrz_information
    figures: list[Figure] = []
    with READER_LOCK_FILE.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # test runs on this machine use the same vpcd reader
        for name, pace in (("BAC", False), ("PACE", True)):
            real, real_apdus = _over_pcsc(pace, key, rounds)
            bare, bare_apdus = _in_process(pace, key, rounds)
            over, ref = summary(real), summary(bare)
            figures += [
                Figure(
                    f"(f) {name} + DG1 via PC/SC (vpcd) p50", over["p50"], "ms", "zelfde in-process p50", ref["p50"]
                ),
                Figure(
                    f"(f) {name} + DG1 via PC/SC (vpcd) p95", over["p95"], "ms", "zelfde in-process p95", ref["p95"]
                ),
                Figure(f"(f) {name} + DG1 APDU's", real_apdus, "APDU", "in-process", bare_apdus),
            ]
    return figures
