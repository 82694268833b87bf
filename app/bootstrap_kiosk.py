"""The kiosk's card payments in the composition root: what it sells ([kiosk] products) and its
terminal. Kept apart so app.bootstrap and app.bootstrap_payment stay small; only app.bootstrap
imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.bootstrap_payment import Payments, mode_payments
from app.core.clock import Clock

if TYPE_CHECKING:
    from app.core.queue.service import QueueService
    from app.kiosk.payment_screen import KioskProduct
    from app.store.database import Database


def kiosk_products(kiosk: Any) -> tuple[KioskProduct, ...]:
    """What the kiosk sells, from its [kiosk] products (checked by app.config); none: no Betalen tile."""
    from app.kiosk.payment_screen import KioskProduct

    return tuple(KioskProduct(" ".join(p.naam.split()), p.amount_cents) for p in getattr(kiosk, "products", ()))


def kiosk_payments(
    kiosk: Any,
    terminal: Any,
    database: Database,
    clock: Clock,
    queue: QueueService,
    location_id: int,
    location: str,
    data_dir: Path,
    receipt_printer: Any,
) -> Payments | None:
    """A kiosk's card payments: only when its [kiosk] lists products and it has a terminal. Its
    kas is named after the terminal; receipts go to `receipt_printer` when it can print them."""
    products = kiosk_products(kiosk)
    if not products:
        return None
    receipts = receipt_printer if hasattr(receipt_printer, "print_receipt") else None
    payments = mode_payments(terminal, database, clock, queue, location_id, location, None, data_dir, receipts)
    if payments is not None:
        payments.products = products
    return payments


def kiosk_paying(payments: Payments | None) -> dict[str, Any]:
    """KioskWindow's payment arguments; empty (no Betalen tile) without an opened terminal."""
    point = next(iter(payments.points.values()), None) if payments is not None else None
    if payments is None or point is None:
        return {}
    return {
        "payment": point.service,
        "payment_runner": payments.runner,
        "payment_products": payments.products,
        "receipt_printer": payments.receipt_printer,
        "receipt_place": (payments.location, payments.this_pc),
    }
