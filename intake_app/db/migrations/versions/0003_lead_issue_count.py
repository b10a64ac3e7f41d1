"""Leads: the number of open issues, so the Leads page filters and sorts on it in SQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("issue_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            batch_op.f("ix_leads_event_id_issue_count"), ["event_id", "issue_count"], unique=False
        )
    # Existing leads: count the issues they already carry.
    connection = op.get_bind()
    leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("issues", sa.JSON))
    counts = [
        {"lead_id": lead_id, "count": len(issues or [])}
        for lead_id, issues in connection.execute(sa.select(leads.c.id, leads.c.issues))
        if issues
    ]
    if counts:
        connection.execute(
            sa.text("UPDATE leads SET issue_count = :count WHERE id = :lead_id"), counts
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_event_id_issue_count"))
        batch_op.drop_column("issue_count")
