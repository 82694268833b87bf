"""The desk's cash register (kas): card and cash lines, and the day closing.

Card lines come from the payment journal (approved attempts of this desk's terminal); cash lines
are entered by the clerk. The day closing compares the journal with the terminal's own totals
(reconciliation with closure of the terminal's period) and the counted cash with the expected
cash, and explains every difference in plain Dutch. A period runs from the previous closing of
this kas to now, like the terminal's own period, so a day that was not closed is not lost.
Expected cash is the cash taken in the period; the change float (wisselgeld) is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from app.core.clock import Clock
from app.core.payment.errors import PaymentError
from app.core.payment.journal import JournalEntry, PaymentJournal
from app.core.payment.ports import PaymentTerminal, TerminalTotals
from app.core.payment.service_id import UNIQUE_FOR, ServiceIdAllocator
from app.core.printing import euro
from app.core.staff import Actor, Permission, require

BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)  # before any payment: the first period of a new kas
MAX_CASH_CENTS = 1_000_000


class KasMethod(StrEnum):
    CARD = "card"
    CASH = "cash"


class DayAlreadyClosed(PaymentError):
    code = "kas.already_closed"


class PaymentStillOpen(PaymentError):
    """A card payment's outcome is not known yet: closing now would give wrong totals."""

    code = "kas.payment_open"


class CashAmountInvalid(PaymentError):
    code = "kas.amount_invalid"


@dataclass(frozen=True)
class KasLine:
    method: KasMethod
    amount_cents: int
    description: str
    at: datetime
    staff: str
    order_id: str | None = None
    decided_by: str | None = None  # set when staff recorded a card outcome the terminal never gave


@dataclass(frozen=True)
class DayClosing:
    kas_id: str
    business_date: date
    period_start: datetime
    closed_at: datetime
    staff: str
    card_count: int  # approved card payments in the journal
    card_cents: int
    terminal: TerminalTotals  # what the terminal says for the same period
    cash_expected_cents: int
    cash_counted_cents: int
    lines: tuple[KasLine, ...] = ()

    @property
    def card_difference_cents(self) -> int:
        """Terminal minus journal: positive means the terminal knows of more money."""
        return self.terminal.approved_cents - self.card_cents

    @property
    def card_count_difference(self) -> int:
        return self.terminal.approved_count - self.card_count

    @property
    def cash_difference_cents(self) -> int:
        """Counted minus expected: positive means more cash in the drawer than expected."""
        return self.cash_counted_cents - self.cash_expected_cents

    @property
    def in_balance(self) -> bool:
        return self.card_difference_cents == 0 and self.card_count_difference == 0 and self.cash_difference_cents == 0

    def explanation(self) -> tuple[str, ...]:
        """Dutch lines (B1) for the clerk and the team lead; one per difference."""
        if self.in_balance:
            return ("De kas klopt. Pin en contant zijn in balans.",)
        lines = []
        if self.card_difference_cents or self.card_count_difference:
            lines.append(
                f"Pin: Loket telt {self.card_count} betalingen, samen {euro(self.card_cents)}. "
                f"De betaalautomaat telt {self.terminal.approved_count} betalingen, samen "
                f"{euro(self.terminal.approved_cents)}. Verschil: {euro(self.card_difference_cents)}."
            )
            decided = [line for line in self.lines if line.method is KasMethod.CARD and line.decided_by]
            if decided:
                lines.append(
                    f"{len(decided)} pinbetaling(en) zijn door een medewerker als betaald vastgelegd. "
                    "Kijk op de bon of in het overzicht van de betaalautomaat of dat klopt."
                )
            lines.append("Meld het verschil bij uw teamleider.")
        if self.cash_difference_cents > 0:
            lines.append(
                f"Contant: verwacht {euro(self.cash_expected_cents)}, geteld {euro(self.cash_counted_cents)}. "
                f"Er zit {euro(self.cash_difference_cents)} te veel in de kas."
            )
        elif self.cash_difference_cents < 0:
            lines.append(
                f"Contant: verwacht {euro(self.cash_expected_cents)}, geteld {euro(self.cash_counted_cents)}. "
                f"Er zit {euro(-self.cash_difference_cents)} te weinig in de kas."
            )
        return tuple(lines)


