"""A terminal that approves less than asked (nexo Result "Partial", OPI Success with a smaller
TotalAmount): the journal keeps what was really authorised, the order is not paid, nothing is
counted in the kas, no new attempt can start, and a person decides. Over both protocols' real
drivers and simulators on 127.0.0.1, and both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.clock import FakeClock
from app.core.payment.errors import NewAttemptRefused
from app.core.payment.ports import PaymentTerminal
from app.core.payment.service import PaymentService, PaymentUpdate
from app.core.payment.state import PaymentState
from app.core.payment.texts import REASON_PARTIAL, partial_text
from app.core.staff import Actor, Role
from app.hardware.payment.fake import FakeTerminal
from app.hardware.payment.nexo_simulator import NexoSimulator, demo_credentials
from app.hardware.payment.nexo_terminal import NexoSettings, NexoTerminal
from app.hardware.payment.opi_simulator import OpiSimulator
from app.hardware.payment.opi_terminal import OpiSettings, OpiTerminal
from app.store.database import Database
from app.store.payment_repository import SqlPaymentJournal

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CLERK = Actor(staff_id=7, username="jdevries", display_name="Jan de Vries", roles=frozenset({Role.BALIEMEDEWERKER}))
LEAD = Actor(staff_id=8, username="abakker", display_name="Anna Bakker", roles=frozenset({Role.TEAMLEIDER}))
ASKED = 1098  # € 10,98: the simulators' partial scenario authorises half
AUTHORISED = 549


@pytest.fixture(params=["nexo", "opi", "fake"])
def terminal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PaymentTerminal]:
    if request.param == "nexo":
        nexo = NexoSimulator(state_file=tmp_path / "nexo.json")
        nexo.start()
        settings = NexoSettings(
            host="127.0.0.1",
            port=nexo.port,
            poi_id=nexo.poi_id,
            sale_id="LOKET-BALIE-3",
            credentials=demo_credentials(),
            fingerprint=nexo.fingerprint,
        )
        term: PaymentTerminal = NexoTerminal(settings)
        term.open()
        yield term
        term.close()
        nexo.stop()
    elif request.param == "opi":
        opi = OpiSimulator().start()
        opi_term = OpiTerminal(
            OpiSettings(terminal_host="127.0.0.1", terminal_port=opi.port, device_address="127.0.0.1", device_port=0)
        )
        opi_term.open()
        opi.device_port = opi_term.device_port
        yield opi_term
        opi_term.close()
        opi.stop()
    else:
        fake = FakeTerminal()
        fake.open()
        yield fake


def test_partial_approval_needs_a_person_and_is_journalled_with_the_authorised_amount(
    terminal: PaymentTerminal, database: Database
) -> None:
    clock = FakeClock(START)
    journal = SqlPaymentJournal(database, clock)
    service = PaymentService(terminal, journal, clock, workstation="balie 3", status_retry_seconds=0)
    updates: list[PaymentUpdate] = []
    order = service.create_order(CLERK, ASKED, "Paspoort")

    order = service.pay(order.order_id, updates.append)

    assert order.current is not None and order.current.state is PaymentState.NEEDS_OPERATOR
    assert not order.is_paid
    last = updates[-1]
    assert (last.state, last.reason, last.approved_cents) == (PaymentState.NEEDS_OPERATOR, REASON_PARTIAL, AUTHORISED)
    (entry,) = service.entries(order.order_id)
    assert (entry.state, entry.amount_cents, entry.approved_cents) == (PaymentState.NEEDS_OPERATOR, ASKED, AUTHORISED)
    assert entry.reason == REASON_PARTIAL and entry.approval_code
    # Not counted as paid in the kas, and no second charge can be started.
    assert journal.approved_between(START - timedelta(days=1), START + timedelta(days=1)) == []
    with pytest.raises(NewAttemptRefused):
        service.new_attempt(CLERK, order.order_id)
    # It stays open for the start-up recovery too, which leaves it to a person.
    assert [o.order_id for o in journal.open_orders(terminal.poi_id)] == [order.order_id]
    assert [o.current.state for o in service.recover_open() if o.current] == [PaymentState.NEEDS_OPERATOR]
    decided = service.resolve_by_operator(LEAD, order.order_id, paid=False)
    assert decided.current is not None and decided.current.state is PaymentState.DECLINED


def test_partial_texts_name_both_amounts() -> None:
    texts = partial_text(ASKED, AUTHORISED)
    assert texts.kiosk.startswith("De betaalautomaat heeft € 5,49 afgeschreven in plaats van € 10,98.")
    assert "Betaal niet nog een keer." in texts.kiosk
    assert "€ 5,49 goedgekeurd, maar de klant moet € 10,98 betalen" in texts.desk
    assert "Start geen nieuwe betaling." in texts.desk
