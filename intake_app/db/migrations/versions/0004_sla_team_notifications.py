"""SLA clock: who a handover went to, the team directory, raised alerts, team settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_stamps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handed_to", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))

    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('field_marketer', 'ops', 'manager')", name=op.f("ck_team_members_known_role")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["team_members.id"],
            name=op.f("fk_team_members_manager_id_team_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("name", name=op.f("uq_team_members_name")),
    )
    op.create_table(
        "sla_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("emailed_to", sa.Text(), nullable=True),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_sla_notifications_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_notifications")),
        sa.UniqueConstraint(
            "event_id", "stage", "kind", "due_at", name=op.f("uq_sla_notifications_event_id")
        ),
    )
    with op.batch_alter_table("sla_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_notifications_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sla_notifications_raised_at"), ["raised_at"], unique=False
        )
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )


def downgrade() -> None:
    op.drop_table("app_settings")
    with op.batch_alter_table("sla_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_notifications_raised_at"))
        batch_op.drop_index(batch_op.f("ix_sla_notifications_event_id"))
    op.drop_table("sla_notifications")
    op.drop_table("team_members")
    with op.batch_alter_table("sla_stamps", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("handed_to")
