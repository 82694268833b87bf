"""`loket devices payment`: does the terminal answer, and does a € 0,01 payment go through?

For IT staff at the PC. Returns Dutch report lines; the CLI prints them. The status check moves
no money: it asks about a ServiceID that was never used, which a working terminal answers with
"not found". The test payment follows the port's rules: a fresh ServiceID per request, never a
second payment; an unknown outcome is asked about by status query, never paid again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.core.payment.errors import PaymentError
from app.core.payment.ports import (
    DisplayCallback,
    OutcomeUnknown,
    PaymentRequest,
    PaymentTerminal,
    StatusReply,
    TerminalResult,
)
from app.core.payment.service_id import random_token
from app.core.payment.state import Outcome, StatusResult
from app.core.printing import euro

log = logging.getLogger(__name__)

TEST_AMOUNT_CENTS = 1
#: status queries after a lost answer before we give up and tell IT to look at the terminal
STATUS_ATTEMPTS = 3

OUTCOME_WORDS = {
    Outcome.APPROVED: "gelukt",
    Outcome.DECLINED: "geweigerd, er is niets afgeschreven",
    Outcome.ABORTED: "afgebroken, er is niets afgeschreven",
}


@dataclass(frozen=True)
class TerminalCheck:
    answered: bool
    detail: str  # Dutch, one line


@dataclass(frozen=True)
class TrialPayment:
    result: TerminalResult | None  # None: the outcome stayed unknown
    recovered: bool = False  # the outcome came from a status query after a lost answer

    @property
    def approved(self) -> bool:
        return self.result is not None and self.result.outcome is Outcome.APPROVED


def check_terminal(terminal: PaymentTerminal, new_id: Callable[[], str] = random_token) -> TerminalCheck:
    """A status query for a never-used ServiceID: any real answer proves the terminal listens."""
    try:
        reply = terminal.transaction_status(new_id(), new_id())
    except PaymentError as error:
        log.info("terminal %s did not answer a status query (%s)", terminal.poi_id, error.code)
        return TerminalCheck(False, f"geen antwoord: {error.message}")
    if reply.result is StatusResult.STILL_IN_PROGRESS:
        return TerminalCheck(True, "antwoordt; de automaat is nu bezig met een betaling")
    return TerminalCheck(True, "antwoordt")


def pay_test_amount(
    terminal: PaymentTerminal,
    on_display: DisplayCallback,
    new_id: Callable[[], str] = random_token,
    operator: str = "ict-test",
    amount_cents: int = TEST_AMOUNT_CENTS,
) -> TrialPayment:
    """Pays € 0,01. Raises TerminalUnreachable/TerminalBusy when nothing can have been charged."""
    service_id = new_id()
    request = PaymentRequest(
        service_id=service_id,
        transaction_reference=f"TEST{service_id}",
        amount_cents=amount_cents,
        operator_id=operator,
    )
    try:
        return TrialPayment(terminal.pay(request, on_display))
    except OutcomeUnknown as error:
        log.warning("test payment %s: answer lost (%s); asking its status", service_id, error.code)
    for _ in range(STATUS_ATTEMPTS):
        try:
            reply = terminal.transaction_status(service_id, new_id())
        except PaymentError as error:
            log.warning("status query for test payment failed (%s)", error.code)
            continue
        decided = _decided(reply)
        if decided is not None:
            return TrialPayment(decided, recovered=True)
    return TrialPayment(None)


def _decided(reply: StatusReply) -> TerminalResult | None:
    if reply.result is StatusResult.NOT_FOUND:
        # The terminal never got the request: nothing was charged.
        return TerminalResult(outcome=Outcome.ABORTED, service_id="", amount_cents=0, reason="niet ontvangen")
    return reply.payment


def check_lines(check: TerminalCheck) -> list[str]:
    return [f"status: {check.detail}"]


def payment_lines(payment: TrialPayment) -> list[str]:
    result = payment.result
    if result is None:
        return [
            "uitkomst: onbekend. Betaal niet opnieuw; kijk op de pinautomaat of in het overzicht van de "
            "betaaldienst of de cent is afgeschreven."
        ]
    lines = [f"uitkomst: {OUTCOME_WORDS[result.outcome]}" + (" (via statusvraag)" if payment.recovered else "")]
    if result.outcome is Outcome.APPROVED:
        lines.append(f"bedrag: {euro(result.amount_cents)}")
    if result.masked_pan:
        brand = f" ({result.card_brand})" if result.card_brand else ""
        lines.append(f"kaart: {result.masked_pan}{brand}")
    if result.approval_code:
        lines.append(f"autorisatiecode: {result.approval_code}")
    if result.reason and result.outcome is not Outcome.APPROVED:
        lines.append(f"reden: {result.reason}")
    if result.cardholder_receipt:
        lines.append("bon van de pinautomaat:")
        lines.extend(f"  {line}" for line in result.cardholder_receipt)
    return lines
