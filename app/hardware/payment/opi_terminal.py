"""OPI (IFSF POS-EPS as CCV uses it) driver: the PaymentTerminal port over two TCP channels.

Channel 0: for every request we connect to the terminal (default port 4100), send one frame and
read one answer; a second connection can carry an AbortRequest while a payment waits. Channel 1:
we listen (default port 4102) for the terminal's DeviceRequests, pass display texts on, keep
receipt lines for the result and answer each with a DeviceResponse.

Status recovery uses CardServiceRequest RequestType="RepeatLastMessage": the terminal repeats its
last CardServiceResponse. That settles our payment when the repeated answer carries our RequestID;
when it is another payment of this same workstation, ours never ran (Loket starts no new payment
while one is open); anything else is left to a person (UNDECIDABLE), never guessed.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from app.core.clock import Clock, SystemClock
from app.core.payment.errors import PaymentError
from app.core.payment.ports import (
    DisplayCallback,
    OutcomeUnknown,
    PaymentRequest,
    StatusReply,
    TerminalBusy,
    TerminalResult,
    TerminalTotals,
    TerminalUnreachable,
)
from app.core.payment.state import Outcome, StatusResult, check_service_id
from app.hardware.payment import opi_messages as m
from app.hardware.payment.opi_channel import FrameReader, send_frame
from app.hardware.payment.opi_device import DeviceChannel, Receipts

log = logging.getLogger(__name__)
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")

_DECLINED = frozenset(
    {"Failure", "UnknownCard", "NotSupported", "FormatError", "ParsingError", "ValidationError", "MissingMandatoryData"}
)
_BUSY = frozenset({"Busy", "DeviceUnavailable"})


class OpiRequestInvalid(PaymentError):
    """We refuse to send this request (amount, currency or ServiceID); nothing went out."""

    code = "payment.opi.request_invalid"


class OpiNotOpen(PaymentError):
    code = "payment.opi.not_open"


class OpiLoggedOut(PaymentError):
    """The terminal is logged off (day closed); nothing was charged."""

    code = "payment.opi.logged_out"


class OpiRequestRefused(PaymentError):
    """The terminal answered a service request (reconciliation) with a failure."""

    code = "payment.opi.refused"


@dataclass(frozen=True)
class OpiSettings:
    terminal_host: str
    terminal_port: int = 4100
    device_address: str = "0.0.0.0"  # the ECR's address on the terminal's network (channel 1)
    device_port: int = 4102
    workstation_id: str = "1"
    pop_id: str = "001"
    application_sender: str = "Loket"
    connect_timeout: float = 5.0
    response_timeout: float = 180.0  # a citizen may take a while with the PIN
    short_timeout: float = 15.0  # abort, status, reconciliation
    poi_id: str | None = None


@dataclass
class _Active:
    sockets: set[socket.socket] = field(default_factory=set)


class OpiTerminal:
    def __init__(self, settings: OpiSettings, clock: Clock | None = None) -> None:
        self._settings = settings
        self._clock = clock or SystemClock()
        self._device = DeviceChannel(settings.device_address, settings.device_port, settings.workstation_id)
        self._lock = threading.Lock()
        self._active = _Active()
        self._open = False

    @property
    def poi_id(self) -> str:
        s = self._settings
        return s.poi_id or f"opi:{s.terminal_host}:{s.terminal_port}"

    @property
    def device_port(self) -> int:
        """The local port channel 1 listens on (useful when 0 asked the OS to pick one)."""
        return self._device.port

    def open(self) -> None:
        with self._lock:
            if self._open:
                return
            self._device.start()
            self._open = True

    def close(self) -> None:
        with self._lock:
            self._open = False
            sockets = list(self._active.sockets)
        for sock in sockets:  # a blocked pay() returns OutcomeUnknown
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._device.stop()

    def __enter__(self) -> OpiTerminal:
        self.open()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the port ---------------------------------------------------------------------------

    def pay(self, request: PaymentRequest, on_display: DisplayCallback) -> TerminalResult:
        self._check_payment(request)
        message = m.CardServiceRequest(
            request_type=m.CARD_PAYMENT,
            request_id=request.service_id,
            workstation_id=self._settings.workstation_id,
            pop_id=self._settings.pop_id,
            application_sender=self._settings.application_sender,
            timestamp=self._timestamp(),
            amount_cents=request.amount_cents,
            currency=request.currency,
        )
        with self._device.collect(request.service_id, on_display) as receipts:
            answer = self._exchange(m.encode(message), self._settings.response_timeout)
        if not isinstance(answer, m.CardServiceResponse) or answer.request_id != request.service_id:
            raise OutcomeUnknown("Het antwoord van de betaalautomaat hoort niet bij deze betaling.")
        if answer.request_type != m.CARD_PAYMENT:
            raise OutcomeUnknown("Het antwoord van de betaalautomaat hoort niet bij deze betaling.")
        return self._result(answer, receipts)

    def abort(self, payment_service_id: str, abort_service_id: str) -> None:
        self._check_id(abort_service_id)
        message = m.CardServiceRequest(
            request_type=m.ABORT_REQUEST,
            request_id=abort_service_id,
            workstation_id=self._settings.workstation_id,
            pop_id=self._settings.pop_id,
            application_sender=self._settings.application_sender,
            timestamp=self._timestamp(),
        )
        answer = self._exchange(m.encode(message), self._settings.short_timeout)
        result = getattr(answer, "overall_result", "?")
        log.info("afbreekverzoek %s voor betaling %s: %s", abort_service_id, payment_service_id, result)

    def transaction_status(self, payment_service_id: str, status_service_id: str) -> StatusReply:
        self._check_id(status_service_id)
        message = m.CardServiceRequest(
            request_type=m.REPEAT_LAST_MESSAGE,
            request_id=status_service_id,
            workstation_id=self._settings.workstation_id,
            pop_id=self._settings.pop_id,
            application_sender=self._settings.application_sender,
            timestamp=self._timestamp(),
        )
        with self._device.collect(status_service_id, None) as receipts:
            answer = self._exchange(m.encode(message), self._settings.short_timeout)
        if not isinstance(answer, m.CardServiceResponse):
            return StatusReply(StatusResult.UNDECIDABLE)
        if answer.request_id == payment_service_id and answer.request_type == m.CARD_PAYMENT:
            try:
                payment = self._result(answer, receipts)
            except (TerminalBusy, OpiLoggedOut, OutcomeUnknown):
                return StatusReply(StatusResult.UNDECIDABLE)
            return StatusReply(StatusResult(payment.outcome.value), payment)
        if answer.request_id == status_service_id and answer.overall_result in _BUSY:
            return StatusReply(StatusResult.STILL_IN_PROGRESS)
        if answer.request_type == m.CARD_PAYMENT and answer.workstation_id == self._settings.workstation_id:
            return StatusReply(StatusResult.NOT_FOUND)
        return StatusReply(StatusResult.UNDECIDABLE)

    def reconcile(self, service_id: str, close_period: bool) -> TerminalTotals:
        self._check_id(service_id)
        message = m.ServiceRequest(
            request_type=m.RECONCILIATION_WITH_CLOSURE if close_period else m.RECONCILIATION,
            request_id=service_id,
            workstation_id=self._settings.workstation_id,
            pop_id=self._settings.pop_id,
            application_sender=self._settings.application_sender,
            timestamp=self._timestamp(),
        )
        answer = self._exchange(m.encode(message), self._settings.short_timeout)
        if not isinstance(answer, m.ServiceResponse) or answer.request_id != service_id:
            raise OutcomeUnknown("Het antwoord van de betaalautomaat hoort niet bij deze afsluiting.")
        if answer.overall_result in _BUSY:
            raise TerminalBusy("De betaalautomaat is bezig.", result=answer.overall_result)
        if answer.overall_result != "Success":
            raise OpiRequestRefused("De betaalautomaat weigerde de totalen.", result=answer.overall_result)
        euros = [t for t in answer.totals if t.currency == "EUR"]
        if len(euros) != len(answer.totals):
            log.warning("totalen in een andere munt dan EUR genegeerd")
        return TerminalTotals(
            approved_count=sum(t.count for t in euros),
            approved_cents=sum(t.cents for t in euros),
            period_reference=answer.terminal_batch,
        )

    # --- helpers ----------------------------------------------------------------------------

    def _result(self, answer: m.CardServiceResponse, receipts: Receipts) -> TerminalResult:
        overall = answer.overall_result
        common = {
            "service_id": answer.request_id,
            "terminal_reference": answer.stan,
            "cardholder_receipt": tuple(receipts.cardholder),
            "merchant_receipt": tuple(receipts.merchant),
        }
        if overall == "Success":
            if answer.amount_cents is None or answer.currency != "EUR":
                raise OutcomeUnknown("Goedgekeurd zonder bedrag in euro: niet te controleren.")
            return TerminalResult(
                outcome=Outcome.APPROVED,
                amount_cents=answer.amount_cents,
                approval_code=answer.approval_code,
                masked_pan=answer.masked_pan,
                card_brand=answer.card_circuit,
                **common,  # type: ignore[arg-type]
            )
        if overall in _DECLINED or overall == "Aborted":
            outcome = Outcome.ABORTED if overall == "Aborted" else Outcome.DECLINED
            reason = overall if answer.error_text is None else f"{overall}: {answer.error_text}"
            return TerminalResult(outcome=outcome, amount_cents=0, reason=reason, **common)  # type: ignore[arg-type]
        if overall in _BUSY:
            raise TerminalBusy("De betaalautomaat is bezig met iets anders.", result=overall)
        if overall == "LoggedOut":
            raise OpiLoggedOut("De betaalautomaat is afgemeld.", result=overall)
        raise OutcomeUnknown("De betaalautomaat gaf geen eenduidige uitkomst.", result=overall)

    def _exchange(self, payload: bytes, timeout: float) -> m.OpiMessage:
        """One request on a fresh channel-0 connection and its one answer."""
        if not self._open:
            raise OpiNotOpen("De betaalautomaat is niet geopend.")
        address = (self._settings.terminal_host, self._settings.terminal_port)
        try:
            sock = socket.create_connection(address, timeout=self._settings.connect_timeout)
        except OSError as error:
            raise TerminalUnreachable("De betaalautomaat is niet bereikbaar.") from error
        with self._lock:
            self._active.sockets.add(sock)
        try:
            try:
                send_frame(sock, payload)
                frame = FrameReader(sock).read(timeout)
            except (OSError, PaymentError) as error:
                raise OutcomeUnknown("Geen bruikbaar antwoord van de betaalautomaat.") from error
            try:
                return m.decode(frame)
            except PaymentError as error:
                raise OutcomeUnknown("Het antwoord van de betaalautomaat is onleesbaar.") from error
        finally:
            with self._lock:
                self._active.sockets.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _check_payment(self, request: PaymentRequest) -> None:
        self._check_id(request.service_id)
        if request.currency != "EUR":
            raise OpiRequestInvalid("De betaalautomaat rekent alleen in euro.", currency=request.currency[:3])
        if not 0 < request.amount_cents < 1_000_000_000:
            raise OpiRequestInvalid("Het bedrag is ongeldig.", amount_cents=request.amount_cents)

    @staticmethod
    def _check_id(service_id: str) -> None:
        try:
            check_service_id(service_id)
        except PaymentError as error:
            raise OpiRequestInvalid("De ServiceID is ongeldig.") from error

    def _timestamp(self) -> str:
        return self._clock.now().astimezone(LOCAL_TIME).strftime("%Y-%m-%dT%H:%M:%S")
