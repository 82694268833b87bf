"""A log filter that keeps BSNs out of log files (privacy: no BSN in any log line)."""

from __future__ import annotations

import logging
import re

# A BSN is 9 digits; we redact every free-standing 9-digit number rather than only those passing
# the 11-proef, because a mistyped BSN is personal data too.
BSN_PATTERN = re.compile(r"\b\d{9}\b")
REDACTED = "*********"


def redact(text: str) -> str:
    return BSN_PATTERN.sub(REDACTED, text)


class RedactBsnFilter(logging.Filter):
    """Rewrites each record's message, exception and stack text with BSN-like numbers masked.

    Attach it to handlers (not loggers): a handler filter sees records from every logger.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A broken format string must not hide the record; keep the raw parts, redacted.
            message = f"{record.msg} {record.args}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
