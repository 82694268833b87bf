"""OPI framing: a frame split over any number of reads, or several in one read, comes out whole;
absurd lengths and non-XML payloads are refused with a typed error and the stream stays refused."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.payment.errors import PaymentError
from app.hardware.payment.opi_framing import MAX_FRAME, FrameDecoder, OpiFrameError, encode_frame

xml_payloads = st.builds(
    lambda body: f'<?xml version="1.0"?><M a="{body}"/>'.encode(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"<&\x00'), max_size=300),
)


def test_header_is_four_byte_big_endian_length() -> None:
    # OPI: the length of the XML in network byte order, then the XML itself.
    assert encode_frame(b"<A/>") == b"\x00\x00\x00\x04<A/>"
    assert encode_frame(b"<" + b"x" * 298 + b">")[:4] == bytes([0, 0, 1, 44])


@given(payloads=st.lists(xml_payloads, min_size=1, max_size=5), data=st.data())
def test_any_split_points_give_back_the_same_frames(payloads: list[bytes], data: st.DataObject) -> None:
    stream = b"".join(encode_frame(p) for p in payloads)
    cuts = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=len(stream) - 1), max_size=30)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    decoder = FrameDecoder()
    received: list[bytes] = []
    for chunk in chunks:
        received.extend(decoder.feed(chunk))
    assert received == payloads
    assert decoder.pending == 0


def test_several_frames_in_one_read() -> None:
    frames = [b"<A/>", b"<B x='1'/>", b"<C>\xc3\xa9</C>"]
    decoder = FrameDecoder()
    assert decoder.feed(b"".join(encode_frame(f) for f in frames)) == frames


def test_one_byte_at_a_time() -> None:
    stream = encode_frame(b"<CardServiceResponse/>")
    decoder = FrameDecoder()
    out: list[bytes] = []
    for i in range(len(stream)):
        out.extend(decoder.feed(stream[i : i + 1]))
    assert out == [b"<CardServiceResponse/>"]


@pytest.mark.parametrize("length", [0, MAX_FRAME + 1, 0xFFFFFFFF])
def test_absurd_lengths_are_refused_at_once(length: int) -> None:
    decoder = FrameDecoder()
    with pytest.raises(OpiFrameError) as caught:
        decoder.feed(struct.pack(">I", length))
    assert caught.value.code == "payment.opi.frame_invalid"


def test_xml_without_a_length_prefix_is_refused_without_waiting_for_a_gigabyte() -> None:
    # "<?xm" read as a length is about 1 GB: a peer that forgot the prefix.
    with pytest.raises(OpiFrameError):
        FrameDecoder().feed(b'<?xml version="1.0"?><CardServiceResponse/>')


def test_a_payload_that_is_not_xml_is_refused_on_its_first_bytes() -> None:
    with pytest.raises(OpiFrameError):
        FrameDecoder().feed(struct.pack(">I", 100) + b"GET ")


def test_a_refused_stream_stays_refused() -> None:
    decoder = FrameDecoder()
    with pytest.raises(OpiFrameError):
        decoder.feed(struct.pack(">I", MAX_FRAME + 1))
    with pytest.raises(OpiFrameError):
        decoder.feed(encode_frame(b"<A/>"))


def test_a_byte_order_mark_is_accepted() -> None:
    assert FrameDecoder().feed(encode_frame(b"\xef\xbb\xbf<A/>")) == [b"\xef\xbb\xbf<A/>"]


@given(st.lists(st.binary(max_size=64), max_size=20))
def test_arbitrary_bytes_give_frames_or_typed_errors_only(chunks: list[bytes]) -> None:
    decoder = FrameDecoder()
    try:
        for chunk in chunks:
            for frame in decoder.feed(chunk):
                assert 0 < len(frame) <= MAX_FRAME
    except PaymentError as error:
        assert isinstance(error, OpiFrameError)


def test_encode_refuses_empty_and_oversized() -> None:
    with pytest.raises(OpiFrameError):
        encode_frame(b"")
    with pytest.raises(OpiFrameError):
        encode_frame(b"<" * (MAX_FRAME + 1))
