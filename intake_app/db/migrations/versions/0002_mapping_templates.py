"""Mapping templates: saved column mappings, found again by their header signature.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mapping_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_mapping_templates_name")),
    )
    with op.batch_alter_table("mapping_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mapping_templates_header_signature"), ["header_signature"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mapping_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_templates_header_signature"))

    op.drop_table("mapping_templates")
