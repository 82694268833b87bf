"""The simulator reads requests with the same typed parsers: correctly signed nonsense gets HTTP 400
(BadRequest), never an unexpected exception that would leave a test hanging without an answer."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.payment.errors import PaymentError
from app.hardware.payment.nexo_crypto import encrypt_message
from app.hardware.payment.nexo_messages import (
    Category,
    Header,
    abort_request,
    display_request,
    payment_request,
    totals_request,
    transaction_status_request,
)
from app.hardware.payment.nexo_sim_http import BadRequest, DropConnection, GarbledAnswer
from app.hardware.payment.nexo_simulator import DEMO_POI_ID, NexoSimulator, demo_credentials

MOMENT = datetime(2026, 11, 23, tzinfo=UTC)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@cache
def simulator() -> NexoSimulator:
    # Never started: handle() is the whole request path behind HTTPS; x,93 and x,96 do not wait.
    return NexoSimulator(slow_delay=0.0, hang_limit=0.0)


def requests() -> list[dict[str, Any]]:
    def header(category: Category) -> Header:
        return Header.request(category, "Fuzz000001", "LOKET", DEMO_POI_ID)

    return [
        payment_request(header(Category.PAYMENT), "leges-1", MOMENT, "EUR", 1234),
        abort_request(header(Category.ABORT), "Fuzz000001"),
        transaction_status_request(header(Category.TRANSACTION_STATUS), "Fuzz000001"),
        totals_request(header(Category.RECONCILIATION), close_period=True),
        totals_request(header(Category.GET_TOTALS), close_period=False),
        display_request(header(Category.DISPLAY), ("Welkom",)),
    ]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(min_value=0, max_value=5),
    index=st.integers(min_value=0, max_value=1000),
    replacement=json_values,
)
def test_signed_nonsense_is_a_bad_request_or_an_answer(which: int, index: int, replacement: Any) -> None:
    message = copy.deepcopy(requests()[which])
    targets = paths(message)
    path = targets[index % len(targets)]
    parent = message
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    try:
        raw = json.dumps(encrypt_message(message, demo_credentials())).encode()
    except (PaymentError, ValueError, TypeError):  # the mutation broke the envelope: nothing to send
        return
    try:
        answer = simulator().handle(raw)
    except (BadRequest, DropConnection, GarbledAnswer):
        return
    assert isinstance(answer, bytes)


def test_display_output_of_the_wrong_type_is_a_bad_request() -> None:
    message = requests()[5]
    message["SaleToPOIRequest"]["DisplayRequest"]["DisplayOutput"] = 5
    raw = json.dumps(encrypt_message(message, demo_credentials())).encode()
    with pytest.raises(BadRequest):
        simulator().handle(raw)
