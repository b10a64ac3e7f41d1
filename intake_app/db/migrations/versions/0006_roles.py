"""Who may do what: a login per team member, and on PostgreSQL roles with row-level security.

Field marketers (members of the ``intake_field`` role) read everything but change
only their own events and what hangs off them (imports, leads, stamps, exports);
they cannot change the team, the shared settings or the audit log. Marketing ops
(``intake_ops``) may change everything. The database owner, who runs the
migrations, is not bound by the policies. SQLite has no roles: there the app
applies the same rules (``intake_app.services.access``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("intake_ops", "intake_field")

# Table -> the SQL that says whether the row belongs to an event of the login's.
OWNED_BY_EVENT = {
    "events": "intake_owns(owner)",
    "import_batches": "intake_owns_event(event_id)",
    "leads": "intake_owns_event(event_id)",
    "sla_stamps": "intake_owns_event(event_id)",
    "exports": "intake_owns_event(event_id)",
    "duplicate_candidates": "(event_id IS NULL OR intake_owns_event(event_id))",
    "source_rows": (
        "EXISTS (SELECT 1 FROM import_batches b"
        " WHERE b.id = batch_id AND intake_owns_event(b.event_id))"
    ),
    "exported_leads": (
        "EXISTS (SELECT 1 FROM exports x WHERE x.id = export_id AND intake_owns_event(x.event_id))"
    ),
}
# Shared by everyone who imports: people, merges, alerts and saved mappings.
SHARED = ("persons", "merge_decisions", "sla_notifications", "mapping_templates")
# Read by field marketers, changed by ops only.
OPS_ONLY = ("team_members", "app_settings")


def upgrade() -> None:
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_team_members_login"), ["login"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_roles()


def _postgresql_roles() -> None:
    creates = " ".join(
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN"
        f" CREATE ROLE {role} NOLOGIN; END IF;"
        for role in ROLES
    )
    op.execute(
        f"""
        DO $$ BEGIN {creates}
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'The roles intake_ops and intake_field are missing and this login'
                ' may not create them; ask the database administrator to run:'
                ' CREATE ROLE intake_ops NOLOGIN; CREATE ROLE intake_field NOLOGIN;';
        END $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION intake_owns(owner_name text) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT EXISTS (
                SELECT 1 FROM team_members m
                WHERE lower(m.login) = lower(current_user::text)
                  AND lower(m.name) = lower(btrim(owner_name)) AND m.active
            )
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION intake_owns_event(target integer) RETURNS boolean
        LANGUAGE sql STABLE AS $$
            SELECT EXISTS (SELECT 1 FROM events e WHERE e.id = target AND intake_owns(e.owner))
        $$
        """
    )
    op.execute("GRANT USAGE ON SCHEMA public TO intake_ops, intake_field")
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO intake_ops")
    op.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO intake_ops, intake_field")
    op.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO intake_field")
    op.execute("REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM intake_ops")
    tables = [*OWNED_BY_EVENT, *SHARED]
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(tables)} TO intake_field")
    op.execute("GRANT INSERT ON audit_log TO intake_field")  # append only

    for table, owned in OWNED_BY_EVENT.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY ops_all ON {table} TO intake_ops USING (true) WITH CHECK (true)")
        op.execute(f"CREATE POLICY field_read ON {table} FOR SELECT TO intake_field USING (true)")
        op.execute(
            f"CREATE POLICY field_insert ON {table} FOR INSERT TO intake_field WITH CHECK ({owned})"
        )
        op.execute(
            f"CREATE POLICY field_update ON {table} FOR UPDATE TO intake_field"
            f" USING ({owned}) WITH CHECK ({owned})"
        )
        op.execute(
            f"CREATE POLICY field_delete ON {table} FOR DELETE TO intake_field USING ({owned})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in OWNED_BY_EVENT:
            for policy in ("ops_all", "field_read", "field_insert", "field_update", "field_delete"):
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION IF EXISTS intake_owns_event(integer)")
        op.execute("DROP FUNCTION IF EXISTS intake_owns(text)")
        op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM intake_ops, intake_field")
        op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM intake_ops, intake_field")
        # The roles belong to the whole server (other databases may use them): kept.
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_team_members_login"), type_="unique")
        batch_op.drop_column("login")
