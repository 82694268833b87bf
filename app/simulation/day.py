"""The day model of `loket simulate`: who comes when, for what, and how long they take.

Pure: no store, no clock. `plan_day` turns a seed into a list of visitors and a desk roster;
`run.py` plays them through the real queue engine.

Sources and assumptions:
- Products and their desk minutes come from resources/seed/producten-seed.csv (the column
  `behandeltijd_balie_min_SCHATTING` is an estimate made for simulation).
- The product mix, the arrival curve, the priority shares, the no-show rate and the roster
  below are our assumptions for a busy weekday at a mid-sized city hall, not measurements.
"""

from __future__ import annotations

import csv
import io
import math
import random
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from app.core.queue.model import Priority

PRODUCTS_CSV = Path(__file__).resolve().parents[2] / "resources" / "seed" / "producten-seed.csv"
TIME_COLUMN = "behandeltijd_balie_min_SCHATTING"


@dataclass(frozen=True)
class ServicePlan:
    """A dienst of the simulated hall, with its ticket prefix."""

    code: str
    name_nl: str
    name_en: str
    prefix: str


SERVICES = (
    ServicePlan("REISDOC", "Reisdocumenten", "Travel documents", "A"),
    ServicePlan("RIJBEWIJS", "Rijbewijzen", "Driving licences", "B"),
    ServicePlan("BURGERZAKEN", "Burgerzaken overig", "Other civil affairs", "C"),
    ServicePlan("AFHALEN", "Afhalen", "Collect a document", "D"),
)

#: product code -> (dienst, share of walk-in visitors). The wedding ceremony is not a desk visit.
PRODUCT_MIX: dict[str, tuple[str, float]] = {
    "PASPOORT": ("REISDOC", 0.16),
    "ID_KAART": ("REISDOC", 0.14),
    "RIJBEWIJS": ("RIJBEWIJS", 0.14),
    "REISDOC_AFHALEN": ("AFHALEN", 0.22),
    "BRP_UITTREKSEL": ("BURGERZAKEN", 0.06),
    "VERHUIZING": ("BURGERZAKEN", 0.05),
    "GEBOORTE": ("BURGERZAKEN", 0.03),
    "VOG": ("BURGERZAKEN", 0.03),
    "PARKEERVERGUNNING": ("BURGERZAKEN", 0.03),
    "AFVALPAS": ("BURGERZAKEN", 0.02),
    "AKTE_BS": ("BURGERZAKEN", 0.02),
    "LEGALISATIE": ("BURGERZAKEN", 0.02),
    "ERKENNING": ("BURGERZAKEN", 0.01),
    "HUWELIJK_MELDING": ("BURGERZAKEN", 0.01),
    "OVERLIJDEN": ("BURGERZAKEN", 0.01),
    "GPK": ("BURGERZAKEN", 0.01),
    "ATTESTATIE": ("BURGERZAKEN", 0.01),
    "EMIGRATIE": ("BURGERZAKEN", 0.01),
    "INSCHRIJVING_BUITENLAND": ("BURGERZAKEN", 0.01),
    "GEVONDEN_VOORWERP": ("BURGERZAKEN", 0.01),
    "NATURALISATIE": ("BURGERZAKEN", 0.005),
    "NAAMGEBRUIK": ("BURGERZAKEN", 0.005),
}

#: minutes after opening (08:30) at which each half hour starts, with its relative arrival rate:
#: a morning peak, a lunch dip and a smaller afternoon peak. Doors close at 17:00.
OPENING_MINUTES = 8 * 60 + 30
CLOSING_MINUTES = 17 * 60
ARRIVAL_CURVE: tuple[float, ...] = (
    0.9, 1.3, 1.6, 1.7, 1.6, 1.4, 1.1, 0.8, 0.6,  # 08:30 .. 12:30
    0.7, 0.9, 1.1, 1.2, 1.1, 0.9, 0.7, 0.4,  # 13:00 .. 16:30
)  # fmt: skip
SLOT_MINUTES = 30

#: share of visitors with an appointment (checked in at the kiosk), per dienst
APPOINTMENT_SHARE = {"REISDOC": 0.30, "RIJBEWIJS": 0.15, "BURGERZAKEN": 0.10, "AFHALEN": 0.0}
#: share of visitors the host gives an urgent (kwetsbaar) ticket
URGENT_SHARE = 0.02
#: share of called visitors who never come to the desk (left, or missed the call)
NO_SHOW_SHARE = 0.05
#: spread (sigma of the log) of desk times around the product's mean: a coefficient of
#: variation of about 0.5, usual for counter work
SERVICE_SIGMA = 0.5
#: walking from the waiting room to the desk after the call, mean minutes and log sigma
WALK_MEAN, WALK_SIGMA = 0.8, 0.4
#: the clerk announces again after this many minutes when nobody comes
RECALL_INTERVAL = 1.0


