"""Klantcontacten and forwarded questions (interne taken), after the VNG Klantinteracties model.

A klantcontact is one question of a citizen on one channel, with what was asked, what was answered
and the outcome. Several questions in one conversation share a `gesprek_id`. What the first line
cannot handle becomes an interne taak for the back office, with a deadline in working days: the
standard has no deadline, the KCC promises one (see working_days.py), so we keep it ourselves.

Text limits are the Klantinteracties API's own maxLength values, so every saved contact exports.
The BSN is stored (the export needs it as the partij's identifier) but never shown in a repr.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.core.kcc.errors import KccError
from app.core.staff import Actor

# Limits of the Klantinteracties API (Klantcontact, InterneTaak): longer text would not export.
MAX_KANAAL = 50
MAX_ONDERWERP = 200
MAX_VRAAG = 1000  # inhoud
MAX_ANTWOORD = 4000  # reactie
MAX_GEVRAAGDE_HANDELING = 200
MAX_TOELICHTING = 700  # toelichting + bereikbaarheid share the API's 1000 characters
MAX_BEREIKBAARHEID = 200
MAX_NAAM = 200
MAX_URI = 300
DEFAULT_TAAL = "nld"
_TAAL = re.compile(r"^[a-z]{3}$")


class ContactError(KccError):
    code = "kcc.contact.error"


class ContactInvalid(ContactError):
    """A contact or forwarded question that cannot be saved; `field` says which input is wrong."""

    code = "kcc.contact.invalid"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)
        self.field = field


class OnderwerpRequired(ContactInvalid):
    code = "kcc.contact.onderwerp_required"


class ResultaatRequired(ContactInvalid):
    code = "kcc.contact.resultaat_required"


class EndBeforeStart(ContactInvalid):
    code = "kcc.contact.end_before_start"


class ChannelUnknown(ContactInvalid):
    code = "kcc.contact.channel_unknown"


class TextTooLong(ContactInvalid):
    code = "kcc.contact.text_too_long"


class ContactNotFound(ContactError):
    code = "kcc.contact.not_found"


class TaskNotFound(ContactError):
    code = "kcc.task.not_found"


class TaskAlreadyHandled(ContactError):
    code = "kcc.task.already_handled"


class Kanaal(StrEnum):
    """The channels every municipality has; a location may add its own (see ChannelList)."""

    BALIE = "balie"
    DIGITALE_BALIE = "digitale balie"
    TELEFOON = "telefoon"
    EMAIL = "e-mail"
    POST = "post"
    WEBSITE = "website"


class ChannelList:
    """The channels staff may choose from: the defaults plus configured others, in that order."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        names = [k.value for k in Kanaal]
        for raw in extra:
            name = " ".join(str(raw).split()).lower()
            if not name or len(name) > MAX_KANAAL:
                raise ChannelUnknown(f"Een kanaal heeft een naam van 1 tot {MAX_KANAAL} tekens.", field="kanaal")
            if name not in names:
                names.append(name)
        self.names: tuple[str, ...] = tuple(names)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def validate(self, name: str) -> str:
        if name not in self.names:
            raise ChannelUnknown("Kies een kanaal uit de lijst.", field="kanaal")
        return name


class ContactResultaat(StrEnum):
    AFGEHANDELD = "afgehandeld"  # handled in the first line
    DOORGEZET = "doorgezet"  # forwarded to the back office (an interne taak)
    VERWEZEN = "verwezen"  # referred to another organisation
    CONTACT_MISLUKT = "contact_mislukt"  # e.g. nobody answered the phone


class TaakStatus(StrEnum):
    TE_VERWERKEN = "te_verwerken"
    VERWERKT = "verwerkt"


class ToewijzingSoort(StrEnum):
    AFDELING = "afdeling"
    GROEP = "groep"
    MEDEWERKER = "medewerker"


@dataclass(frozen=True)
class Onderwerp:
    """What the question was about: a catalogue product (UPL URI) and/or free text."""

    product_uri: str | None = None
    product_naam: str | None = None
    vrije_tekst: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.product_uri or self.product_naam or (self.vrije_tekst or "").strip())

    @property
    def omschrijving(self) -> str:
        """One line for lists and the export's `onderwerp`."""
        text = self.product_naam or (self.vrije_tekst or "").strip() or self.product_uri or ""
        return text[:MAX_ONDERWERP]


@dataclass(frozen=True)
class Medewerker:
    """Who did it, as stored on a contact: a snapshot, so renaming an account keeps history."""

    staff_id: int | None
    gebruikersnaam: str
    naam: str

    @classmethod
    def from_actor(cls, actor: Actor) -> Medewerker:
        return cls(actor.staff_id, actor.username, actor.display_name or actor.username)


@dataclass(frozen=True)
class Klantcontact:
    id: str  # uuid4 text; also the Klantinteracties uuid
    gesprek_id: str  # shared by all questions of one conversation
    kanaal: str
    onderwerp: Onderwerp
    vraag: str = field(repr=False)  # inhoud; free text may name people, so not in a repr
    antwoord: str = field(repr=False)  # reactie
    resultaat: ContactResultaat | None  # None only in a draft
    gestart_op: datetime
    medewerker: Medewerker
    beeindigd_op: datetime | None = None
    taal: str = DEFAULT_TAAL  # ISO 639-2
    vertrouwelijk: bool = False
    afdeling: str | None = None
    bsn: str | None = field(default=None, repr=False)  # betrokkene partij; never in a repr or log
    ticket_id: int | None = None
    kennisartikel_uri: str | None = None
    # the back office's answer, recorded back (the KCC stays owner)
    terugkoppeling: str | None = field(default=None, repr=False)
    terugkoppeling_op: datetime | None = None
    nummer: int | None = None  # assigned by the store on first save


@dataclass(frozen=True)
class Toewijzing:
    soort: ToewijzingSoort
    naam: str


@dataclass(frozen=True)
class InterneTaak:
    id: str  # uuid4 text
    klantcontact_id: str
    toegewezen_aan: Toewijzing
    gevraagde_handeling: str
    toelichting: str = field(repr=False)  # internal note for the back office
    bereikbaarheid: str = field(repr=False)  # how to reach the citizen (phone, e-mail)
    deadline: date
    doorgezet_door: Medewerker  # the KCC owner who watches the deadline
    toegewezen_op: datetime
    status: TaakStatus = TaakStatus.TE_VERWERKEN
    afgehandeld_op: datetime | None = None
    antwoord: str | None = field(default=None, repr=False)
    afgehandeld_door: Medewerker | None = None
    nummer: int | None = None  # assigned by the store on first save


@dataclass(frozen=True)
class ForwardedQuestion:
    """A row of "my forwarded questions": the task, what it was about, and how it stands."""

    task: InterneTaak
    onderwerp: str
    kanaal: str
    gestart_op: datetime
    te_laat: bool  # overdue: still te_verwerken and today is past the deadline
    werkdagen_over: int  # working days left until the deadline; negative when overdue


def check_taal(taal: str) -> str:
    if not _TAAL.match(taal):
        raise ContactInvalid("Taal moet een code van drie kleine letters zijn (ISO 639-2, bv. nld).", field="taal")
    return taal


def check_length(value: str | None, limit: int, *, field: str, label: str) -> None:
    if value is None:
        return
    if len(value) > limit:
        raise TextTooLong(f"{label} is te lang: maximaal {limit} tekens.", field=field)
    if "\x00" in value:  # PostgreSQL refuses it; a pasted binary fragment, never meant text
        raise ContactInvalid(f"{label} bevat een ongeldig teken.", field=field)
