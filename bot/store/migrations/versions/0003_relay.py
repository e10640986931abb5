"""The relay: inbox of webhook deliveries, last known booking states, subscriptions, cards.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(128), nullable=False, unique=True),
        sa.Column("domain", sa.String(32), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("booking_number", sa.String(32), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("previous_lost", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_inbox_state_next", "inbox", ["state", "next_attempt_at"])
    op.create_index("ix_inbox_booking", "inbox", ["booking_number"])
    op.create_table(
        "booking_states",
        sa.Column("booking_number", sa.String(32), primary_key=True),
        sa.Column("snapshot", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("kinds", sa.String(100), nullable=False),
        sa.Column("product_id", sa.String(64), nullable=True),
        sa.Column("product_name", sa.String(200), nullable=True),
        sa.Column("within_hours", sa.Integer, nullable=True),
        sa.Column("quiet", sa.String(16), nullable=True),
        sa.Column("broadcast", sa.Boolean, nullable=False),
        sa.Column("paused_reason", sa.Text, nullable=True),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_subscriptions_team", "subscriptions", ["team_id"])
    op.create_table(
        "cards",
        sa.Column("booking_number", sa.String(32), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cards")
    op.drop_table("subscriptions")
    op.drop_table("booking_states")
    op.drop_table("inbox")
