"""Which behaviour a terminal simulator plays, chosen by the amount's cents (both protocols).

Cents 91-98 are test scenarios; every other amount is approved. So real-looking leges (€ 77,87)
and the IT test payment of € 0,01 go through, while a tester types € 10,93 to make the terminal
hang until it is aborted.
"""

from __future__ import annotations

from enum import StrEnum


class Scenario(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"  # x,91 the card is refused
    CITIZEN_CANCELS = "citizen_cancels"  # x,92 the citizen presses Stop on the terminal
    HANG_UNTIL_ABORTED = "hang_until_aborted"  # x,93 no answer until an AbortRequest arrives
    APPROVE_THEN_DROP = "approve_then_drop"  # x,94 approved, then the connection drops before the answer
    BUSY = "busy"  # x,95 the terminal is busy with something else
    SLOW = "slow"  # x,96 approved after a long wait (the simulator's slow delay)
    APPROVE_GARBLED = "approve_garbled"  # x,97 approved, but the answer arrives unreadable
    PARTIAL = "partial"  # x,98 approved for less than asked (see partial_cents), nexo Result "Partial"


_BY_CENTS = {
    91: Scenario.DECLINE,
    92: Scenario.CITIZEN_CANCELS,
    93: Scenario.HANG_UNTIL_ABORTED,
    94: Scenario.APPROVE_THEN_DROP,
    95: Scenario.BUSY,
    96: Scenario.SLOW,
    97: Scenario.APPROVE_GARBLED,
    98: Scenario.PARTIAL,
}


def scenario_for(amount_cents: int) -> Scenario:
    return _BY_CENTS.get(amount_cents % 100, Scenario.APPROVE)


def partial_cents(amount_cents: int) -> int:
    """What the terminal authorises in the partial scenario: half, at least one cent (€ 10,98 → € 5,49)."""
    return max(1, amount_cents // 2)


def amount_for(scenario: Scenario, euros: int = 10) -> int:
    """An amount in cents that plays `scenario` (for tests and the demo)."""
    if scenario is Scenario.APPROVE:
        return euros * 100
    cents = next(c for c, s in _BY_CENTS.items() if s is scenario)
    return euros * 100 + cents
