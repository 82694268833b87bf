"""Child process of the cold-start benchmark: build a window, report the first paint.

argv: MODE START_NS [DATABASE_URL]. START_NS is the parent's CLOCK_MONOTONIC just before it
started this process, so interpreter start-up and imports count too.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    mode, started = sys.argv[1], int(sys.argv[2])
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.property("done"):
                self.setProperty("done", True)
                sys.stdout.write(f"{(time.monotonic_ns() - started) / 1e6:.1f}\n")
                sys.stdout.flush()
                QTimer.singleShot(0, QApplication.quit)
            return False

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QWidget()
        window.resize(1280, 800)
        runtime = None
    else:
        from app.bootstrap import application, build_mode

        app = application()
        runtime = build_mode(mode, sys.argv[3], "Stadhuis", "Balie 1" if mode == "balie" else None)
        window = runtime.windows[0]
        window.resize(1280, 800)
    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    app.exec()
    if runtime is not None:
        runtime.close()


if __name__ == "__main__":
    main()
