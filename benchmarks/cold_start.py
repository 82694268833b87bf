"""(d) Cold start of a mode to its first painted window, beside a bare PySide6 window
started the same way in the same run (offscreen platform)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from app.store.seed import seed_demo
from benchmarks.common import Figure, fresh

RUNS = 7


def _first_paint(mode: str, url: str) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic_ns()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_child", mode, str(started), url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    first, ready = done.stdout.strip().splitlines()[-1].split()
    return float(first), float(ready)


def run(workdir: Path) -> list[Figure]:
    url = f"sqlite:///{workdir / 'startup.db'}"
    db = fresh(url)
    seed_demo(db)
    db.dispose()
    figures = []
    bare = sorted(_first_paint("bare", url)[0] for _ in range(RUNS))[RUNS // 2]
    for mode in ("kiosk", "balie", "display"):
        runs = [_first_paint(mode, url) for _ in range(RUNS)]
        first = sorted(r[0] for r in runs)[RUNS // 2]
        ready = sorted(r[1] for r in runs)[RUNS // 2]
        figures.append(
            Figure(
                f"(d) koude start {mode} → eerste beeld (mediaan)",
                first,
                "ms",
                "kaal PySide6-venster",
                bare,
                "< 2× kaal",
                first < 2 * bare,
                {"ratio": first / bare, "ready_ms": ready},
            ),
        )
        figures.append(Figure(f"(d) koude start {mode} → scherm met gegevens (mediaan)", ready, "ms"))
    return figures
