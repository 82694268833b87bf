"""Child process of the cold-start benchmark: start a mode as `loket <mode>` does and report
when its window first paints and when its screen with data first paints.

argv: MODE START_NS [DATABASE_URL]. START_NS is the parent's CLOCK_MONOTONIC just before it
started this process, so interpreter start-up and imports count too. Prints two numbers in
ms: first paint, and ready (the mode's own screen painted).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    mode, started = sys.argv[1], int(sys.argv[2])
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    marks: list[float] = []
    launch: tuple[Any, Any] | None = None

    def elapsed() -> float:
        return (time.monotonic_ns() - started) / 1e6

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window: QWidget | None = QWidget()
        window.resize(1280, 800)
    else:
        from app.bootstrap import application, launch_mode

        app = application()
        window = None

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                if not marks and (window is None or watched is window):
                    marks.append(elapsed())
                ready = mode == "bare" or (launch is not None and watched is launch[1].windows[0])
                if ready and len(marks) == 1:
                    marks.append(elapsed())
                    QTimer.singleShot(0, QApplication.quit)
            return False

    spy = Paints()
    app.installEventFilter(spy)  # every widget's paints, the mode's screen included
    if window is not None:
        window.show()
    else:
        launch = launch_mode(mode, sys.argv[3], "Stadhuis", "Balie 1" if mode == "balie" else None, full_screen=False)
        launch[0].resize(1280, 800)
    app.exec()
    if launch:
        launch[1].close()
    sys.stdout.write(f"{marks[0]:.1f} {marks[-1]:.1f}\n")


if __name__ == "__main__":
    main()
