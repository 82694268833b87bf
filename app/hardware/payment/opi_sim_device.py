"""The simulator's side of OPI channel 1: it connects to the ECR and sends Output requests.

One connection per channel-0 request, opened on the first output. Each DeviceRequest waits for
its DeviceResponse, as a real terminal does. When the ECR cannot be reached the simulator goes on
without output (a real terminal would print on its own printer), so the payment still completes.
"""

from __future__ import annotations

import contextlib
import logging
import socket

from app.core.payment.errors import PaymentError
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_channel import FrameReader, send_frame

log = logging.getLogger(__name__)
RESPONSE_TIMEOUT = 5.0


class DeviceOutputSender:
    def __init__(self, host: str, port: int, request: m.CardServiceRequest) -> None:
        self._address = (host, port)
        self._request = request
        self._sock: socket.socket | None = None
        self._reader: FrameReader | None = None
        self._sequence = 0
        self._failed = False
        self.answered: list[m.DeviceResponse] = []

    def display(self, *lines: str) -> None:
        self._send(m.DeviceOutput("CustomerDisplay", lines))

    def print_receipt(self, lines: tuple[str, ...]) -> None:
        self._send(m.DeviceOutput("PrinterReceipt", lines))
        self._send(m.DeviceOutput("Printer", ("KOPIE HANDELAAR", *lines)))

    def close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def _send(self, output: m.DeviceOutput) -> None:
        if self._failed:
            return
        self._sequence += 1
        request = m.DeviceRequest(
            request_type=m.OUTPUT,
            request_id=self._request.request_id,
            workstation_id=self._request.workstation_id,
            sequence_id=str(self._sequence),
            outputs=(output,),
        )
        try:
            if self._sock is None:
                self._sock = socket.create_connection(self._address, timeout=RESPONSE_TIMEOUT)
                self._reader = FrameReader(self._sock)
            assert self._reader is not None
            send_frame(self._sock, m.encode(request))
            answer = m.decode(self._reader.read(RESPONSE_TIMEOUT))
        except (OSError, PaymentError) as error:
            log.warning("kassa niet bereikbaar voor uitvoer: %s", getattr(error, "code", type(error).__name__))
            self._failed = True
            self.close()
            return
        if isinstance(answer, m.DeviceResponse):
            self.answered.append(answer)
        else:
            log.warning("de kassa gaf geen DeviceResponse")
