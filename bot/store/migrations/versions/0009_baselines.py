"""The state a booking had before the bot changed it (for the relay's first line about a
booking it never showed), and what each page said (for one escalation per booking, naming
its latest change).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_baselines",
        sa.Column("booking_number", sa.String(32), primary_key=True),
        sa.Column("booking", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("line", sa.Text, nullable=True))
        batch.add_column(sa.Column("changes", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("changes")
        batch.drop_column("line")
    op.drop_table("booking_baselines")
