"""Audit rows written before the Bookeo call ("pending", then finished in place), and the
external reference a create sends, so a webhook that arrives before Bookeo's answer is still
matched to the Slack user who made the change.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(64), nullable=True))
        batch.create_index("ix_audit_external_ref", ["external_ref"])


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_index("ix_audit_external_ref")
        batch.drop_column("external_ref")
