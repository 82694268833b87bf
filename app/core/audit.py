"""The audit log: who looked up which person, when and why.

It is the one place a BSN is stored on purpose. Entries are only ever added; reading them needs
AUDIT_READ. The repr of an entry shows no BSN.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.core.errors import LoketError
from app.core.staff import Actor, Permission, require

log = logging.getLogger(__name__)

MAX_REASON_LENGTH = 300


class AuditOutcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    DENIED = "denied"
    UNAVAILABLE = "unavailable"  # the BRP did not answer; nothing was shown


class AuditAction(StrEnum):
    PERSON_LOOKUP_BSN = "person.lookup_bsn"
    PERSON_SEARCH = "person.search"


class AuditWriteFailed(LoketError):
    """The audit entry could not be written; the person data is therefore not shown."""

    code = "audit.write_failed"


class ReasonRequired(LoketError):
    code = "audit.reason_required"


@dataclass(frozen=True, repr=False)
class AuditEntry:
    at: datetime
    staff_id: int | None
    username: str
    action: str
    subject: str  # the BSN (or BSNs, comma separated) this entry is about; may be empty
    reason: str
    outcome: AuditOutcome
    id: int | None = None

    def __repr__(self) -> str:
        return f"AuditEntry(id={self.id}, action={self.action!r}, outcome={self.outcome.value!r})"


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None:
        """Write the entry durably before returning; raise AuditWriteFailed when that fails."""
        ...

    def entries_between(
        self, start: datetime, end: datetime, *, username: str | None = None, subject: str | None = None
    ) -> list[AuditEntry]:
        """Entries with start <= at < end, oldest first, optionally for one user or one BSN."""
        ...


def clean_reason(reason: str) -> str:
    """The reason as stored; refuse an empty one (every lookup needs a why)."""
    text = " ".join(reason.split())
    if not text:
        raise ReasonRequired("Geef een reden op waarom u deze persoon opzoekt.")
    if len(text) > MAX_REASON_LENGTH:
        raise ReasonRequired(f"De reden mag hoogstens {MAX_REASON_LENGTH} tekens lang zijn.")
    return text


def entry_for(
    actor: Actor | None, at: datetime, action: AuditAction, subject: str, reason: str, outcome: AuditOutcome
) -> AuditEntry:
    return AuditEntry(
        at=at,
        staff_id=actor.staff_id if actor else None,
        username=actor.username if actor else "",
        action=action.value,
        subject=subject,
        reason=reason,
        outcome=outcome,
    )


class AuditTrail:
    """Reading the audit log: team leads and administrators only."""

    def __init__(self, audit: AuditLog) -> None:
        self._audit = audit

    def entries(
        self,
        actor: Actor | None,
        start: datetime,
        end: datetime,
        *,
        username: str | None = None,
        subject: str | None = None,
    ) -> list[AuditEntry]:
        require(actor, Permission.AUDIT_READ)
        return self._audit.entries_between(start, end, username=username, subject=subject)


class InMemoryAuditLog:
    """An AuditLog in a list: for the core's tests and tools without a database."""

    def __init__(self) -> None:
        self._entries: list[AuditEntry] = []
        self._lock = threading.Lock()

    def record(self, entry: AuditEntry) -> None:
        with self._lock:
            self._entries.append(AuditEntry(**{**entry.__dict__, "id": len(self._entries) + 1}))

    def entries_between(
        self, start: datetime, end: datetime, *, username: str | None = None, subject: str | None = None
    ) -> list[AuditEntry]:
        with self._lock:
            return [
                e
                for e in self._entries
                if start <= e.at < end
                and (username is None or e.username == username)
                and (subject is None or subject in e.subject.split(","))
            ]
