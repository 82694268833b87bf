"""Tables of klantcontacten and forwarded questions (interne taken).

Migrations create the tables; these definitions are what the code queries. `nummer` is the
integer key (the API's contact number); `uuid` is the Klantinteracties identity the core uses.
Staff are stored as a snapshot (id, username, name) so history survives renamed accounts.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text

from app.store.schema import metadata

klantcontacten = Table(
    "klantcontacten",
    metadata,
    Column("nummer", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("gesprek_id", String(36), nullable=False, index=True),
    Column("kanaal", String(50), nullable=False),
    Column("product_uri", String(300)),
    Column("product_naam", String(200)),
    Column("vrije_tekst", String(200)),
    Column("vraag", Text, nullable=False),
    Column("antwoord", Text, nullable=False),
    Column("resultaat", String(20), nullable=False),
    Column("taal", String(3), nullable=False),
    Column("vertrouwelijk", Boolean, nullable=False),
    Column("gestart_op", DateTime(timezone=True), nullable=False),
    Column("beeindigd_op", DateTime(timezone=True)),
    Column("medewerker_id", Integer),
    Column("medewerker_gebruikersnaam", String(100), nullable=False),
    Column("medewerker_naam", String(200), nullable=False),
    Column("afdeling", String(200)),
    Column("bsn", String(9)),  # needed for the export's partij; never logged
    Column("ticket_id", Integer),
    Column("kennisartikel_uri", String(300)),
    Column("terugkoppeling", Text),
    Column("terugkoppeling_op", DateTime(timezone=True)),
    Index("ix_klantcontacten_gestart_op", "gestart_op"),
    Index("ix_klantcontacten_medewerker", "medewerker_gebruikersnaam", "gestart_op"),
)

interne_taken = Table(
    "interne_taken",
    metadata,
    Column("nummer", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column(
        "klantcontact_uuid",
        String(36),
        ForeignKey("klantcontacten.uuid", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("toewijzing_soort", String(20), nullable=False),
    Column("toewijzing_naam", String(200), nullable=False),
    Column("gevraagde_handeling", String(200), nullable=False),
    Column("toelichting", Text, nullable=False),
    Column("bereikbaarheid", String(200), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("toegewezen_op", DateTime(timezone=True), nullable=False),
    Column("afgehandeld_op", DateTime(timezone=True)),
    Column("antwoord", Text),
    Column("doorgezet_door_id", Integer),
    Column("doorgezet_door_gebruikersnaam", String(100), nullable=False),
    Column("doorgezet_door_naam", String(200), nullable=False),
    Column("afgehandeld_door_id", Integer),
    Column("afgehandeld_door_gebruikersnaam", String(100)),
    Column("afgehandeld_door_naam", String(200)),
    Index("ix_interne_taken_open", "status", "toewijzing_naam", "deadline"),
    Index("ix_interne_taken_owner", "doorgezet_door_gebruikersnaam", "deadline"),
)
