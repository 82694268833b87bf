"""What a simulated day shows: real waits against what the ticket promised.

Pure: takes one record per visitor, returns figures and a bilingual table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: MAE of waiting-time prediction on bank branch data in the literature, in minutes
LITERATURE_MAE = 3.35


@dataclass(frozen=True)
class VisitResult:
    """One visitor. Minutes; `waited` runs from taking the ticket to the first call."""

    number: str
    issued_minute: float  # minutes after midnight, local time
    service_code: str
    priority: int
    estimate: float | None  # what we printed on the ticket (None: no desk served the dienst)
    band: tuple[int, int] | None
    naive: float  # the baseline, with the same information at the same moment
    waited: float | None  # None: never called
    outcome: str


@dataclass(frozen=True)
class DayReport:
    seed: int
    visitors: int
    called: int
    no_shows: int
    mean_wait: float
    p90_wait: float
    max_wait: float
    estimated: int  # visitors that got an estimate (the MAE counts these)
    mae_estimate: float
    mae_naive: float
    bias_estimate: float  # mean of estimate minus real wait: < 0 means we promise too little
    band_hit: float  # share of real waits inside the printed band
    desks: int = 0
    literature_mae: float = LITERATURE_MAE
    seconds: float = 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(math.ceil(share * len(ordered)), 1)
    return ordered[rank - 1]


def summarise(seed: int, results: Sequence[VisitResult], *, desks: int = 0, seconds: float = 0.0) -> DayReport:
    waits = [r.waited for r in results if r.waited is not None]
    # (promised, naive, real, band) of every visitor that was called and got an estimate
    scored = [
        (r.estimate, r.naive, r.waited, r.band)
        for r in results
        if r.waited is not None and r.estimate is not None and r.band is not None
    ]
    count = max(len(scored), 1)
    return DayReport(
        seed=seed,
        visitors=len(results),
        called=len(waits),
        no_shows=sum(1 for r in results if r.outcome == "no_show"),
        mean_wait=sum(waits) / max(len(waits), 1),
        p90_wait=percentile(waits, 0.9),
        max_wait=max(waits, default=0.0),
        estimated=len(scored),
        mae_estimate=sum(abs(promised - real) for promised, _, real, _ in scored) / count,
        mae_naive=sum(abs(naive - real) for _, naive, real, _ in scored) / count,
        bias_estimate=sum(promised - real for promised, _, real, _ in scored) / count,
        band_hit=sum(1 for _, _, real, (low, high) in scored if low <= real <= high) / count,
        desks=desks,
        seconds=seconds,
    )


def format_table(report: DayReport) -> str:
    rows = [
        ("Bezoekers / visitors", f"{report.visitors}"),
        ("Opgeroepen / called", f"{report.called}"),
        ("Niet verschenen / no-shows", f"{report.no_shows}"),
        ("Gem. wachttijd / mean wait", f"{report.mean_wait:.1f} min"),
        ("P90 wachttijd / p90 wait", f"{report.p90_wait:.1f} min"),
        ("Langste wachttijd / longest wait", f"{report.max_wait:.1f} min"),
        ("MAE schatting / estimate", f"{report.mae_estimate:.2f} min"),
        ("MAE naïef / naive baseline", f"{report.mae_naive:.2f} min"),
        ("Gem. afwijking / bias", f"{report.bias_estimate:+.2f} min"),
        ("Binnen band / inside band", f"{100 * report.band_hit:.0f}%"),
        ("Literatuur (bank) / literature", f"{report.literature_mae:.2f} min"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        f"Gesimuleerde dag / simulated day (seed {report.seed}, {report.desks} balies/desks, {report.seconds:.1f} s)"
    ]
    lines += [f"  {label:<{width}}  {value:>10}" for label, value in rows]
    return "\n".join(lines)
