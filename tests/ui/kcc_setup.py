"""Shared set-up of the KCC desk tests: real services on the test's SQLite store.

The knowledge base is the real seed (511 UPL products, the curated ones with fees), the citizens
are the RvIG BRP test persons from tests/fixtures, the accounts are real rows with scrypt hashes
(cheap parameters, which the sign-in itself upgrades).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.balie.desk_screen import DeskScreen
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices, KccWorkspace
from app.bootstrap_kcc import kcc_services
from app.core.auth import ScryptParams, StaffAccount, hash_password
from app.core.clock import FakeClock
from app.core.kcc.brp_local import load_persons
from app.core.kcc.persons import LocalPersonRegistry
from app.core.queue.service import QueueService
from app.core.staff import Role
from app.store.database import Database
from app.store.knowledge_seed import seed_knowledge
from app.store.seed import SeedIds
from app.store.staff_repository import SqlStaffDirectory
from app.ui.bridge import EventBridge
from app.ui.tasks import SyncTaskRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BRP_CSV = FIXTURES / "brp-testpersonen-samenvatting.csv"
#: Monday 26 April 2027, 10:00 in Amsterdam: the day before Koningsdag
MONDAY_BEFORE_KONINGSDAG = datetime(2027, 4, 26, 8, 0, tzinfo=UTC)

ACCOUNTS = {
    "anna": ("Anna de Vries", Role.BALIEMEDEWERKER, "anna-wachtwoord-123"),
    "sanne": ("Sanne Jansen", Role.GASTHEER, "sanne-wachtwoord-123"),
    "fatma": ("Fatma Yilmaz", Role.TEAMLEIDER, "fatma-wachtwoord-123"),
    "pieter": ("Pieter Bakker", Role.REDACTEUR, "pieter-wachtwoord-123"),
}


@dataclass(frozen=True)
class BrpRow:
    bsn: str
    voornamen: str
    voorvoegsel: str
    geslachtsnaam: str
    geboortedatum: str
    reisdocumenten: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.voornamen, self.voorvoegsel, self.geslachtsnaam) if p)


def brp_row(bsn: str) -> BrpRow:
    """A row of the RvIG test set as the file has it (the reference, not our parser)."""
    with BRP_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["burgerservicenummer"] == bsn:
                return BrpRow(
                    bsn,
                    row["voornamen"],
                    row["voorvoegsel"],
                    row["geslachtsnaam"],
                    row["geboortedatum"],
                    row["reisdocumenten"],
                )
    raise KeyError("BSN not in the test set")


def add_accounts(database: Database) -> None:
    directory = SqlStaffDirectory(database.writer, database.reader)
    cheap = ScryptParams(n=2**10, r=8, p=1)  # fast to make; the sign-in upgrades it
    for username, (name, role, password) in ACCOUNTS.items():
        hashed = hash_password(password, cheap)
        directory.add(StaffAccount(None, username, name, frozenset({role}), hashed))


def build_kcc(database: Database, clock: FakeClock) -> KccServices:
    seed_knowledge(database)
    add_accounts(database)
    registry = LocalPersonRegistry(load_persons(BRP_CSV.read_text(encoding="utf-8")))
    return kcc_services(database, clock, registry)


def make_kcc_balie(
    keep: list[QWidget],
    qtbot: QtBot,
    queue: QueueService,
    clock: FakeClock,
    hall: SeedIds,
    runner: SyncTaskRunner,
    bridge: EventBridge,
    kcc: KccServices,
) -> Callable[..., BalieWindow]:
    def make(username: str = "anna", desk: str = "Balie 1", *, sign_in: bool = True) -> BalieWindow:
        window = BalieWindow(
            queue, clock, hall.location_id, runner, bridge, desk_id=hall.desk_ids[desk], staff=username, kcc=kcc
        )
        qtbot.addWidget(window)
        keep.append(window)
        window.resize(1280, 800)
        window.show()
        if sign_in:
            window.sign_in_screen.password_edit.setText(ACCOUNTS[username][2])
            window.sign_in_screen.sign_in_button.click()
            assert window.desk_screen is not None, window.sign_in_screen.error_area.text()
        return window

    return make


def parts(window: BalieWindow) -> tuple[DeskScreen, KccWorkspace]:
    assert window.desk_screen is not None and window.workspace is not None
    return window.desk_screen, window.workspace
