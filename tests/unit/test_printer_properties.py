"""Properties of the layouts and the simulator's renderer, over inputs nobody wrote down."""

from __future__ import annotations

from datetime import UTC, datetime

from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.printing import Branding
from app.core.queue.ports import TicketPrint
from app.hardware.printer.commands import PaperProfile
from app.hardware.printer.layout import write_ticket
from app.hardware.printer.render import PaperRenderer

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=80)


def _text_lines(out: bytes) -> list[bytes]:
    """The printed lines at normal size: between GS ! 0 and the next size change or QR."""
    lines = []
    for chunk in out.split(b"\x1d!\x00")[1:]:
        body = chunk.split(b"\x1d")[0]
        lines += [line.lstrip(b"\x1bE\x00\x01") for line in body.split(b"\n")]
    return lines


@settings(max_examples=60, deadline=None)
@given(nl=names, en=names, ahead=st.integers(0, 999), width=st.sampled_from([58, 80]))
def test_every_line_fits_the_paper(nl: str, en: str, ahead: int, width: int) -> None:
    ticket = TicketPrint("Z999", nl, en, "Stadhuis", datetime(2026, 1, 1, tzinfo=UTC), ahead, (10, 20), "t")
    printer = Dummy()
    profile = PaperProfile.for_width(width)
    write_ticket(printer, ticket, Branding("Gemeente Zuidhaven"), profile, native_qr=True)
    for line in _text_lines(printer.output):
        assert len(line) <= profile.columns, line


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_simulator_renderer_survives_any_bytes(data: bytes) -> None:
    answers: list[int] = []
    renderer = PaperRenderer(dots=384, on_status=answers.append)
    for start in range(0, len(data), 37):  # arbitrary chunking, as TCP delivers it
        renderer.feed(data[start : start + 37])
    renderer.flush()
