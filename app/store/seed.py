"""Configuration rows: vestigingen, diensten and balies; and the demo hall.

The demo's services group the front-office products of resources/seed/producten-seed.csv
(source: shared/data/kcc, compiled from public municipal pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlalchemy import insert

from app.store.database import Database
from app.store.schema import desk_services, desks, locations, services


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name_nl: str
    name_en: str
    prefix: str
    default_service_minutes: float = 8.0
    target_wait_minutes: int = 15
    product_uri: str | None = None


@dataclass(frozen=True)
class DeskSpec:
    name: str
    service_codes: tuple[str, ...]


@dataclass
class SeedIds:
    location_id: int
    service_ids: dict[str, int] = field(default_factory=dict)
    desk_ids: dict[str, int] = field(default_factory=dict)


DEMO_SERVICES = (
    ServiceSpec(
        "REISDOC",
        "Paspoort en ID-kaart",
        "Passport and ID card",
        "A",
        11.0,
        15,
        "http://standaarden.overheid.nl/owms/terms/paspoort",
    ),
    ServiceSpec(
        "RIJBEWIJS",
        "Rijbewijs",
        "Driving licence",
        "B",
        10.0,
        15,
        "http://standaarden.overheid.nl/owms/terms/rijbVerlengen",
    ),
    ServiceSpec("BURGERZAKEN", "Uittreksels en verhuizen", "Extracts and moving house", "C", 6.0, 10),
    ServiceSpec(
        "AFHALEN",
        "Document ophalen",
        "Collect a document",
        "D",
        5.0,
        10,
        "http://standaarden.overheid.nl/owms/terms/reisdocument",
    ),
)

DEMO_DESKS = (
    DeskSpec("Balie 1", ("REISDOC", "BURGERZAKEN")),
    DeskSpec("Balie 2", ("REISDOC", "RIJBEWIJS")),
    DeskSpec("Balie 3", ("BURGERZAKEN", "AFHALEN", "REISDOC")),
    DeskSpec("Balie 4", ("AFHALEN", "RIJBEWIJS")),
)


def seed_location(
    db: Database,
    name: str,
    service_specs: tuple[ServiceSpec, ...],
    desk_specs: tuple[DeskSpec, ...],
    *,
    timezone: str = "Europe/Amsterdam",
    reset_time: time = time(3, 0),
    max_recalls: int = 2,
    normal_per_priority: int = 2,
    ageing_minutes: int = 30,
) -> SeedIds:
    with db.writer.begin() as conn:
        location_id = conn.execute(
            insert(locations)
            .values(
                name=name,
                timezone=timezone,
                reset_time=reset_time.strftime("%H:%M"),
                max_recalls=max_recalls,
                normal_per_priority=normal_per_priority,
                ageing_minutes=ageing_minutes,
            )
            .returning(locations.c.id)
        ).scalar_one()
        ids = SeedIds(location_id)
        for order, spec in enumerate(service_specs):
            ids.service_ids[spec.code] = conn.execute(
                insert(services)
                .values(
                    location_id=location_id,
                    code=spec.code,
                    name_nl=spec.name_nl,
                    name_en=spec.name_en,
                    prefix=spec.prefix,
                    is_open=True,
                    target_wait_minutes=spec.target_wait_minutes,
                    product_uri=spec.product_uri,
                    default_service_minutes=spec.default_service_minutes,
                    sort_order=order,
                )
                .returning(services.c.id)
            ).scalar_one()
        for desk_spec in desk_specs:
            desk_id = conn.execute(
                insert(desks).values(location_id=location_id, name=desk_spec.name, is_open=False).returning(desks.c.id)
            ).scalar_one()
            ids.desk_ids[desk_spec.name] = desk_id
            conn.execute(
                insert(desk_services),
                [
                    {"desk_id": desk_id, "service_id": ids.service_ids[code], "rank": rank}
                    for rank, code in enumerate(desk_spec.service_codes)
                ],
            )
    return ids


def seed_demo(db: Database, name: str = "Stadhuis") -> SeedIds:
    """The demo hall: four services and four desks with overlapping preferences."""
    return seed_location(db, name, DEMO_SERVICES, DEMO_DESKS)


DemoIds = SeedIds
