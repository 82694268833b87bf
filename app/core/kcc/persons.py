"""Finding a citizen in the BRP, with every lookup audited (who, when, which BSN, why).

`PersonRegistry` is the port: the local RvIG test set for the demo, the Haal Centraal BRP
Bevragen API (app.integrations.brp_api) in a municipality. `PersonLookup` is the use case the
desk calls: it checks the right, the BSN and the reason, and writes the audit entry BEFORE it
returns any person data; when the audit cannot be written, nothing is shown.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.core.audit import (
    AuditAction,
    AuditLog,
    AuditOutcome,
    AuditWriteFailed,
    clean_reason,
    entry_for,
)
from app.core.clock import Clock
from app.core.kcc.brp_local import persons_by_bsn
from app.core.kcc.bsn import passes_elfproef, validate_bsn
from app.core.kcc.errors import KccError
from app.core.kcc.person import Person, Reisdocument
from app.core.staff import Actor, Permission, require

log = logging.getLogger(__name__)


class PersonNotFound(KccError):
    code = "kcc.person_not_found"


class PersonAmbiguous(KccError):
    """One BSN, several person lists: never pick one silently."""

    code = "kcc.person_ambiguous"


class BrpUnavailable(KccError):
    """The BRP did not answer usefully (network, server error, unreadable answer)."""

    code = "kcc.brp_unavailable"


class SearchInvalid(KccError):
    code = "kcc.search_invalid"


class PersonRegistry(Protocol):
    def by_bsn(self, bsn: str) -> Person | None:
        """The person with this (valid) BSN, None when unknown; PersonAmbiguous, BrpUnavailable."""
        ...

    def search(self, geslachtsnaam: str, geboortedatum: date, *, include_deceased: bool = False) -> list[Person]:
        """Persons with this surname (case-insensitive, `*` at the end as wildcard) born that day."""
        ...


def _fold(text: str) -> str:
    # Case- and accent-insensitive, as a clerk types "Desiree" for "Désirée".
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def check_surname_pattern(geslachtsnaam: str) -> str:
    """The pattern as searched; a wildcard needs at least 3 letters before it (as the BRP API)."""
    pattern = " ".join(geslachtsnaam.split())
    if not pattern:
        raise SearchInvalid("Vul een achternaam in.")
    if "*" in pattern[:-1]:
        raise SearchInvalid("Een sterretje mag alleen aan het eind van de achternaam staan.")
    if pattern.endswith("*") and len(pattern.rstrip("*")) < 3:
        raise SearchInvalid("Typ minstens 3 letters vóór het sterretje.")
    if len(pattern) > 200:
        raise SearchInvalid("De achternaam is te lang.")
    return pattern


def surname_matches(person: Person, pattern: str) -> bool:
    wanted = _fold(pattern)
    names = {_fold(person.naam.geslachtsnaam)}
    if person.naam.voorvoegsel:
        names.add(_fold(f"{person.naam.voorvoegsel} {person.naam.geslachtsnaam}"))
    if wanted.endswith("*"):
        stem = wanted.rstrip("*")
        return any(name.startswith(stem) for name in names)
    return wanted in names


class LocalPersonRegistry:
    """Persons held in memory (the RvIG test set in the demo and the tests)."""

    def __init__(self, persons: Iterable[Person]) -> None:
        self._persons = list(persons)
        self._by_bsn = persons_by_bsn(self._persons)

    def by_bsn(self, bsn: str) -> Person | None:
        found = self._by_bsn.get(bsn, ())
        if len(found) > 1:
            raise PersonAmbiguous("Bij dit BSN horen meer persoonslijsten. Geef dit door aan de afdeling Burgerzaken.")
        return found[0] if found else None

    def all_by_bsn(self, bsn: str) -> list[Person]:
        """Every person list with this BSN (the BRP stand-in answers with all of them)."""
        return list(self._by_bsn.get(bsn, ()))

    def search(self, geslachtsnaam: str, geboortedatum: date, *, include_deceased: bool = False) -> list[Person]:
        pattern = check_surname_pattern(geslachtsnaam)
        return [
            p
            for p in self._persons
            if p.geboorte.datum.as_date == geboortedatum
            and surname_matches(p, pattern)
            and (include_deceased or not p.is_overleden)
        ]

    def __len__(self) -> int:
        return len(self._persons)


class PersonLookup:
    """The desk's citizen lookup: right checked, reason required, audited before data is shown."""

    def __init__(self, registry: PersonRegistry, audit: AuditLog, clock: Clock) -> None:
        self._registry = registry
        self._audit = audit
        self._clock = clock

    def by_bsn(self, actor: Actor | None, bsn: str, reason: str) -> Person:
        self._refuse_without_right(actor, AuditAction.PERSON_LOOKUP_BSN, bsn if passes_elfproef(bsn) else "", reason)
        why = clean_reason(reason)
        validate_bsn(bsn)
        try:
            person = self._registry.by_bsn(bsn)
        except BrpUnavailable:
            self._try_record(actor, AuditAction.PERSON_LOOKUP_BSN, bsn, why, AuditOutcome.UNAVAILABLE)
            raise
        except PersonAmbiguous:
            self._record(actor, AuditAction.PERSON_LOOKUP_BSN, bsn, why, AuditOutcome.NOT_FOUND)
            raise
        outcome = AuditOutcome.FOUND if person is not None else AuditOutcome.NOT_FOUND
        self._record(actor, AuditAction.PERSON_LOOKUP_BSN, bsn, why, outcome)
        if person is None:
            raise PersonNotFound("Er is geen persoon gevonden met dit BSN.")
        return person

    def search(
        self,
        actor: Actor | None,
        geslachtsnaam: str,
        geboortedatum: date,
        reason: str,
        *,
        include_deceased: bool = False,
    ) -> list[Person]:
        """Persons by surname and birth date; the audit entry names every BSN that was shown."""
        self._refuse_without_right(actor, AuditAction.PERSON_SEARCH, "", reason)
        why = clean_reason(reason)
        pattern = check_surname_pattern(geslachtsnaam)
        try:
            found = self._registry.search(pattern, geboortedatum, include_deceased=include_deceased)
        except BrpUnavailable:
            self._try_record(actor, AuditAction.PERSON_SEARCH, "", why, AuditOutcome.UNAVAILABLE)
            raise
        subject = ",".join(p.burgerservicenummer or "" for p in found)
        self._record(
            actor, AuditAction.PERSON_SEARCH, subject, why, AuditOutcome.FOUND if found else AuditOutcome.NOT_FOUND
        )
        return found

    def _refuse_without_right(self, actor: Actor | None, action: AuditAction, subject: str, reason: str) -> None:
        if actor is not None and actor.may(Permission.PERSON_READ):
            return
        # The attempt itself is worth knowing about; a failing audit must not turn "no" into "yes".
        why = " ".join(reason.split())[:300] or "(geen reden opgegeven)"
        self._try_record(actor, action, subject, why, AuditOutcome.DENIED)
        require(actor, Permission.PERSON_READ)
        raise AssertionError("require() let an actor without PERSON_READ through")  # pragma: no cover

    def _record(self, actor: Actor | None, action: AuditAction, subject: str, why: str, outcome: AuditOutcome) -> None:
        entry = entry_for(actor, self._clock.now(), action, subject, why, outcome)
        try:
            self._audit.record(entry)
        except AuditWriteFailed:
            log.error("audit entry could not be written; person data withheld")
            raise
        except Exception as error:
            log.error("audit entry could not be written (%s); person data withheld", type(error).__name__)
            raise AuditWriteFailed(
                "De opvraging kon niet worden vastgelegd. Daarom worden er geen gegevens getoond. Probeer het opnieuw."
            ) from None

    def _try_record(
        self, actor: Actor | None, action: AuditAction, subject: str, why: str, outcome: AuditOutcome
    ) -> None:
        # Already logged when it fails; the caller raises its own error anyway.
        with contextlib.suppress(AuditWriteFailed):
            self._record(actor, action, subject, why, outcome)


