"""Use cases of contact registration and forwarding: what the desk screens and the CLI call.

Every use case checks the actor's permission first (the core enforces roles, not only the UI).
The KCC owns every question it forwards: the task keeps who forwarded it, the deadline is counted
in working days from when the citizen asked, and the back office's answer is written back on the
contact.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date, datetime
from typing import Protocol

from app.core.clock import Clock
from app.core.kcc.bsn import validate_bsn
from app.core.kcc.contact import (
    MAX_ANTWOORD,
    MAX_BEREIKBAARHEID,
    MAX_GEVRAAGDE_HANDELING,
    MAX_KANAAL,
    MAX_NAAM,
    MAX_ONDERWERP,
    MAX_TOELICHTING,
    MAX_URI,
    MAX_VRAAG,
    ChannelList,
    ContactInvalid,
    ContactNotFound,
    ContactResultaat,
    EndBeforeStart,
    ForwardedQuestion,
    InterneTaak,
    Kanaal,
    Klantcontact,
    Medewerker,
    Onderwerp,
    OnderwerpRequired,
    ResultaatRequired,
    TaakStatus,
    TaskAlreadyHandled,
    Toewijzing,
    ToewijzingSoort,
    check_length,
    check_taal,
)
from app.core.kcc.working_days import WorkingCalendar
from app.core.staff import Actor, Permission, PermissionDenied, require

log = logging.getLogger(__name__)


class ContactStore(Protocol):
    """Where contacts and tasks live. Saving is an upsert by id; the store assigns `nummer`."""

    def save_contact(self, contact: Klantcontact) -> Klantcontact: ...

    def get_contact(self, contact_id: str) -> Klantcontact:
        """The contact, or ContactNotFound."""
        ...

    def save_task(self, task: InterneTaak) -> InterneTaak: ...

    def get_task(self, task_id: str) -> InterneTaak:
        """The task, or TaskNotFound."""
        ...

    def save_contact_and_task(self, contact: Klantcontact, task: InterneTaak) -> tuple[Klantcontact, InterneTaak]:
        """Both in one transaction: a forward never leaves a task without its contact's outcome."""
        ...

    def contacts_between(self, start: datetime, end: datetime, *, username: str | None = None) -> list[Klantcontact]:
        """Contacts with start <= gestart_op < end (all, or one staff member's), oldest first."""
        ...

    def tasks_for_contacts(self, contact_ids: Collection[str]) -> list[InterneTaak]: ...

    def tasks_for_owner(self, username: str) -> list[InterneTaak]:
        """Tasks forwarded by this staff member."""
        ...

    def open_tasks(self, toegewezen_aan: str | None = None) -> list[InterneTaak]:
        """Tasks still te_verwerken, optionally for one department/group/person by name."""
        ...

    def contacts_by_ids(self, contact_ids: Collection[str]) -> list[Klantcontact]: ...


