"""The RvIG BRP test persons (tests/fixtures/brp-testpersonen-samenvatting.csv), read, not retyped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

SUMMARY_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "brp-testpersonen-samenvatting.csv"


def summary_text() -> str:
    return SUMMARY_CSV.read_text(encoding="utf-8")


def summary_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(summary_text())))