class KasStore(Protocol):
    def add_cash(self, kas_id: str, line: KasLine) -> None: ...

    def open_cash_lines(self, kas_id: str) -> list[KasLine]:
        """Cash lines not yet part of a closing, oldest first."""
        ...

    def last_closed_at(self, kas_id: str) -> datetime | None: ...

    def is_closed(self, kas_id: str, business_date: date) -> bool: ...

    def save_closing(self, closing: DayClosing) -> None:
        """Store the closing and attach the open cash lines to it, in one transaction.
        Raises DayAlreadyClosed when this kas already has a closing for that date."""
        ...


class KasService:
    def __init__(
        self,
        journal: PaymentJournal,
        store: KasStore,
        terminal: PaymentTerminal,
        clock: Clock,
        kas_id: str,
        *,
        timezone: str = "Europe/Amsterdam",
        allocator: ServiceIdAllocator | None = None,
    ) -> None:
        self._journal = journal
        self._store = store
        self._terminal = terminal
        self._clock = clock
        self._kas_id = kas_id
        self._zone = ZoneInfo(timezone)
        self._allocator = allocator or ServiceIdAllocator(clock)

    def record_cash(self, actor: Actor, amount_cents: int, description: str) -> KasLine:
        require(actor, Permission.PAYMENT_TAKE)
        if not isinstance(amount_cents, int) or not 0 < amount_cents <= MAX_CASH_CENTS:
            raise CashAmountInvalid("Het bedrag moet tussen € 0,01 en € 10.000 liggen.")
        line = KasLine(KasMethod.CASH, amount_cents, description.strip()[:200], self._clock.now(), actor.username)
        self._store.add_cash(self._kas_id, line)
        return line

    def lines(self) -> list[KasLine]:
        """Every line of the current (not yet closed) period, oldest first."""
        start = self._store.last_closed_at(self._kas_id) or BEGINNING
        card = [_card_line(e) for e in self._journal.approved_between(start, self._clock.now(), self._terminal.poi_id)]
        return sorted([*card, *self._store.open_cash_lines(self._kas_id)], key=lambda line: line.at)

    def close_day(self, actor: Actor, counted_cash_cents: int) -> DayClosing:
        require(actor, Permission.CASH_CLOSE)
        if not isinstance(counted_cash_cents, int) or not 0 <= counted_cash_cents <= MAX_CASH_CENTS:
            raise CashAmountInvalid("Vul het getelde bedrag in, in euro's en centen.")
        now = self._clock.now()
        business_date = now.astimezone(self._zone).date()
        if self._store.is_closed(self._kas_id, business_date):
            raise DayAlreadyClosed("Deze kas is vandaag al afgesloten.", kas=self._kas_id)
        if self._journal.open_orders(self._terminal.poi_id):
            raise PaymentStillOpen(
                "Er is nog een pinbetaling zonder uitkomst. Leg die eerst vast, dan kunt u de kas afsluiten."
            )
        start = self._store.last_closed_at(self._kas_id) or BEGINNING
        lines = self.lines()
        card = [line for line in lines if line.method is KasMethod.CARD]
        cash = [line for line in lines if line.method is KasMethod.CASH]
        totals = self._terminal.reconcile(self._reconcile_service_id(), close_period=True)
        closing = DayClosing(
            kas_id=self._kas_id,
            business_date=business_date,
            period_start=start,
            closed_at=now,
            staff=actor.username,
            card_count=len(card),
            card_cents=sum(line.amount_cents for line in card),
            terminal=totals,
            cash_expected_cents=sum(line.amount_cents for line in cash),
            cash_counted_cents=counted_cash_cents,
            lines=tuple(lines),
        )
        self._store.save_closing(closing)
        return closing

    def _reconcile_service_id(self) -> str:
        poi = self._terminal.poi_id
        used = self._allocator.allocate(poi, self._journal.used_service_ids(poi, self._clock.now() - UNIQUE_FOR))
        self._journal.reserve_service_id(used, None, "reconcile")
        return used.service_id


def _card_line(entry: JournalEntry) -> KasLine:
    return KasLine(
        method=KasMethod.CARD,
        amount_cents=entry.amount_cents,
        description=entry.description,
        at=entry.updated_at,
        staff=entry.operator,
        order_id=entry.order_id,
        decided_by=entry.decided_by,
    )
