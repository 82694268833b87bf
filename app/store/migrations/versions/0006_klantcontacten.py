"""Klantcontacten after the VNG Klantinteracties model, and forwarded questions (interne taken).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "klantcontacten",
        sa.Column("nummer", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("gesprek_id", sa.String(length=36), nullable=False),
        sa.Column("kanaal", sa.String(length=50), nullable=False),
        sa.Column("product_uri", sa.String(length=300), nullable=True),
        sa.Column("product_naam", sa.String(length=200), nullable=True),
        sa.Column("vrije_tekst", sa.String(length=200), nullable=True),
        sa.Column("vraag", sa.Text(), nullable=False),
        sa.Column("antwoord", sa.Text(), nullable=False),
        sa.Column("resultaat", sa.String(length=20), nullable=False),
        sa.Column("taal", sa.String(length=3), nullable=False),
        sa.Column("vertrouwelijk", sa.Boolean(), nullable=False),
        sa.Column("gestart_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beeindigd_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("medewerker_id", sa.Integer(), nullable=True),
        sa.Column("medewerker_gebruikersnaam", sa.String(length=100), nullable=False),
        sa.Column("medewerker_naam", sa.String(length=200), nullable=False),
        sa.Column("afdeling", sa.String(length=200), nullable=True),
        sa.Column("bsn", sa.String(length=9), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kennisartikel_uri", sa.String(length=300), nullable=True),
        sa.Column("terugkoppeling", sa.Text(), nullable=True),
        sa.Column("terugkoppeling_op", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nummer"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_klantcontacten_gesprek_id", "klantcontacten", ["gesprek_id"])
    op.create_index("ix_klantcontacten_gestart_op", "klantcontacten", ["gestart_op"])
    op.create_index("ix_klantcontacten_medewerker", "klantcontacten", ["medewerker_gebruikersnaam", "gestart_op"])
    op.create_table(
        "interne_taken",
        sa.Column("nummer", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("klantcontact_uuid", sa.String(length=36), nullable=False),
        sa.Column("toewijzing_soort", sa.String(length=20), nullable=False),
        sa.Column("toewijzing_naam", sa.String(length=200), nullable=False),
        sa.Column("gevraagde_handeling", sa.String(length=200), nullable=False),
        sa.Column("toelichting", sa.Text(), nullable=False),
        sa.Column("bereikbaarheid", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("toegewezen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("afgehandeld_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("antwoord", sa.Text(), nullable=True),
        sa.Column("doorgezet_door_id", sa.Integer(), nullable=True),
        sa.Column("doorgezet_door_gebruikersnaam", sa.String(length=100), nullable=False),
        sa.Column("doorgezet_door_naam", sa.String(length=200), nullable=False),
        sa.Column("afgehandeld_door_id", sa.Integer(), nullable=True),
        sa.Column("afgehandeld_door_gebruikersnaam", sa.String(length=100), nullable=True),
        sa.Column("afgehandeld_door_naam", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["klantcontact_uuid"], ["klantcontacten.uuid"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("nummer"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_interne_taken_klantcontact_uuid", "interne_taken", ["klantcontact_uuid"])
    op.create_index("ix_interne_taken_open", "interne_taken", ["status", "toewijzing_naam", "deadline"])
    op.create_index("ix_interne_taken_owner", "interne_taken", ["doorgezet_door_gebruikersnaam", "deadline"])


def downgrade() -> None:
    op.drop_table("interne_taken")
    op.drop_table("klantcontacten")
