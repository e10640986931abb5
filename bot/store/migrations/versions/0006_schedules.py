"""Digests, reminders, the posts they made, and the relay's per-booking claim rows; a card's
`ts` wide enough for the "pending:<key>" it holds while being posted (PostgreSQL enforces
lengths; SQLite never did).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.alter_column("ts", type_=sa.String(100), existing_type=sa.String(32))
    op.create_table(
        "digests",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("at", sa.String(5), nullable=False),
        sa.Column("product_id", sa.String(64), nullable=True),
        sa.Column("product_name", sa.String(200), nullable=True),
        sa.Column("always", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reminders",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("product_id", sa.String(64), nullable=True),
        sa.Column("product_name", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "posted",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_posted_at", "posted", ["at"])
    op.create_table(
        "relay_claims",
        sa.Column("booking_number", sa.String(32), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("relay_claims")
    op.drop_index("ix_posted_at", table_name="posted")
    op.drop_table("posted")
    op.drop_table("reminders")
    op.drop_table("digests")
    with op.batch_alter_table("cards") as batch:
        batch.alter_column("ts", type_=sa.String(32), existing_type=sa.String(100))
