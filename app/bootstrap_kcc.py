"""The KCC part of the composition root (app.bootstrap): sign-in, contacts, knowledge base, BRP.

Kept apart so bootstrap.py stays readable; only app.bootstrap imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.clock import Clock
from app.core.errors import ConfigError

if TYPE_CHECKING:
    from app.balie.workspace import KccServices
    from app.core.events import EventBus
    from app.core.kcc.contact import Toewijzing
    from app.core.kcc.persons import PersonRegistry
    from app.store.database import Database

log = logging.getLogger(__name__)

SEED_DIR = Path(__file__).resolve().parents[1] / "resources" / "seed"
HOLIDAYS_CSV = "feestdagen-nl-2025-2030.csv"
#: where the demo's desks forward questions to: (soort, naam)
DEMO_FORWARD_TARGETS = (
    ("afdeling", "Burgerzaken backoffice"),
    ("afdeling", "Vergunningen"),
    ("afdeling", "Belastingen"),
    ("groep", "Wmo-loket"),
)


def demo_person_registry() -> PersonRegistry:
    """The demo's citizens: the RvIG BRP test persons in resources/seed."""
    from app.integrations.brp_standin import load_seed_registry

    return load_seed_registry()


def seed_demo_kcc(database: Database) -> None:
    """Demo accounts (one per role) and the knowledge base, once per demo database."""
    from app.store.knowledge_repository import SqlKnowledgeStore
    from app.store.knowledge_seed import seed_knowledge
    from app.store.staff_seed import seed_demo_staff

    seed_demo_staff(database)
    if not SqlKnowledgeStore(database.writer, database.reader).all_uris():
        seed_knowledge(database)


def forward_targets(pairs: Sequence[tuple[str, str]]) -> tuple[Toewijzing, ...]:
    """(soort, naam) pairs from the config (afdeling, groep or medewerker) as Toewijzingen."""
    from app.core.kcc.contact import Toewijzing, ToewijzingSoort

    try:
        return tuple(Toewijzing(ToewijzingSoort(soort), naam) for soort, naam in pairs)
    except ValueError as error:
        raise ConfigError("doorzetten kan naar een afdeling, groep of medewerker", key="kcc.forward_targets") from error


def kcc_services(
    database: Database,
    clock: Clock,
    registry: PersonRegistry,
    *,
    targets: Sequence[tuple[str, str]] = DEMO_FORWARD_TARGETS,
    default_norm_days: int = 10,
    channels: Sequence[str] = (),
    events: EventBus | None = None,
) -> KccServices:
    """The KCC desk's use cases on one database: sign-in, contacts, knowledge base, persons.
    `channels`: contact channels besides the standard ones ([kcc] extra_channels). `events`: the
    process's bus, so a desk sees tasks, contacts and articles changed at other PCs by itself."""
    from app.balie.workspace import KccServices
    from app.core.auth import SignInService
    from app.core.kcc.contact import ChannelList
    from app.core.kcc.contact_service import ContactService
    from app.core.kcc.knowledge import KnowledgeService
    from app.core.kcc.persons import PersonLookup
    from app.core.kcc.working_days import WorkingCalendar, parse_holidays
    from app.store.audit_repository import SqlAuditLog
    from app.store.contact_repository import SqlContactStore
    from app.store.knowledge_repository import SqlKnowledgeStore
    from app.store.staff_repository import SqlStaffDirectory

    holidays = parse_holidays((SEED_DIR / HOLIDAYS_CSV).read_text(encoding="utf-8"))
    calendar = WorkingCalendar.from_holidays(holidays)
    knowledge = KnowledgeService(SqlKnowledgeStore(database.writer, database.reader), clock)

    def norm_days(uri: str | None) -> int | None:
        return knowledge.service_norm_days(uri) if uri else None

    contacts = ContactService(
        SqlContactStore(database.writer, database.reader),
        calendar,
        clock,
        norm_days,
        default_norm_days=default_norm_days,
        channels=ChannelList(channels),
    )
    return KccServices(
        sign_in=SignInService(SqlStaffDirectory(database.writer, database.reader), clock),
        contacts=contacts,
        knowledge=knowledge,
        persons=PersonLookup(registry, SqlAuditLog(database.writer, database.reader), clock),
        forward_targets=forward_targets(targets),
        events=events,
    )


def workstation_kcc(
    database: Database, clock: Clock, registry: PersonRegistry, kcc: Any, events: EventBus
) -> KccServices:
    """A balie's KCC services from its [kcc] settings (app.config_kcc.KccSettings; None: defaults)."""
    return kcc_services(
        database,
        clock,
        registry,
        events=events,
        targets=getattr(kcc, "target_pairs", ()) or DEMO_FORWARD_TARGETS,
        default_norm_days=getattr(kcc, "default_norm_days", 10),
        channels=getattr(kcc, "extra_channels", ()),
    )


def person_registry(brp: Any = None) -> PersonRegistry:
    """The BRP of a balie: the Haal Centraal BRP Personen API when the workstation file has a
    [brp] section (url, api_key_file, timeout_seconds, ca_file), else a registry that says plainly
    that no BRP is connected (a real desk must never show the demo's test persons)."""
    url = str(getattr(brp, "url", "") or "")
    if not url:
        return _NoBrp()
    from app.integrations.brp_api import HaalCentraalRegistry

    api_key = None
    key_file = str(getattr(brp, "api_key_file", "") or "")
    if key_file:
        try:
            api_key = Path(key_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError:
            raise ConfigError(
                "het bestand met de API-sleutel van de BRP is niet te lezen", key="brp.api_key_file"
            ) from None
    timeout = float(getattr(brp, "timeout_seconds", 10.0) or 10.0)
    ca_file = str(getattr(brp, "ca_file", "") or "") or None
    return HaalCentraalRegistry(url, api_key=api_key, timeout=timeout, ca_file=ca_file)


class _NoBrp:
    """PersonRegistry of a workstation without a BRP connection: every lookup says so."""

    def _refuse(self) -> Any:
        from app.core.kcc.persons import BrpUnavailable

        raise BrpUnavailable("Deze werkplek heeft geen koppeling met de BRP. Vraag de beheerder (sleutel brp.url).")

    def by_bsn(self, bsn: str) -> Any:
        return self._refuse()

    def search(self, geslachtsnaam: str, geboortedatum: Any, *, include_deceased: bool = False) -> Any:
        return self._refuse()
