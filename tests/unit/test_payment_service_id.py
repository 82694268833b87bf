"""ServiceIDs are unique per terminal for 48 hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.clock import FakeClock
from app.core.payment.errors import ServiceIdInvalid
from app.core.payment.service_id import ServiceIdAllocator, UsedServiceId, random_token
from app.core.payment.state import SERVICE_ID

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def scripted(*tokens: str) -> ServiceIdAllocator:
    remaining = list(tokens)
    return ServiceIdAllocator(FakeClock(NOW), token=lambda: remaining.pop(0), max_tries=len(tokens))


def test_random_tokens_have_the_nexo_format() -> None:
    assert all(SERVICE_ID.fullmatch(random_token()) for _ in range(200))


def test_skips_an_id_used_on_this_terminal_within_48_hours() -> None:
    used = [UsedServiceId("V400m-1", "Abc1", NOW - timedelta(hours=47, minutes=59))]
    record = scripted("Abc1", "Abc2").allocate("V400m-1", used)
    assert record == UsedServiceId("V400m-1", "Abc2", NOW)


def test_id_is_free_again_after_48_hours_or_on_another_terminal() -> None:
    old = [UsedServiceId("V400m-1", "Abc1", NOW - timedelta(hours=48))]
    assert scripted("Abc1").allocate("V400m-1", old).service_id == "Abc1"
    other = [UsedServiceId("V400m-2", "Abc1", NOW)]
    assert scripted("Abc1").allocate("V400m-1", other).service_id == "Abc1"


def test_future_stamped_ids_are_blocked() -> None:
    used = [UsedServiceId("V400m-1", "Abc1", NOW + timedelta(minutes=5))]
    assert scripted("Abc1", "Abc2").allocate("V400m-1", used).service_id == "Abc2"


def test_gives_up_with_a_typed_error() -> None:
    used = [UsedServiceId("V400m-1", "Abc1", NOW)]
    with pytest.raises(ServiceIdInvalid) as caught:
        scripted("Abc1", "Abc1").allocate("V400m-1", used)
    assert caught.value.code == "payment.service_id_invalid"


def test_a_bad_generator_is_refused() -> None:
    with pytest.raises(ServiceIdInvalid):
        scripted("much-too-long-id").allocate("V400m-1", [])
