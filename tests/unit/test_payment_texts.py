"""Every payment state has a Dutch text for kiosk and desk; open outcomes warn against paying twice."""

from __future__ import annotations

from app.core.payment.state import FINAL_STATES, OPEN_STATES, PaymentState
from app.core.payment.texts import PAYMENT_TEXTS, outcome_code, text_for


def test_every_state_has_both_texts() -> None:
    assert set(PAYMENT_TEXTS) == {outcome_code(state) for state in PaymentState}
    for state in PaymentState:
        text = text_for(state)
        assert text.kiosk.strip() and text.desk.strip()


def test_open_outcomes_say_do_not_pay_again() -> None:
    for state in OPEN_STATES - {PaymentState.SENT, PaymentState.IN_PROGRESS}:
        assert "niet nog een keer" in text_for(state).kiosk
        assert "geen nieuwe betaling" in text_for(state).desk


def test_final_outcomes_are_not_alarming_about_money() -> None:
    for state in FINAL_STATES - {PaymentState.APPROVED}:
        assert "geen geld" in text_for(state).kiosk
