"""The published ICAO 9303 worked examples, loaded from tests/fixtures (never retyped in tests)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "icao9303-part11-appendix-d.json"


@cache
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def hx(value: str) -> bytes:
    return bytes.fromhex(value)
