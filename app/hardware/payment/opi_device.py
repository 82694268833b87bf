"""OPI channel 1 on the ECR side: the terminal connects to us with DeviceRequests.

Display texts go to the waiting caller's `on_display`; receipt lines are kept per RequestID of the
channel-0 request they belong to ("PrinterReceipt" is the citizen's copy, "Printer" the
merchant's). Every DeviceRequest gets a DeviceResponse: a terminal waits for it before it goes on.
Lines are recorded before we answer, so when the channel-0 answer arrives all output is in.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.core.payment.errors import PaymentError
from app.core.payment.ports import DisplayCallback
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_channel import ChannelClosed, FrameReader, send_frame

log = logging.getLogger(__name__)
# A terminal needs one connection at a time; more are someone else on the network.
MAX_CONNECTIONS = 4


class OpiDevicePortUnavailable(PaymentError):
    """The local port for the terminal's display and receipt output cannot be opened."""

    code = "payment.opi.device_port_unavailable"


@dataclass
class Receipts:
    on_display: DisplayCallback | None
    cardholder: list[str] = field(default_factory=list)
    merchant: list[str] = field(default_factory=list)


class DeviceChannel:
    def __init__(self, address: str, port: int, workstation_id: str) -> None:
        self._address = address
        self._wanted_port = port
        self._workstation_id = workstation_id
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._collectors: dict[str, Receipts] = {}
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        if self._listener is None:
            return self._wanted_port
        port: int = self._listener.getsockname()[1]
        return port

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self._address, self._wanted_port))
            listener.listen(4)
        except OSError as error:
            listener.close()
            raise OpiDevicePortUnavailable(
                "De poort voor schermteksten en bonnen van de betaalautomaat is niet te openen.",
                port=self._wanted_port,
            ) from error
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), name="opi-device-accept", daemon=True)
        self._threads = [thread]
        thread.start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(5)

    @contextlib.contextmanager
    def collect(self, request_id: str, on_display: DisplayCallback | None) -> Iterator[Receipts]:
        receipts = Receipts(on_display)
        with self._lock:
            self._collectors[request_id] = receipts
        try:
            yield receipts
        finally:
            with self._lock:
                self._collectors.pop(request_id, None)

    # --- threads ----------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # stopped
            thread = threading.Thread(target=self._serve, args=(sock,), name="opi-device", daemon=True)
            with self._lock:
                if len(self._connections) >= MAX_CONNECTIONS:
                    log.warning("te veel verbindingen op het apparaatkanaal; deze wordt gesloten")
                    sock.close()
                    continue
                self._connections.add(sock)
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        reader = FrameReader(sock)
        try:
            while True:
                try:
                    request = m.decode(reader.read(None))
                except ChannelClosed:
                    return
                except (OSError, PaymentError) as error:
                    # An unreadable stream cannot be answered; the terminal prints on its own.
                    log.warning("onleesbare uitvoer van de betaalautomaat: %s", getattr(error, "code", error))
                    return
                if not isinstance(request, m.DeviceRequest):
                    log.warning("onverwacht bericht op het apparaatkanaal")
                    return
                send_frame(sock, m.encode(self._handle(request)))
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _handle(self, request: m.DeviceRequest) -> m.DeviceResponse:
        result = "Success"
        if request.request_type != m.OUTPUT:
            result = "NotSupported"  # input (keyboard) requests: Loket asks nothing of the cashier
        else:
            with self._lock:
                receipts = self._collectors.get(request.request_id)
                if receipts is None and len(self._collectors) == 1:
                    # A terminal that numbers its output itself: it only ever talks about the one
                    # request under way, so that request gets it.
                    (receipts,) = self._collectors.values()
            for output in request.outputs:
                self._deliver(output, receipts)
        return m.DeviceResponse(
            request_type=request.request_type,
            request_id=request.request_id,
            workstation_id=request.workstation_id or self._workstation_id,
            overall_result=result,
            sequence_id=request.sequence_id,
            targets=tuple(output.target for output in request.outputs),
        )

    @staticmethod
    def _deliver(output: m.DeviceOutput, receipts: Receipts | None) -> None:
        if receipts is None:
            return  # output for a request nobody waits for any more
        if output.target in m.DISPLAYS and receipts.on_display is not None:
            try:
                receipts.on_display("\n".join(output.lines))
            except Exception:  # the screen's trouble must not stop the terminal's dialogue
                log.exception("schermtekst van de betaalautomaat niet getoond")
        elif output.target == "PrinterReceipt":
            receipts.cardholder.extend(output.lines)
        elif output.target == "Printer":
            receipts.merchant.extend(output.lines)
