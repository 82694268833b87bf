"""Fixtures for the real PC/SC path: pcscd with Debian's vpcd driver and our virtual card on it.

In CI (CI set) a missing pcscd, vpcd or pyscard fails the run; on a developer PC the tests skip.
Several test runs on one machine share the one vpcd reader, so each test holds a file lock on it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

VPCD_READER = "Virtual PCD 00 00"
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
LOCK_WAIT_SECONDS = 240


def _unavailable(reason: str) -> None:
    # In CI nothing that matters is skipped: a missing pcscd is a broken pipeline.
    if os.environ.get("CI") and os.environ.get("CI") not in ("0", "false"):
        pytest.fail(f"pcscd with vsmartcard-vpcd is required in CI: {reason}", pytrace=False)
    pytest.skip(f"pcscd with vsmartcard-vpcd not available: {reason}")


def _start_pcscd() -> None:
    pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
    if pcscd is None or os.geteuid() != 0:
        return
    subprocess.run([pcscd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    deadline = time.monotonic() + 10
    while not PCSCD_SOCKET.is_socket() and time.monotonic() < deadline:
        time.sleep(0.1)  # bounded poll for the daemon's socket


@pytest.fixture(scope="session")
def pcsc_reader() -> str:
    """The name of vpcd's reader; starts pcscd when it is not running and we may."""
    try:
        from app.hardware.idcard.pcsc import reader_names
    except ImportError as error:
        _unavailable(f"pyscard: {error}")
        raise
    from app.core.identity.reader_errors import CardServiceUnavailable

    try:
        names = reader_names()
    except CardServiceUnavailable:
        _start_pcscd()
        try:
            names = reader_names()
        except CardServiceUnavailable as error:
            _unavailable(str(error))
            raise
    if VPCD_READER not in names:
        _unavailable(f"no reader '{VPCD_READER}' (vsmartcard-vpcd installed? readers: {names})")
    return VPCD_READER


@pytest.fixture
def vpcd(pcsc_reader: str) -> Iterator[str]:
    """vpcd's reader for this test alone (other test runs on this machine wait), empty at start."""
    from app.hardware.idcard.pcsc import wait_for_card
    from app.hardware.idcard.virtual_card import READER_LOCK_FILE

    with READER_LOCK_FILE.open("a") as lock:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test run held the vpcd reader for over {LOCK_WAIT_SECONDS} s")
                time.sleep(0.1)  # bounded poll on the lock
        try:
            assert wait_for_card(pcsc_reader, present=False, timeout=5), "a card from elsewhere lies on vpcd"
            yield pcsc_reader
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def virtual_card(vpcd: str) -> Iterator[Callable[..., Any]]:
    """Makes virtual cards (not yet inserted); every one is pulled, and seen gone, after the test."""
    from app.hardware.idcard.pcsc import wait_for_card
    from app.hardware.idcard.virtual_card import VirtualCard
    from tests.unit.icao_vectors import vectors

    cards: list[VirtualCard] = []

    def make(**options: Any) -> VirtualCard:
        card = VirtualCard(vectors()["dg1_td1_nld_example"]["mrz_lines"], **options)
        cards.append(card)
        return card

    yield make
    for card in cards:
        card.pull()
    wait_for_card(vpcd, present=False, timeout=5)
