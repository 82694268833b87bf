"""ServiceIDs for nexo requests: 1-10 alphanumerics, unique per terminal (POIID) for 48 hours.

The terminal matches status queries and aborts on the ServiceID, so a reused id could make it
report (or abort) the wrong payment. Callers pass the ids the journal holds with their times.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import Clock
from app.core.payment.errors import ServiceIdInvalid
from app.core.payment.state import check_service_id

UNIQUE_FOR = timedelta(hours=48)
_ALPHABET = string.ascii_letters + string.digits


def random_token() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class UsedServiceId:
    poi_id: str
    service_id: str
    used_at: datetime


class ServiceIdAllocator:
    def __init__(self, clock: Clock, token: Callable[[], str] = random_token, max_tries: int = 100) -> None:
        self._clock = clock
        self._token = token
        self._max_tries = max_tries

    def allocate(self, poi_id: str, used: Iterable[UsedServiceId]) -> UsedServiceId:
        """A fresh id for `poi_id`; the caller journals the returned record before sending."""
        now = self._clock.now()
        # Ids stamped in the future (clock skew) are also blocked: better one retry than a clash.
        blocked = {u.service_id for u in used if u.poi_id == poi_id and u.used_at > now - UNIQUE_FOR}
        for _ in range(self._max_tries):
            candidate = self._token()
            check_service_id(candidate)
            if candidate not in blocked:
                return UsedServiceId(poi_id=poi_id, service_id=candidate, used_at=now)
        raise ServiceIdInvalid("Geen vrije ServiceID gevonden.", poi_id=poi_id)
