"""An ESC/POS network printer on loopback (127.0.0.1 only), for the demo and the tests.

It answers DLE EOT status questions from a scriptable state (ok, near_end, out, cover_open,
offline, slow), renders every cut ticket to a PNG (QR codes decoded from GS ( k and drawn),
and lets tests wait for pages without sleeping. Run it on its own:

    python -m app.hardware.printer.simulator --port 9100 --out /tmp/print_shots

and type a state name (ok, near_end, out, cover_open, offline, slow) to change it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from app.hardware.printer.render import PaperRenderer

log = logging.getLogger(__name__)

STATES = ("ok", "near_end", "out", "cover_open", "offline", "slow")
# DLE EOT answers (ESC/POS reference): fixed bits 0x12; n=1 bit 3 offline; n=2 bit 2 cover open,
# bit 5 stopped by paper end; n=4 bits 2-3 near end, bits 5-6 paper end.
ANSWERS: dict[str, dict[int, int]] = {
    "ok": {1: 0x12, 2: 0x12, 4: 0x12},
    "near_end": {1: 0x12, 2: 0x12, 4: 0x1E},
    "out": {1: 0x1A, 2: 0x32, 4: 0x7E},
    "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12},
    "slow": {1: 0x12, 2: 0x12, 4: 0x12},
}
WIDTH_DOTS = {58: 384, 80: 576}


class PrinterSimulator:
    """Start with `start()`, stop with `stop()`; `port` is chosen by the OS unless given."""

    def __init__(
        self, *, port: int = 0, width_mm: int = 80, out_dir: Path | None = None, slow_seconds: float = 0.25
    ) -> None:
        self.width_mm = width_mm
        self.out_dir = out_dir
        self.slow_seconds = slow_seconds
        self.pages: list[Image.Image] = []
        self.qr_payloads: list[str] = []
        self.last_byte_ns = 0
        self.on_page: Callable[[Image.Image], None] | None = None  # called on the connection's thread
        self.received = 0
        self._state = "ok"
        self._roll: int | None = None  # tickets left on the roll; None: endless
        self._near_end_at = 3
        self._changed = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.simulator = self
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def state(self) -> str:
        return self._state

    @state.setter
    def state(self, value: str) -> None:
        if value not in STATES:
            raise ValueError(f"unknown state {value!r}; one of {', '.join(STATES)}")
        self._state = value
        self._roll = None
        log.info("printersimulator: toestand %s", value)

    def load_roll(self, tickets: int, near_end_at: int = 3) -> None:
        """A roll that lasts `tickets` more cuts: near end at `near_end_at` left, then out (the
        demo's "paper runs out at noon"). Setting `state` afterwards overrides it, as a refill does."""
        with self._changed:
            self._roll = tickets
            self._near_end_at = near_end_at
            self._state = "out" if tickets <= 0 else "near_end" if tickets <= near_end_at else "ok"

    def start(self) -> PrinterSimulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="printer-simulator", daemon=True
        )
        self._thread.start()
        log.info("printersimulator luistert op 127.0.0.1:%d", self.port)
        return self

    def stop(self) -> None:
        """Stops listening, cuts open connections and waits for their threads: after this no
        callback runs any more."""
        self._server.shutdown()
        with self._changed:
            connections = list(self._connections)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()  # joins the connection threads (block_on_close)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def wait_for_pages(self, count: int, timeout: float = 5.0) -> bool:
        """True once `count` pages in total have been cut (waits on a condition, no polling)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.pages) >= count, timeout)

    # --- called from connection threads ---------------------------------------------------

    def _answer(self, n: int) -> bytes | None:
        state = self._state
        if state == "offline":
            return None  # a printer that is off or hung: nothing answers
        if state == "slow":
            time.sleep(self.slow_seconds)  # a busy printer; no test waits on this, it is the behaviour
        return bytes([ANSWERS[state].get(n, 0x12)])

    def _accept_pages(self, renderer: PaperRenderer, pages: list[Image.Image]) -> None:
        if not pages and not renderer.qr_payloads:
            return
        with self._changed:
            if self._state in ("out", "cover_open", "offline"):
                pages = []  # a stopped printer prints nothing: the job is lost unless the sender checked
            for page in pages:
                self.pages.append(page)
                self._use_paper()
                if self.out_dir is not None:
                    self.out_dir.mkdir(parents=True, exist_ok=True)
                    page.save(self.out_dir / f"bon-{len(self.pages):04d}.png")
            self.qr_payloads.extend(renderer.qr_payloads)
            renderer.qr_payloads.clear()
            self._changed.notify_all()
        on_page = self.on_page  # read once: another thread may clear it meanwhile
        if on_page is not None:
            for page in pages:
                on_page(page)

    def _use_paper(self) -> None:
        if self._roll is None:
            return
        self._roll -= 1
        if self._roll <= 0:
            self._state = "out"
        elif self._roll <= self._near_end_at:
            self._state = "near_end"


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    simulator: PrinterSimulator


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sim: PrinterSimulator = self.server.simulator  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        replies: list[int] = []
        renderer = PaperRenderer(dots=WIDTH_DOTS.get(sim.width_mm, 576), on_status=replies.append)
        with sim._changed:
            sim._connections.add(sock)
        try:
            self._serve(sim, sock, renderer, replies)
        finally:
            with sim._changed:
                sim._connections.discard(sock)

    def _serve(self, sim: PrinterSimulator, sock: socket.socket, renderer: PaperRenderer, replies: list[int]) -> None:
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            sim.last_byte_ns = time.monotonic_ns()  # arrival, before the rendering work
            sim.received += len(data)
            pages = renderer.feed(data)
            if pages and sim.state == "slow":
                time.sleep(sim.slow_seconds)  # a slow print mechanism: the ticket takes a while to come out
            sim._accept_pages(renderer, pages)
            for n in replies:
                answer = sim._answer(n)
                if answer is not None:
                    try:
                        sock.sendall(answer)
                    except OSError:  # the client left while we answered
                        return
            replies.clear()
        leftover = renderer.flush()
        sim._accept_pages(renderer, [leftover] if leftover is not None else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.hardware.printer.simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--width", type=int, choices=(58, 80), default=80)
    parser.add_argument("--out", type=Path, default=Path("bonnen"))
    parser.add_argument("--state", choices=STATES, default="ok")
    parser.add_argument("--roll", type=int, help="papier voor zoveel bonnen; daarna 'bijna op' en 'op'")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sim = PrinterSimulator(port=args.port, width_mm=args.width, out_dir=args.out)
    sim.state = args.state
    if args.roll is not None:
        sim.load_roll(args.roll)
    with sim:
        log.info("bonnen komen in %s; typ een toestand (%s), Ctrl-D stopt", args.out, ", ".join(STATES))
        for line in sys.stdin:
            try:
                sim.state = line.strip()
            except ValueError as error:
                log.warning("%s", error)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
