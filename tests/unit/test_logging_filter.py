"""BSN-like numbers never reach a log line, wherever they hide in the record."""

from __future__ import annotations

import io
import logging

import pytest

from app.core.logging_filter import REDACTED, RedactBsnFilter, redact


@pytest.fixture
def captured() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactBsnFilter())
    logger = logging.getLogger("test.redaction")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_bsn_in_message_arguments_is_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("person %s looked up at desk %d", "999993653", 3)
    assert stream.getvalue() == f"person {REDACTED} looked up at desk 3\n"


def test_bsn_in_plain_message_and_exception_text_is_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        raise ValueError("no person with BSN 999990019")
    except ValueError:
        logger.exception("lookup of 999990019 failed")
    output = stream.getvalue()
    assert "999990019" not in output
    assert output.startswith(f"lookup of {REDACTED} failed")
    assert f"ValueError: no person with BSN {REDACTED}" in output


def test_other_numbers_are_kept() -> None:
    # Ticket numbers, times, 8- and 10-digit numbers and longer ids are not BSNs.
    text = "A012 at 10:45, postcode 1234AB, phone 0612345678, kvk 12345678, id 1234567890123"
    assert redact(text) == text


def test_bsn_next_to_punctuation_is_masked() -> None:
    assert redact("bsn=123456782;") == f"bsn={REDACTED};"
    assert redact("(123456782)") == f"({REDACTED})"


def test_broken_format_string_still_logs(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("%d for 123456782", "not a number")
    assert "123456782" not in stream.getvalue()
    assert REDACTED in stream.getvalue()
