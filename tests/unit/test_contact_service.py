"""Contact registration and forwarding through the core's use cases (in-memory store).

Deadlines are checked against dates counted by hand on a 2025/2026 wall calendar with the
project's holiday file (resources/seed/feestdagen-nl-2025-2030.csv), not against code output.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core.clock import FakeClock
from app.core.kcc.contact import (
    ChannelList,
    ChannelUnknown,
    ContactInvalid,
    ContactNotFound,
    ContactResultaat,
    EndBeforeStart,
    Klantcontact,
    Onderwerp,
    OnderwerpRequired,
    ResultaatRequired,
    TaakStatus,
    TaskAlreadyHandled,
    TextTooLong,
    Toewijzing,
    ToewijzingSoort,
)
from app.core.kcc.contact_memory import InMemoryContactStore
from app.core.kcc.contact_service import ContactService
from app.core.kcc.errors import BsnInvalid
from app.core.kcc.working_days import WorkingCalendar, parse_holidays
from app.core.staff import Actor, PermissionDenied, Role

SEED = Path(__file__).resolve().parents[2] / "resources" / "seed" / "feestdagen-nl-2025-2030.csv"
CALENDAR = WorkingCalendar.from_holidays(parse_holidays(SEED.read_text(encoding="utf-8")))
AMS = ZoneInfo("Europe/Amsterdam")
PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"
NORMS = {PASPOORT: 5}

ANNA = Actor(1, "anna", "Anna de Balie", frozenset({Role.BALIEMEDEWERKER}))
BOB = Actor(2, "bob", "Bob Balie", frozenset({Role.BALIEMEDEWERKER}))
TEAM = Actor(3, "tl", "Teun Leider", frozenset({Role.TEAMLEIDER}))
REDACTEUR = Actor(4, "red", "Rie Dacteur", frozenset({Role.REDACTEUR}))
VALID_BSN = "999993653"  # RvIG test person (passes the 11-proef)
BURGERZAKEN = Toewijzing(ToewijzingSoort.AFDELING, "Burgerzaken backoffice")


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def make(clock_at: datetime) -> tuple[ContactService, FakeClock, InMemoryContactStore]:
    clock = FakeClock(clock_at)
    store = InMemoryContactStore()
    service = ContactService(store, CALENDAR, clock, NORMS.get, default_norm_days=10)
    return service, clock, store


def filled(service: ContactService, actor: Actor = ANNA, **changes: object) -> Klantcontact:
    draft = service.new_contact(actor)
    values: dict[str, object] = {
        "onderwerp": Onderwerp(product_uri=PASPOORT, product_naam="Paspoort aanvragen"),
        "vraag": "Hoe lang duurt een paspoort?",
        "antwoord": "Vijf werkdagen.",
        "resultaat": ContactResultaat.AFGEHANDELD,
    }
    values.update(changes)
    return replace(draft, **values)  # type: ignore[arg-type]


def test_draft_has_sensible_defaults() -> None:
    service, clock, _ = make(local(2026, 3, 2))
    draft = service.new_contact(ANNA, ticket_id=7)
    assert draft.kanaal == "balie"
    assert draft.taal == "nld"
    assert draft.vertrouwelijk is False
    assert draft.gestart_op == clock.now()
    assert draft.gesprek_id == draft.id
    assert draft.medewerker.gebruikersnaam == "anna"
    assert draft.ticket_id == 7
    assert draft.resultaat is None


def test_second_question_shares_the_conversation() -> None:
    service, _, _ = make(local(2026, 3, 2))
    first = service.save(ANNA, filled(service, bsn=VALID_BSN))
    second = service.next_question(ANNA, first)
    assert second.gesprek_id == first.gesprek_id
    assert second.id != first.id
    assert second.bsn == VALID_BSN


def test_save_fills_end_and_number() -> None:
    service, clock, store = make(local(2026, 3, 2))
    contact = filled(service)
    clock.advance(timedelta(seconds=90))
    saved = service.save(ANNA, contact)
    assert saved.beeindigd_op == clock.now()
    assert saved.nummer == 1
    assert store.get_contact(saved.id) == saved


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"onderwerp": Onderwerp()}, OnderwerpRequired, "onderwerp"),
        ({"onderwerp": Onderwerp(vrije_tekst="   ")}, OnderwerpRequired, "onderwerp"),
        ({"resultaat": None}, ResultaatRequired, "resultaat"),
        ({"kanaal": "duif"}, ChannelUnknown, "kanaal"),
        ({"taal": "nl"}, ContactInvalid, "taal"),
        ({"vraag": "x" * 1001}, TextTooLong, "vraag"),
        ({"onderwerp": Onderwerp(vrije_tekst="y" * 201)}, TextTooLong, "onderwerp"),
        ({"antwoord": "geplakt\x00stuk"}, ContactInvalid, "antwoord"),
    ],
)
def test_invalid_contact_gives_typed_dutch_error(changes: dict[str, object], error: type, field: str) -> None:
    service, _, store = make(local(2026, 3, 2))
    with pytest.raises(error) as caught:
        service.save(ANNA, filled(service, **changes))
    assert caught.value.field == field
    assert caught.value.code.startswith("kcc.contact.")
    assert store.contacts_between(local(2026, 1, 1), local(2027, 1, 1)) == []


def test_end_before_start_is_refused() -> None:
    service, clock, _ = make(local(2026, 3, 2))
    contact = filled(service, beeindigd_op=clock.now() - timedelta(minutes=1))
    with pytest.raises(EndBeforeStart) as caught:
        service.save(ANNA, contact)
    assert "voor het begin" in caught.value.message


def test_bad_bsn_is_refused_without_the_number_in_the_error() -> None:
    service, _, _ = make(local(2026, 3, 2))
    with pytest.raises(BsnInvalid) as caught:
        service.save(ANNA, filled(service, bsn="123456789"))
    assert "123456789" not in str(caught.value) and "123456789" not in repr(caught.value)


def test_bsn_never_in_repr() -> None:
    service, _, _ = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service, bsn=VALID_BSN))
    assert VALID_BSN not in repr(saved)


def test_configured_channel_is_accepted() -> None:
    clock = FakeClock(local(2026, 3, 2))
    service = ContactService(InMemoryContactStore(), CALENDAR, clock, NORMS.get, channels=ChannelList(["WhatsApp"]))
    saved = service.save(ANNA, filled(service, kanaal="whatsapp"))
    assert saved.kanaal == "whatsapp"
    assert service.channels.names[:6] == ("balie", "digitale balie", "telefoon", "e-mail", "post", "website")


def test_role_without_contact_register_cannot_save_or_start() -> None:
    service, _, store = make(local(2026, 3, 2))
    contact = filled(service)
    with pytest.raises(PermissionDenied):
        service.save(REDACTEUR, contact)
    with pytest.raises(PermissionDenied):
        service.new_contact(REDACTEUR)
    with pytest.raises(ContactNotFound):
        store.get_contact(contact.id)


def test_colleague_cannot_change_or_read_my_contact_but_team_lead_can() -> None:
    service, _, _ = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service))
    with pytest.raises(PermissionDenied):
        service.save(BOB, replace(saved, antwoord="anders"))
    with pytest.raises(PermissionDenied):
        service.get(BOB, saved.id)
    assert service.get(TEAM, saved.id) == saved


def test_contacts_between_shows_only_own_without_read_all() -> None:
    service, clock, _ = make(local(2026, 3, 2, 9))
    service.save(ANNA, filled(service, ANNA))
    clock.advance(timedelta(minutes=5))
    service.save(BOB, filled(service, BOB))
    day = (local(2026, 3, 2, 0), local(2026, 3, 3, 0))
    assert [c.medewerker.gebruikersnaam for c in service.contacts_between(ANNA, *day)] == ["anna"]
    assert [c.medewerker.gebruikersnaam for c in service.contacts_between(TEAM, *day)] == ["anna", "bob"]


# Hand-counted deadlines (2025/2026 calendars; holidays from the seed file):
@pytest.mark.parametrize(
    ("asked", "norm", "due", "why"),
    [
        # Fri 24 Apr 2026 + 1: Sat, Sun, Mon 27 = Koningsdag -> Tue 28 April.
        (local(2026, 4, 24), 1, date(2026, 4, 28), "Koningsdag on Monday 27 April 2026"),
        # Fri 25 Apr 2025 + 1: Koningsdag is Sat 26 April 2025, so Monday 28 April counts.
        (local(2025, 4, 25), 1, date(2025, 4, 28), "Koningsdag 2025 falls on a Saturday"),
        # Thu 2 Apr 2026 + 2: Good Friday 3, weekend, Easter Monday 6 -> Tue 7, Wed 8 April.
        (local(2026, 4, 2), 2, date(2026, 4, 8), "Goede Vrijdag and Tweede Paasdag"),
        # Wed 23 Dec 2026 + 2: Thu 24, (Fri 25 Christmas, weekend) Mon 28 December.
        (local(2026, 12, 23), 2, date(2026, 12, 28), "Christmas 2026"),
        # Wed 24 Dec 2025 + 1: Thu 25 and Fri 26 Christmas, weekend -> Mon 29 December.
        (local(2025, 12, 24), 1, date(2025, 12, 29), "both Christmas days 2025"),
        # Wed 13 May 2026 + 1: Hemelvaart Thu 14, Friday after 15, weekend -> Mon 18 May.
        (local(2026, 5, 13), 1, date(2026, 5, 18), "Hemelvaart and the Friday after"),
        # Sat 7 Mar 2026 counts as Mon 9 March; + 5 -> 10,11,12,13,16 -> Mon 16 March.
        (local(2026, 3, 7), 5, date(2026, 3, 16), "asked on a Saturday"),
        # Fri 6 Mar 2026 18:00 (after closing) counts as Mon 9; + 1 -> Tue 10 March.
        (local(2026, 3, 6, 18), 1, date(2026, 3, 10), "asked after closing time"),
    ],
)
def test_forward_deadline_counts_working_days(asked: datetime, norm: int, due: date, why: str) -> None:
    service, _, _ = make(asked)
    saved = service.save(ANNA, filled(service, onderwerp=Onderwerp(vrije_tekst="Afval")))
    task = service.forward(ANNA, saved.id, BURGERZAKEN, "Bel terug", "", "06-12345678", norm_days=norm)
    assert task.deadline == due, why


def test_forward_uses_product_norm_then_default() -> None:
    # Mon 2 Mar 2026: passport norm 5 -> Mon 9 March; free text default 10 -> Mon 16 March.
    service, _, _ = make(local(2026, 3, 2))
    passport = service.save(ANNA, filled(service))
    other = service.save(ANNA, filled(service, onderwerp=Onderwerp(vrije_tekst="Boom snoeien")))
    assert service.forward(ANNA, passport.id, BURGERZAKEN, "Bellen", "", "06-1").deadline == date(2026, 3, 9)
    assert service.forward(ANNA, other.id, BURGERZAKEN, "Bellen", "", "06-1").deadline == date(2026, 3, 16)


def test_forward_marks_contact_doorgezet() -> None:
    service, _, store = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service))
    task = service.forward(ANNA, saved.id, BURGERZAKEN, "Terugbellen", "Wil weten of het kan", "06-12345678")
    assert store.get_contact(saved.id).resultaat is ContactResultaat.DOORGEZET
    assert task.status is TaakStatus.TE_VERWERKEN
    assert task.doorgezet_door.gebruikersnaam == "anna"
    assert "06-12345678" not in repr(task)


@pytest.mark.parametrize(
    ("toewijzing", "handeling", "bereikbaar", "field"),
    [
        (Toewijzing(ToewijzingSoort.AFDELING, "  "), "Bellen", "06", "toewijzing"),
        (BURGERZAKEN, " ", "06", "gevraagde_handeling"),
        (BURGERZAKEN, "Bellen", "", "bereikbaarheid"),
        (BURGERZAKEN, "b" * 201, "06", "gevraagde_handeling"),
    ],
)
def test_forward_validation(toewijzing: Toewijzing, handeling: str, bereikbaar: str, field: str) -> None:
    service, _, _ = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service))
    with pytest.raises(ContactInvalid) as caught:
        service.forward(ANNA, saved.id, toewijzing, handeling, "", bereikbaar)
    assert caught.value.field == field


def test_forward_unknown_contact() -> None:
    service, _, _ = make(local(2026, 3, 2))
    with pytest.raises(ContactNotFound):
        service.forward(ANNA, "00000000-0000-0000-0000-000000000000", BURGERZAKEN, "Bellen", "", "06")


def test_overdue_marked_as_the_fake_clock_moves() -> None:
    # Mon 2 Mar 2026 + 2 -> Wed 4 March.
    service, clock, _ = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service, onderwerp=Onderwerp(vrije_tekst="Parkeren")))
    service.forward(ANNA, saved.id, BURGERZAKEN, "Bellen", "", "06-1", norm_days=2)
    [row] = service.forwarded_by_me(ANNA)
    assert (row.te_laat, row.werkdagen_over, row.onderwerp) == (False, 2, "Parkeren")
    clock.set(local(2026, 3, 4, 16))  # deadline day itself: not late yet
    [row] = service.forwarded_by_me(ANNA)
    assert (row.te_laat, row.werkdagen_over) == (False, 0)
    clock.set(local(2026, 3, 5, 9))
    [row] = service.forwarded_by_me(ANNA)
    assert (row.te_laat, row.werkdagen_over) == (True, -1)
    clock.set(local(2026, 3, 9, 9))  # Thu 5, Fri 6, Mon 9: three working days past
    [row] = service.forwarded_by_me(ANNA)
    assert (row.te_laat, row.werkdagen_over) == (True, -3)


def test_forwarded_list_is_mine_oldest_deadline_first() -> None:
    service, _, _ = make(local(2026, 3, 2))
    a = service.save(ANNA, filled(service, onderwerp=Onderwerp(vrije_tekst="laat")))
    b = service.save(ANNA, filled(service, onderwerp=Onderwerp(vrije_tekst="vroeg")))
    c = service.save(BOB, filled(service, BOB, onderwerp=Onderwerp(vrije_tekst="van bob")))
    service.forward(ANNA, a.id, BURGERZAKEN, "Bellen", "", "06", norm_days=8)
    service.forward(ANNA, b.id, BURGERZAKEN, "Bellen", "", "06", norm_days=1)
    service.forward(BOB, c.id, BURGERZAKEN, "Bellen", "", "06", norm_days=0)
    assert [r.onderwerp for r in service.forwarded_by_me(ANNA)] == ["vroeg", "laat"]


def test_answer_recorded_back_on_contact_and_task_closed() -> None:
    service, clock, store = make(local(2026, 3, 2))
    saved = service.save(ANNA, filled(service))
    task = service.forward(ANNA, saved.id, BURGERZAKEN, "Bellen", "", "06", norm_days=1)
    with pytest.raises(PermissionDenied):
        service.record_answer(ANNA, task.id, "Geregeld")  # a desk clerk is not the back office
    assert [r.task.id for r in service.open_tasks(TEAM, "Burgerzaken backoffice")] == [task.id]
    clock.set(local(2026, 3, 5, 9))  # after the deadline (Tue 3 March)
    done = service.record_answer(TEAM, task.id, "Inwoner gebeld, aanvraag kan door.")
    assert done.status is TaakStatus.VERWERKT
    assert done.afgehandeld_op == clock.now()
    assert done.afgehandeld_door is not None and done.afgehandeld_door.gebruikersnaam == "tl"
    contact = store.get_contact(saved.id)
    assert contact.terugkoppeling == "Inwoner gebeld, aanvraag kan door."
    assert contact.medewerker.gebruikersnaam == "anna"  # the KCC stays owner
    [row] = service.forwarded_by_me(ANNA)
    assert row.te_laat is False  # handled, even if late
    assert service.open_tasks(TEAM) == []
    with pytest.raises(TaskAlreadyHandled):
        service.record_answer(TEAM, task.id, "nog eens")


def test_open_tasks_needs_task_handle_or_read_all() -> None:
    service, _, _ = make(local(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        service.open_tasks(ANNA)


def test_times_are_aware() -> None:
    service, _, _ = make(datetime(2026, 3, 2, 9, tzinfo=UTC))
    with pytest.raises(ContactInvalid):
        service.save(ANNA, filled(service, gestart_op=datetime(2026, 3, 2, 9)))


def test_stale_copy_does_not_erase_the_answer_or_change_the_owner() -> None:
    service, _, store = make(local(2026, 3, 2))
    stale = service.save(ANNA, filled(service))
    task = service.forward(ANNA, stale.id, BURGERZAKEN, "Bellen", "", "06", norm_days=1)
    service.record_answer(TEAM, task.id, "Geregeld.")
    service.save(ANNA, replace(stale, antwoord="Aangevuld."))  # the desk screen still had this copy
    again = store.get_contact(stale.id)
    assert (again.antwoord, again.terugkoppeling) == ("Aangevuld.", "Geregeld.")
    service.save(TEAM, replace(again, vraag="Gecorrigeerd door teamleider"))
    assert store.get_contact(stale.id).medewerker.gebruikersnaam == "anna"