class ContactService:
    def __init__(
        self,
        store: ContactStore,
        calendar: WorkingCalendar,
        clock: Clock,
        service_norm_days: Callable[[str], int | None],
        default_norm_days: int = 10,
        channels: ChannelList | None = None,
    ) -> None:
        if default_norm_days < 0:
            raise ValueError("default_norm_days must be >= 0")
        self._store = store
        self._calendar = calendar
        self._clock = clock
        self._norm_days = service_norm_days
        self._default_norm_days = default_norm_days
        self.channels = channels or ChannelList()

    # --- registration -------------------------------------------------------------------

    def new_contact(
        self,
        actor: Actor,
        kanaal: str = Kanaal.BALIE.value,
        ticket_id: int | None = None,
        gesprek_id: str | None = None,
        afdeling: str | None = None,
    ) -> Klantcontact:
        """A draft with sensible defaults (now, Dutch, not confidential). Not stored yet."""
        require(actor, Permission.CONTACT_REGISTER)
        self.channels.validate(kanaal)
        contact_id = str(uuid.uuid4())
        return Klantcontact(
            id=contact_id,
            gesprek_id=gesprek_id or contact_id,
            kanaal=kanaal,
            onderwerp=Onderwerp(),
            vraag="",
            antwoord="",
            resultaat=None,
            gestart_op=self._clock.now(),
            medewerker=Medewerker.from_actor(actor),
            afdeling=afdeling,
            ticket_id=ticket_id,
        )

    def next_question(self, actor: Actor, previous: Klantcontact) -> Klantcontact:
        """A new draft in the same conversation: same channel, citizen, ticket and language."""
        draft = self.new_contact(
            actor,
            previous.kanaal,
            ticket_id=previous.ticket_id,
            gesprek_id=previous.gesprek_id,
            afdeling=previous.afdeling,
        )
        return replace(draft, bsn=previous.bsn, taal=previous.taal, vertrouwelijk=previous.vertrouwelijk)

    def save(self, actor: Actor, contact: Klantcontact) -> Klantcontact:
        """Validate and store; an open end time becomes now. Returns the stored contact."""
        require(actor, Permission.CONTACT_REGISTER)
        existing = self._check_may_change(actor, contact.id)
        if existing is not None:
            # A screen may hold an older copy: never let it erase the back office's answer, and
            # the contact keeps its owner when a team lead corrects it.
            contact = replace(
                contact,
                medewerker=existing.medewerker,
                terugkoppeling=existing.terugkoppeling,
                terugkoppeling_op=existing.terugkoppeling_op,
            )
        if contact.gestart_op.tzinfo is None or (contact.beeindigd_op and contact.beeindigd_op.tzinfo is None):
            raise ContactInvalid("Tijden moeten een tijdzone hebben.", field="gestart_op")
        if contact.beeindigd_op is None:
            contact = replace(contact, beeindigd_op=max(self._clock.now(), contact.gestart_op))
        contact = self._validated(contact)
        saved = self._store.save_contact(contact)
        log.info("klantcontact %s saved (kanaal %s, resultaat %s)", saved.nummer, saved.kanaal, saved.resultaat)
        return saved

    def get(self, actor: Actor, contact_id: str) -> Klantcontact:
        contact = self._store.get_contact(contact_id)
        self._check_may_read(actor, contact)
        return contact

    def contacts_between(self, actor: Actor, start: datetime, end: datetime) -> list[Klantcontact]:
        """Everyone's contacts with CONTACT_READ_ALL, otherwise only the actor's own."""
        if actor is not None and actor.may(Permission.CONTACT_READ_ALL):
            return self._store.contacts_between(start, end)
        require(actor, Permission.CONTACT_REGISTER)
        return self._store.contacts_between(start, end, username=actor.username)

    # --- forwarding ---------------------------------------------------------------------

    def deadline_for(self, contact: Klantcontact, norm_days: int | None = None) -> date:
        """Working days after the citizen asked: the given norm, else the product's, else default."""
        if norm_days is None and contact.onderwerp.product_uri:
            norm_days = self._norm_days(contact.onderwerp.product_uri)
        if norm_days is None:
            norm_days = self._default_norm_days
        if norm_days < 0:
            raise ContactInvalid("De servicenorm kan niet negatief zijn.", field="norm_days")
        return self._calendar.add_working_days(contact.gestart_op, norm_days)

    def forward(
        self,
        actor: Actor,
        contact_id: str,
        toewijzing: Toewijzing,
        gevraagde_handeling: str,
        toelichting: str,
        bereikbaarheid: str,
        norm_days: int | None = None,
    ) -> InterneTaak:
        """Forward a saved contact to the back office; the contact's outcome becomes doorgezet."""
        require(actor, Permission.CONTACT_REGISTER)
        contact = self._check_may_change(actor, contact_id)
        if contact is None:
            raise ContactNotFound("Dit klantcontact bestaat niet.", contact=contact_id)
        toewijzing = self._validated_toewijzing(toewijzing)
        handeling = gevraagde_handeling.strip()
        if not handeling:
            raise ContactInvalid("Vul in wat de afdeling moet doen.", field="gevraagde_handeling")
        check_length(handeling, MAX_GEVRAAGDE_HANDELING, field="gevraagde_handeling", label="Gevraagde handeling")
        check_length(toelichting, MAX_TOELICHTING, field="toelichting", label="De toelichting")
        bereikbaar = bereikbaarheid.strip()
        if not bereikbaar:
            raise ContactInvalid(
                "Vul in hoe de afdeling de inwoner kan bereiken (telefoon of e-mail).", field="bereikbaarheid"
            )
        check_length(bereikbaar, MAX_BEREIKBAARHEID, field="bereikbaarheid", label="Bereikbaarheid")
        task = InterneTaak(
            id=str(uuid.uuid4()),
            klantcontact_id=contact.id,
            toegewezen_aan=toewijzing,
            gevraagde_handeling=handeling,
            toelichting=toelichting.strip(),
            bereikbaarheid=bereikbaar,
            deadline=self.deadline_for(contact, norm_days),
            doorgezet_door=Medewerker.from_actor(actor),
            toegewezen_op=self._clock.now(),
        )
        contact = replace(contact, resultaat=ContactResultaat.DOORGEZET)
        _, saved = self._store.save_contact_and_task(contact, task)
        log.info("klantcontact %s forwarded as task %s, deadline %s", contact.nummer, saved.nummer, saved.deadline)
        return saved

    def forwarded_by_me(self, actor: Actor) -> list[ForwardedQuestion]:
        """The actor's forwarded questions, earliest deadline first, overdue ones marked."""
        require(actor, Permission.CONTACT_REGISTER)
        return self._rows(self._store.tasks_for_owner(actor.username))

    def open_tasks(self, actor: Actor, toegewezen_aan: str | None = None) -> list[ForwardedQuestion]:
        """Questions still to handle (for one department/group/person, or all)."""
        if actor is None or not (actor.may(Permission.TASK_HANDLE) or actor.may(Permission.CONTACT_READ_ALL)):
            require(actor, Permission.TASK_HANDLE)
        return self._rows(self._store.open_tasks(toegewezen_aan))

    def record_answer(self, actor: Actor, task_id: str, antwoord: str) -> InterneTaak:
        """The back office's answer: the task becomes verwerkt and the answer goes on the contact."""
        require(actor, Permission.TASK_HANDLE)
        text = antwoord.strip()
        if not text:
            raise ContactInvalid("Vul het antwoord van de afdeling in.", field="antwoord")
        check_length(text, MAX_ANTWOORD, field="antwoord", label="Het antwoord")
        task = self._store.get_task(task_id)
        if task.status is TaakStatus.VERWERKT:
            raise TaskAlreadyHandled("Deze vraag is al afgehandeld.", task=task.nummer)
        now = self._clock.now()
        task = replace(
            task,
            status=TaakStatus.VERWERKT,
            afgehandeld_op=now,
            antwoord=text,
            afgehandeld_door=Medewerker.from_actor(actor),
        )
        contact = self._store.get_contact(task.klantcontact_id)
        contact = replace(contact, terugkoppeling=text, terugkoppeling_op=now)
        _, saved = self._store.save_contact_and_task(contact, task)
        log.info("task %s handled", saved.nummer)
        return saved

    def today(self) -> date:
        return self._clock.now().astimezone(self._calendar.timezone).date()

    # --- helpers ------------------------------------------------------------------------

    def _rows(self, tasks: list[InterneTaak]) -> list[ForwardedQuestion]:
        contacts = {c.id: c for c in self._store.contacts_by_ids({t.klantcontact_id for t in tasks})}
        today = self.today()
        rows = []
        for task in tasks:
            contact = contacts.get(task.klantcontact_id)
            open_ = task.status is TaakStatus.TE_VERWERKEN
            rows.append(
                ForwardedQuestion(
                    task=task,
                    onderwerp=contact.onderwerp.omschrijving if contact else "",
                    kanaal=contact.kanaal if contact else "",
                    gestart_op=contact.gestart_op if contact else task.toegewezen_op,
                    te_laat=open_ and today > task.deadline,
                    werkdagen_over=self._working_days_left(today, task.deadline),
                )
            )
        rows.sort(key=lambda r: (r.task.deadline, r.task.toegewezen_op))
        return rows

    def _working_days_left(self, today: date, deadline: date) -> int:
        """Working days after today up to the deadline; negative: working days past it."""
        count = 0
        day = today
        if deadline >= today:
            while day < deadline:
                day = self._calendar.next_working_day(day)
                if day <= deadline:
                    count += 1
            return count
        day = deadline
        while True:
            day = self._calendar.next_working_day(day)
            if day > today:
                return -count
            count += 1

    def _check_may_change(self, actor: Actor, contact_id: str) -> Klantcontact | None:
        """The stored contact (None when new). Someone else's may only be changed by a reader
        of all contacts."""
        try:
            existing = self._store.get_contact(contact_id)
        except ContactNotFound:
            return None
        if existing.medewerker.gebruikersnaam != actor.username and not actor.may(Permission.CONTACT_READ_ALL):
            raise PermissionDenied("Dit contact is door een collega geregistreerd.", username=actor.username)
        return existing

    def _check_may_read(self, actor: Actor, contact: Klantcontact) -> None:
        if actor is not None and actor.may(Permission.CONTACT_READ_ALL):
            return
        require(actor, Permission.CONTACT_REGISTER)
        if contact.medewerker.gebruikersnaam != actor.username:
            raise PermissionDenied("Dit contact is door een collega geregistreerd.", username=actor.username)

    def _validated(self, contact: Klantcontact) -> Klantcontact:
        self.channels.validate(contact.kanaal)
        onderwerp = contact.onderwerp
        if onderwerp.is_empty:
            raise OnderwerpRequired("Kies een product of typ waar de vraag over ging.", field="onderwerp")
        check_length(onderwerp.product_uri, MAX_URI, field="onderwerp", label="De product-URI")
        check_length(onderwerp.product_naam, MAX_ONDERWERP, field="onderwerp", label="De productnaam")
        check_length(onderwerp.vrije_tekst, MAX_ONDERWERP, field="onderwerp", label="Het onderwerp")
        if contact.resultaat is None:
            raise ResultaatRequired("Kies hoe het contact is afgelopen.", field="resultaat")
        check_length(contact.vraag, MAX_VRAAG, field="vraag", label="De vraag")
        check_length(contact.antwoord, MAX_ANTWOORD, field="antwoord", label="Het antwoord")
        check_length(contact.afdeling, MAX_NAAM, field="afdeling", label="De afdeling")
        check_length(contact.kennisartikel_uri, MAX_URI, field="kennisartikel_uri", label="Het kennisartikel")
        check_length(contact.kanaal, MAX_KANAAL, field="kanaal", label="Het kanaal")
        check_taal(contact.taal)
        if contact.beeindigd_op is not None and contact.beeindigd_op < contact.gestart_op:
            raise EndBeforeStart("Het einde van het contact ligt voor het begin.", field="beeindigd_op")
        if contact.bsn is not None:
            bsn = contact.bsn.strip()
            contact = replace(contact, bsn=validate_bsn(bsn) if bsn else None)
        return contact

    def _validated_toewijzing(self, toewijzing: Toewijzing) -> Toewijzing:
        naam = " ".join(toewijzing.naam.split())
        if not naam:
            raise ContactInvalid("Kies naar welke afdeling, groep of persoon de vraag gaat.", field="toewijzing")
        check_length(naam, MAX_NAAM, field="toewijzing", label="De naam van de afdeling")
        return Toewijzing(ToewijzingSoort(toewijzing.soort), naam)
