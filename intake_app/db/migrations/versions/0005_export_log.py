"""Exports: each MAP export with its files and counts, and the leads it carried.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("exported_by", sa.String(length=255), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_exports_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exports_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_exports_content_sha256"), ["content_sha256"], unique=False
        )
    op.create_table(
        "exported_leads",
        sa.Column("export_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_id"],
            ["exports.id"],
            name=op.f("fk_exported_leads_export_id_exports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_exported_leads_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("export_id", "lead_id", name=op.f("pk_exported_leads")),
    )
    with op.batch_alter_table("exported_leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exported_leads_lead_id"), ["lead_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exported_leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exported_leads_lead_id"))
    op.drop_table("exported_leads")
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exports_content_sha256"))
        batch_op.drop_index(batch_op.f("ix_exports_event_id"))
    op.drop_table("exports")