# ---- helpers for the desk screen -------------------------------------------------------------

DOCUMENT_NAMES = {
    "PN": "paspoort",
    "NI": "identiteitskaart",
    "ZN": "zakenpaspoort",
    "TN": "tweede paspoort",
    "PD": "diplomatiek paspoort",
    "PF": "faciliteitenpaspoort",
    "PV": "vluchtelingenpaspoort",
}


@dataclass(frozen=True)
class DocumentNotice:
    soort: str
    naam: str  # "paspoort"
    einde: date
    months_left: int  # negative when expired
    text: str  # "Uw paspoort verloopt over 5 maanden."

    @property
    def expired(self) -> bool:
        return self.months_left < 0


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (negative when end lies before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end >= start and end.day < start.day:
        months -= 1
    elif end < start and end.day > start.day:
        months += 1
    return months


def _notice(doc: Reisdocument, end: date, today: date) -> DocumentNotice:
    naam = DOCUMENT_NAMES.get(doc.soort, "reisdocument")
    if end < today:
        months = min(months_between(today, end), -1)
        text = f"Uw {naam} is verlopen op {end.day}-{end.month}-{end.year}."
    else:
        months = months_between(today, end)
        days = (end - today).days
        if months >= 2:
            text = f"Uw {naam} verloopt over {months} maanden."
        elif months == 1:
            text = f"Uw {naam} verloopt over 1 maand."
        elif days == 0:
            text = f"Uw {naam} verloopt vandaag."
        else:
            text = f"Uw {naam} verloopt over {days} {'dag' if days == 1 else 'dagen'}."
    return DocumentNotice(soort=doc.soort, naam=naam, einde=end, months_left=months, text=text)


def expiring_documents(person: Person, today: date, within_months: int = 6) -> list[DocumentNotice]:
    """Documents to mention to the citizen: valid ones ending within `within_months`, and expired
    ones of a kind the person has no valid document of. Surrendered or missing ones are skipped."""
    notices = []
    valid_kinds = {doc.soort for doc in person.valid_documents(today)}
    for doc in person.reisdocumenten:
        end = doc.datum_einde_geldigheid.as_date
        if doc.aanduiding_inhouding or end is None:
            continue
        expiring = end >= today and months_between(today, end) < within_months
        expired_without_successor = end < today and doc.soort not in valid_kinds
        if expiring or expired_without_successor:
            notices.append(_notice(doc, end, today))
    return sorted(notices, key=lambda n: n.einde)


GEHEIMHOUDING_WARNING = "Geheimhouding: geen gegevens aan derden verstrekken."


def person_warnings(person: Person) -> list[str]:
    """What the desk must show prominently above the person's data."""
    warnings = []
    if person.is_overleden:
        assert person.datum_overlijden is not None
        warnings.append(f"Deze persoon is overleden (datum van overlijden: {person.datum_overlijden}).")
    if person.geheimhouding:
        warnings.append(GEHEIMHOUDING_WARNING)
    if person.datum_opschorting is not None and not person.is_overleden:
        warnings.append("De persoonslijst is opgeschort: de gegevens zijn mogelijk niet actueel.")
    return warnings