@dataclass(frozen=True)
class Product:
    code: str
    name_nl: str
    service_code: str
    share: float
    desk_minutes: float  # mean minutes at the desk (the CSV's estimate)


@dataclass(frozen=True)
class DeskPlan:
    """A balie: its diensten in order of preference and the minutes (after 00:00 local) it is
    staffed. `closes` None: until the waiting room is empty."""

    name: str
    service_codes: tuple[str, ...]
    opens: int = OPENING_MINUTES
    closes: int | None = None


#: Seven desks on a normal day: one clerk leaves at lunch, one comes in at 10:00 for the
#: morning peak. Staffed so that the mean wait is some 5-10 minutes, as halls aim for.
ROSTER = (
    DeskPlan("Balie 1", ("REISDOC", "BURGERZAKEN")),
    DeskPlan("Balie 2", ("REISDOC", "RIJBEWIJS")),
    DeskPlan("Balie 3", ("RIJBEWIJS", "REISDOC", "AFHALEN")),
    DeskPlan("Balie 4", ("BURGERZAKEN", "AFHALEN", "REISDOC")),
    DeskPlan("Balie 5", ("AFHALEN", "BURGERZAKEN", "REISDOC"), closes=12 * 60 + 30),
    DeskPlan("Balie 6", ("BURGERZAKEN", "REISDOC", "AFHALEN"), opens=10 * 60),
    DeskPlan("Balie 7", ("RIJBEWIJS", "BURGERZAKEN", "AFHALEN")),
)
#: The same day with Balie 7's clerk off sick: the hall runs over capacity at the peaks.
SHORT_STAFFED = ROSTER[:-1]


@dataclass(frozen=True)
class Visitor:
    """One visitor of the day. Times are minutes after 00:00 local on the simulated day."""

    index: int
    arrives: float
    product_code: str
    service_code: str
    priority: Priority
    desk_minutes: float  # how long this visit will take once at the desk
    walk_minutes: float  # from the call to arriving at the desk
    no_show: bool


@dataclass(frozen=True)
class DayPlan:
    seed: int
    services: tuple[ServicePlan, ...]
    products: tuple[Product, ...]
    roster: tuple[DeskPlan, ...]
    visitors: tuple[Visitor, ...]

    def default_minutes(self, service_code: str) -> float:
        """The dienst's configured service time: its products' minutes weighted by their share,
        as an administrator would set it from the catalogue before any visit is measured."""
        mine = [p for p in self.products if p.service_code == service_code]
        total = sum(p.share for p in mine)
        return sum(p.share * p.desk_minutes for p in mine) / total if total else 8.0


def parse_products(csv_text: str) -> tuple[Product, ...]:
    """The products of the mix with their desk minutes from the seed CSV."""
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    missing = sorted(set(PRODUCT_MIX) - set(rows))
    if missing:
        raise ValueError(f"producten-seed.csv mist producten: {', '.join(missing)}")
    return tuple(
        Product(code, rows[code]["naam_nl"], service_code, share, float(rows[code][TIME_COLUMN]))
        for code, (service_code, share) in PRODUCT_MIX.items()
    )


def lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    """A lognormal draw with the given mean (not median)."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def arrival_minutes(rng: random.Random, count: int) -> list[float]:
    """`count` arrival moments of a Poisson process with the day's rate curve. Given how many
    come, the moments of a Poisson process are independent draws from its rate curve."""
    cumulative = list(accumulate(ARRIVAL_CURVE))
    moments = []
    for _ in range(count):
        slot = bisect_left(cumulative, rng.random() * cumulative[-1])
        moments.append(OPENING_MINUTES + SLOT_MINUTES * (slot + rng.random()))
    return sorted(moments)


def plan_day(seed: int, visitors: int, products: tuple[Product, ...], roster: tuple[DeskPlan, ...] = ROSTER) -> DayPlan:
    rng = random.Random(seed)
    weights = list(accumulate(p.share for p in products))
    people = []
    for index, moment in enumerate(arrival_minutes(rng, visitors)):
        product = products[bisect_left(weights, rng.random() * weights[-1])]
        draw = rng.random()
        if draw < URGENT_SHARE:
            priority = Priority.URGENT
        elif draw < URGENT_SHARE + APPOINTMENT_SHARE[product.service_code]:
            priority = Priority.APPOINTMENT
        else:
            priority = Priority.NORMAL
        people.append(
            Visitor(
                index=index,
                arrives=moment,
                product_code=product.code,
                service_code=product.service_code,
                priority=priority,
                desk_minutes=lognormal(rng, product.desk_minutes, SERVICE_SIGMA),
                walk_minutes=lognormal(rng, WALK_MEAN, WALK_SIGMA),
                no_show=rng.random() < NO_SHOW_SHARE,
            )
        )
    return DayPlan(seed, SERVICES, products, roster, tuple(people))
